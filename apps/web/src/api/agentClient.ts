// One tRPC client per agent. The token travels only in the Authorization header:
// queries via fetch, the live stream via an EventSource that is given a fetch too
// (the browser's own EventSource cannot send headers).
import type { AppRouter } from '@bpfscope/agent';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';

export type AgentClient = TRPCClient<AppRouter>;

/** Base URL of an agent: same scheme as the page, so an https page never talks plain http. */
export function agentUrl(address: string, pageProtocol = globalThis.location?.protocol ?? 'http:'): string {
  return `${pageProtocol === 'https:' ? 'https' : 'http'}://${address}`;
}

export function createAgentClient(address: string, token: string): AgentClient {
  const url = `${agentUrl(address)}/trpc`;
  const authorization = { authorization: `Bearer ${token}` };
  const authorizedFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), ...authorization } });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: httpSubscriptionLink({ url, EventSource, eventSourceOptions: () => ({ fetch: authorizedFetch }) }),
        false: httpBatchLink({ url, headers: () => authorization, maxItems: 8 }),
      }),
    ],
  });
}

type AgentErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'unavailable' | 'invalid' | 'busy' | 'not-found' | 'failed';

export interface AgentProblem {
  kind: AgentErrorKind;
  message: string;
}

interface ErrorShapeLike {
  message?: unknown;
  cause?: unknown;
  data?: { code?: unknown; httpStatus?: unknown } | null;
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
