// One tRPC client per agent. Queries and mutations go over fetch, the token in the
// Authorization header. Every subscription of the page to that agent (live tables, heat
// maps, the overview) shares one WebSocket: a browser opens at most six HTTP/1.1
// connections to a host, so a seventh live view over SSE would wait for ever. The
// socket sends the token as its first message, never in the URL; it closes when no
// subscription has used it for a while.
import type { AppRouter } from '@bpfscope/agent';
import { createTRPCClient, createWSClient, httpBatchLink, httpLink, splitLink, TRPCClientError, wsLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';

export type AgentClient = TRPCClient<AppRouter>;

/** How long the socket stays open with no subscription: a view switched to another comes back without a new connection. */
const SOCKET_IDLE_CLOSE_MS = 10_000;
/** Reconnecting: 0.5 s, doubling, at most 5 s (an agent restart is back within seconds). */
const reconnectDelayMs = (attempt: number) => Math.min(5000, 500 * 2 ** attempt);

/** Base URL of an agent: same scheme as the page, so an https page never talks plain http. */
export function agentUrl(address: string, pageProtocol = globalThis.location?.protocol ?? 'http:'): string {
  return `${pageProtocol === 'https:' ? 'https' : 'http'}://${address}`;
}

/** The agent's WebSocket URL: wss from an https page. */
export function agentSocketUrl(address: string, pageProtocol = globalThis.location?.protocol ?? 'http:'): string {
  return `${pageProtocol === 'https:' ? 'wss' : 'ws'}://${address}/trpc`;
}

export interface AgentConnection {
  client: AgentClient;
  /** Closes the WebSocket (a replaced token, a removed host). */
  close(): void;
}

export function createAgentClient(address: string, token: string): AgentConnection {
  const url = `${agentUrl(address)}/trpc`;
  const authorization = { authorization: `Bearer ${token}` };
  const socket = createWSClient({
    url: agentSocketUrl(address),
    connectionParams: () => ({ token }),
    lazy: { enabled: true, closeMs: SOCKET_IDLE_CLOSE_MS },
    retryDelayMs: reconnectDelayMs,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: wsLink({ client: socket }),
        // PromQL answers and the overview's hour can take seconds and weigh megabytes: batched, the quickest would wait
        // for the slowest. A mutation is one user action (start, stop, save): batching it buys nothing and costs the
        // batch's timer turn.
        false: splitLink({
          condition: (operation) => operation.type === 'mutation' || operation.path.startsWith('prometheus.') || operation.path === 'host.overview',
          true: httpLink({ url, headers: () => authorization }),
          false: httpBatchLink({ url, headers: () => authorization, maxItems: 8 }),
        }),
      }),
    ],
  });
  return { client, close: () => void socket.close() };
}

/** `forbidden`: the page's origin refused; `role`: the token's role does not allow it (a viewer token and a custom probe). */
type AgentErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'role' | 'unavailable' | 'invalid' | 'busy' | 'not-found' | 'failed';

export interface AgentProblem {
  kind: AgentErrorKind;
  message: string;
}

interface ErrorShapeLike {
  message?: unknown;
  cause?: unknown;
  data?: { code?: unknown; httpStatus?: unknown; requiredRole?: unknown } | null;
  meta?: { response?: { status?: unknown } } | undefined;
}

/** What went wrong talking to an agent, in words an on-call engineer can act on. */
export function describeAgentError(error: unknown, address: string): AgentProblem {
  const shape = (error ?? {}) as ErrorShapeLike;
  const status = Number(shape.data?.httpStatus ?? shape.meta?.response?.status ?? 0);
  const code = typeof shape.data?.code === 'string' ? shape.data.code : undefined;
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  if (status === 401 || code === 'UNAUTHORIZED') {
    return { kind: 'unauthorized', message: `${address} refused the token (401). Paste the token printed by the agent (make start) for this host.` };
  }
  // The agent's own words: which role it takes, and which this token has.
  if (code === 'FORBIDDEN' && typeof shape.data?.requiredRole === 'string') return { kind: 'role', message };
  if (status === 403 || code === 'FORBIDDEN') {
    return {
      kind: 'forbidden',
      message: `${address} refused this page's origin (403). Start that agent with --allow-origin ${globalThis.location?.origin ?? ''}.`,
    };
  }
  if (code === 'PRECONDITION_FAILED' || code === 'NOT_IMPLEMENTED') return { kind: 'unavailable', message };
  if (code === 'BAD_REQUEST') return { kind: 'invalid', message };
  if (code === 'TOO_MANY_REQUESTS' || code === 'SERVICE_UNAVAILABLE') return { kind: 'busy', message };
  if (code === 'NOT_FOUND') return { kind: 'not-found', message };
  if (isNetworkFailure(error)) {
    return {
      kind: 'unreachable',
      message: `${address} is unreachable: no agent answered at ${agentUrl(address)} (is it running, and does its --allow-origin include this page?)`,
    };
  }
  return { kind: 'failed', message };
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TRPCClientError && error.data === undefined && !(error.meta as ErrorShapeLike['meta'])?.response) return true;
  const cause = (error as ErrorShapeLike | undefined)?.cause;
  return error instanceof TypeError || cause instanceof TypeError;
}
