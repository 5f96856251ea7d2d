// PromQL from the page, behind one interface with two transports: straight to a Prometheus the browser can reach
// (its HTTP API, which allows any origin by default), or through an agent started with --prometheus-url (its
// prometheus.query / queryRange, behind the agent's token) when the browser cannot reach Prometheus. Either way the
// answer is checked and every failure is a PromqlError of a kind the page can say something useful about.
import { boundedText, readPrometheusAnswer } from '@bpfscope/formats';
import type { AgentClient } from './agentClient';
import { describeAgentError } from './agentClient';
import type { PromqlAnswer } from './types';

export type { PromqlAnswer };
export type PromqlVector = Extract<PromqlAnswer, { resultType: 'vector' }>['result'];
export type PromqlMatrix = Extract<PromqlAnswer, { resultType: 'matrix' }>['result'];

export type PromqlErrorKind = 'unreachable' | 'bad-query' | 'timeout' | 'too-large' | 'upstream' | 'not-configured' | 'agent';

export class PromqlError extends Error {
  override readonly name = 'PromqlError';
  constructor(
    readonly kind: PromqlErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface RangeParams {
  /** Seconds since the epoch. */
  start: number;
  end: number;
  /** Seconds between points. */
  step: number;
}

export interface PromqlClient {
  /** Where the queries go, for the page to say (an origin or an agent, never a credential). */
  readonly where: string;
  /** An instant query at `time` (seconds since the epoch). */
  query(query: string, time: number, signal?: AbortSignal): Promise<PromqlAnswer>;
  queryRange(query: string, range: RangeParams, signal?: AbortSignal): Promise<PromqlAnswer>;
}

export const promqlDefaults = {
  /** A query not answered by then is given up, and Prometheus is told the same. */
  timeoutMs: 10_000,
  /** Bytes read at most of an answer: 200 hosts × 300 points of two series are well under this. */
  maxResponseBytes: 16 * 1024 * 1024,
} as const;

/** Prometheus's answer text, checked: its data, or the PromqlError it stands for. */
export function parsePrometheusAnswer(text: string, httpStatus: number, where: string): PromqlAnswer {
  const answer = readPrometheusAnswer(text, httpStatus, where);
  if ('problem' in answer) throw new PromqlError(answer.problem.kind, answer.problem.message);
  return answer.result;
}

function timeoutSignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Straight to Prometheus's HTTP API at `baseUrl` (http or https, no credentials: fleetPrometheusLink checks). */
export function directPromql(baseUrl: string, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): PromqlClient {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const timeoutMs = options.timeoutMs ?? promqlDefaults.timeoutMs;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const where = base.origin + base.pathname.replace(/\/$/, '');
  const call = async (endpoint: 'query' | 'query_range', form: Record<string, string>, signal?: AbortSignal): Promise<PromqlAnswer> => {
    const combined = timeoutSignal(signal, timeoutMs);
    let response: Response;
    let text: string;
    try {
      // A form POST is a simple cross-origin request: no preflight, and the query's length is not the URL's.
      response = await doFetch(new URL(`api/v1/${endpoint}`, base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, timeout: `${timeoutMs / 1000}s` }),
        signal: combined,
        credentials: 'omit',
      });
      const body = await boundedText(response, promqlDefaults.maxResponseBytes);
      if ('tooLarge' in body) {
        const limit = promqlDefaults.maxResponseBytes;
        throw new PromqlError(
          'too-large',
          `Prometheus's answer is over ${limit / 1024 / 1024} MiB, the most this page reads: choose a shorter range or fewer jobs`,
        );
      }
      text = body.text;
    } catch (error) {
      if (error instanceof PromqlError) throw error;
      if (signal?.aborted) throw error;
      if (combined.aborted) throw new PromqlError('timeout', `Prometheus at ${where} did not answer within ${timeoutMs / 1000} s`);
      throw new PromqlError(
        'unreachable',
        `Prometheus at ${where} is unreachable from this browser (not listening, or not allowing this page's origin): choose “through an agent” if an agent can reach it`,
      );
    }
    return parsePrometheusAnswer(text, response.status, where);
  };
  return {
    where,
    query: (query, time, signal) => call('query', { query, time: String(time) }, signal),
    queryRange: (query, range, signal) => call('query_range', { query, start: String(range.start), end: String(range.end), step: String(range.step) }, signal),
  };
}

/** What an agent's prometheus router threw, as a PromqlError: the proxy's kinds come back as tRPC codes. */
export function agentPromqlError(error: unknown, address: string): PromqlError {
  const code = (error as { data?: { code?: unknown } | null } | undefined)?.data?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'BAD_REQUEST') return new PromqlError('bad-query', message);
  if (code === 'GATEWAY_TIMEOUT') return new PromqlError('timeout', message);
  if (code === 'PAYLOAD_TOO_LARGE') return new PromqlError('too-large', message);
  if (code === 'BAD_GATEWAY') return new PromqlError(/unreachable/.test(message) ? 'unreachable' : 'upstream', message);
  if (code === 'PRECONDITION_FAILED') return new PromqlError('not-configured', `${address}: ${message}`);
  return new PromqlError('agent', describeAgentError(error, address).message);
}

/** Through the agent at `address` (its prometheus router, with the page's client for it and so its token). */
export function agentPromql(address: string, client: AgentClient, options: { timeoutMs?: number } = {}): PromqlClient {
  // The agent gives up on Prometheus at 10 s: a little longer here, so its own answer says why.
  const timeoutMs = options.timeoutMs ?? promqlDefaults.timeoutMs + 2000;
  const call = async (run: (signal: AbortSignal) => Promise<PromqlAnswer>, signal?: AbortSignal): Promise<PromqlAnswer> => {
    const combined = timeoutSignal(signal, timeoutMs);
    try {
      return await run(combined);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (combined.aborted) throw new PromqlError('timeout', `${address} did not answer within ${timeoutMs / 1000} s`);
      throw agentPromqlError(error, address);
    }
  };
  return {
    where: `agent ${address}`,
    query: (query, time, signal) => call((combined) => client.prometheus.query.query({ query, time }, { signal: combined }), signal),
    queryRange: (query, range, signal) => call((combined) => client.prometheus.queryRange.query({ query, ...range }, { signal: combined }), signal),
  };
}
