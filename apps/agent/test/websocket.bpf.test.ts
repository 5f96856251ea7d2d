// Subscriptions over one WebSocket (what the web app uses): a browser opens at most six HTTP/1.1
// connections to a host, so a page with more live views than that needs them on one socket. The token is
// the socket's first message, never in its URL; other origins are refused at the upgrade.
import { spawnSync } from 'node:child_process';
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppRouter } from '../src/routers/_app.js';
import { requireBpf, startTestAgent } from './harness.js';

function socketClient(url: string, token: string, origin?: string) {
  const urls: string[] = [];
  // The browser sends its page's origin; node's WebSocket sends one only when told.
  class OriginWebSocket extends WebSocket {
    constructor(address: string | URL) {
      urls.push(String(address));
      super(address, origin ? { origin } : {});
    }
  }
  const socket = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/trpc`,
    connectionParams: () => ({ token }),
    WebSocket: OriginWebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 60_000,
  });
  const client: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
  return { client, socket, urls };
}

describe('subscriptions over a WebSocket', () => {
  beforeAll(() => requireBpf());

  it('carries ten live sessions on one socket, each with all of its rows, with the token never in the URL', async () => {
    const agent = await startTestAgent();
    const { client, socket, urls } = socketClient(agent.url, agent.token, agent.url);
    try {
      // Ten viewers of execsnoop with different params: ten attachments, ten streams, one socket.
      const sessions = await Promise.all(
        Array.from({ length: 10 }, (_, index) => agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { maxArgs: index + 1 } })),
      );
      const seen = sessions.map(() => new Set<number>());
      const subscriptions = sessions.map((session, index) =>
        client.sessions.stream.subscribe(
          { id: session.id },
          {
            onData: (envelope) => {
              for (const row of envelope.data.rows as Array<{ pid: number }>) seen[index]?.add(row.pid);
            },
          },
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const execs = Array.from({ length: 5 }, (_, index) => ({ pid: spawnSync('/bin/echo', ['bpfscope-ws', String(index)], { stdio: 'ignore' }).pid }));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !seen.every((pids) => execs.every((exec) => pids.has(exec.pid))))
        await new Promise((resolve) => setTimeout(resolve, 100));
      for (const [index, pids] of seen.entries())
        expect(
          execs.every((exec) => pids.has(exec.pid)),
          `stream ${index}`,
        ).toBe(true);
      expect(agent.services.sessions.list().reduce((sum, entry) => sum + entry.viewers.length, 0)).toBeGreaterThanOrEqual(10);
      for (const subscription of subscriptions) subscription.unsubscribe();
      expect(urls.length).toBe(1);
      expect(urls[0]).not.toContain(agent.token);
    } finally {
      await socket.close();
      await agent.close();
    }
  });

  it('answers a socket with a wrong token UNAUTHORIZED, and refuses another origin at the upgrade', async () => {
    const agent = await startTestAgent();
    const wrong = socketClient(agent.url, 'x'.repeat(43), agent.url);
    try {
      const error = await new Promise<unknown>((resolve) => {
        wrong.client.host.overviewStream.subscribe({}, { onData: () => resolve(new Error('data without a valid token')), onError: resolve });
      });
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${agent.url.replace(/^http/, 'ws')}/trpc`, { origin: 'https://evil.example' });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(403);
    } finally {
      await wrong.socket.close();
      await agent.close();
    }
  });
});
