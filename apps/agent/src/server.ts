// The agent's HTTP(S) server: CORS and bearer-token checks in front of tRPC, and
// the built web app from the same origin. Subscriptions are also served over one
// WebSocket per page (/trpc, upgraded): a browser opens at most six HTTP/1.1
// connections to a host, so a page with more live views than that over SSE stalls.
// The token comes in the socket's first message (tRPC's connectionParams), never the URL.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { bearerToken } from './auth/token.js';
import { ROLES } from './auth/tokens.js';
import type { Caller } from './auth/tokens.js';
import { createContextFactory, createContextInner } from './context.js';
import type { AgentServices } from './context.js';
import { negotiateFormat } from './metrics/metricsService.js';
import { appRouter } from './routers/_app.js';

/** Request bodies are tRPC calls with small inputs. */
const MAX_BODY_BYTES = 64 * 1024;
/** Open WebSockets: one per page showing this host; beyond this, new ones are refused (503). */
const MAX_SOCKETS = 64;

function allowedOrigin(request: Pick<http.IncomingMessage, 'headers'>, services: AgentServices): { allowed: boolean; origin?: string } {
  const origin = request.headers.origin;
  if (origin === undefined) return { allowed: true };
  const scheme = services.config.tlsCert ? 'https' : 'http';
  const own = `${scheme}://${request.headers.host ?? ''}`;
  return { allowed: origin === own || services.config.allowOrigin.includes(origin), origin };
}

/** Refuses (403) a request from a web origin the agent does not allow; otherwise says which origin, if any, sent it. */
function admitOrigin(request: Request, response: Response, services: AgentServices): { origin?: string } | undefined {
  const { allowed, origin } = allowedOrigin(request, services);
  if (allowed) return origin === undefined ? {} : { origin };
  response.status(403).json({ error: { code: 'FORBIDDEN', message: `origin ${origin} is not allowed` } });
  return undefined;
}

/** The roles whose tokens may scrape /metrics: every role there is (the metrics role only this). */
const METRICS_READERS = ROLES;

/** The caller a request's bearer token names; otherwise answers 401 and returns undefined. The token is never logged or echoed. */
function authenticate(request: Request, response: Response, services: AgentServices): Caller | undefined {
  const caller = services.tokens.authenticate(bearerToken(request.headers.authorization));
  if (!caller) {
    response.setHeader('WWW-Authenticate', 'Bearer realm="bpfscope"');
    response.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'a valid bearer token is required' } });
  }
  return caller;
}

export function createApp(services: AgentServices): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Unauthenticated, so a page can tell an agent that is there from one that is not
  // before it has a token: readable by the same origins as /trpc, refused to others.
  app.get('/healthz', (request, response) => {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Vary', 'Origin');
    const admitted = admitOrigin(request, response, services);
    if (!admitted) return;
    if (admitted.origin) response.setHeader('Access-Control-Allow-Origin', admitted.origin);
    response.json({ ok: true });
  });

  // CORS: the agent's own origin plus --allow-origin; anything else is refused outright.
  const cors = (methods: string) => (request: Request, response: Response, next: NextFunction) => {
    const admitted = admitOrigin(request, response, services);
    if (!admitted) return;
    const { origin } = admitted;
    if (origin) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Vary', 'Origin');
      response.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, trpc-accept, last-event-id, x-trpc-source');
      response.setHeader('Access-Control-Allow-Methods', methods);
      response.setHeader('Access-Control-Max-Age', '600');
    }
    if (request.method === 'OPTIONS') {
      response.status(204).end();
      return;
    }
    next();
  };
  app.use('/trpc', cors('GET, POST, OPTIONS'));

  // Every tRPC request, subscriptions included, needs a bearer token in the header (never in a URL, where it would end up in logs and browser history).
  app.use('/trpc', (request: Request, response: Response, next: NextFunction) => {
    if (!authenticate(request, response, services)) return;
    // A metrics token passes here and is refused by every procedure (FORBIDDEN, saying which role it needs).
    next();
  });

  // Prometheus exposition: the same origins and bearer tokens as /trpc. Any role may read it (a viewer sees more in
  // the overview anyway); a metrics token may read only this.
  app.use('/metrics', cors('GET, OPTIONS'));
  app.get('/metrics', (request: Request, response: Response) => {
    response.setHeader('Cache-Control', 'no-store');
    const caller = authenticate(request, response, services);
    if (!caller) return;
    if (!caller.roles.some((role) => (METRICS_READERS as readonly string[]).includes(role))) {
      response.status(403).json({ error: { code: 'FORBIDDEN', message: `/metrics needs a token of a role among ${METRICS_READERS.join(', ')}` } });
      return;
    }
    services.metrics.scrape(negotiateFormat(request.headers.accept)).then(
      ({ contentType, body }) => {
        response.setHeader('Content-Type', contentType);
        response.send(body);
      },
      (error: unknown) => {
        process.stderr.write(`bpfscope agent: /metrics: ${error instanceof Error ? error.message : String(error)}\n`);
        response.status(500).type('text/plain').send('metrics could not be collected\n');
      },
    );
  });

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(services),
      maxBodySize: MAX_BODY_BYTES,
      onError({ error, path: procedure }) {
        // Server-side record of internal failures only; client errors are the client's business.
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          process.stderr.write(`bpfscope agent: ${procedure ?? '?'}: ${error.message}\n`);
        }
      },
    }),
  );

  const webRoot = services.config.webRoot;
  if (webRoot && existsSync(path.join(webRoot, 'index.html'))) {
    const index = readFileSync(path.join(webRoot, 'index.html'));
    app.use(express.static(webRoot, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!trpc\/|healthz|metrics).*/, (_request, response) => {
      response.type('html').send(index);
    });
  }
  return app;
}

export interface RunningServer {
  url: string;
  server: http.Server | https.Server;
  close(): Promise<void>;
}

/** Answers an upgrade it refuses with a plain HTTP status, then drops the socket. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * tRPC over WebSocket on /trpc, for the same origins as HTTP. The context comes from the token the client
 * sends as its connection params; a socket without a valid one gets UNAUTHORIZED from every procedure.
 */
function serveWebSockets(server: http.Server | https.Server, services: AgentServices): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ info }) => createContextInner({ services, presentedToken: info.connectionParams?.token }),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    onError({ error, path: procedure }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') process.stderr.write(`bpfscope agent: ${procedure ?? '?'} (ws): ${error.message}\n`);
    },
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://agent').pathname !== '/trpc') return refuseUpgrade(socket, 404, 'Not Found');
    if (!allowedOrigin(request, services).allowed) return refuseUpgrade(socket, 403, 'Forbidden');
    if (wss.clients.size >= MAX_SOCKETS) return refuseUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  });
  return () => {
    handler.broadcastReconnectNotification();
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}

export function listen(services: AgentServices): Promise<RunningServer> {
  const app = createApp(services);
  const { tlsCert, tlsKey, listen: address } = services.config;
  const server = tlsCert && tlsKey ? https.createServer({ cert: readFileSync(tlsCert), key: readFileSync(tlsKey) }, app) : http.createServer(app);
  const closeWebSockets = serveWebSockets(server, services);
  // Bound idle connections and slow request headers.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0; // subscriptions are long-lived
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      const bound = server.address() as AddressInfo;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve({
        url: `${tlsCert ? 'https' : 'http'}://${host}:${bound.port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            closeWebSockets();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
