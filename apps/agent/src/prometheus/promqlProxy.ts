// Read-only PromQL against the one Prometheus the agent is configured with (--prometheus-url), for browsers that
// cannot reach it themselves: instant and range queries only, each bounded in time and in the bytes it may bring
// back, answered in a checked shape. The caller's token is never forwarded; nothing else of Prometheus is reachable.
import { boundedText, readPrometheusAnswer } from '@bpfscope/formats';
import type { PrometheusQueryResult } from '@bpfscope/formats';

export const promqlProxyDefaults = {
  /** A query Prometheus has not answered by then is given up (and Prometheus is told the same timeout). */
  timeoutMs: 10_000,
  /** Bytes of a Prometheus answer read at most: a fleet's hour of a few series is well under 1 MiB. */
  maxResponseBytes: 8 * 1024 * 1024,
  /** Prometheus's own limit on points per series of a range query. */
  maxPoints: 11_000,
  /** The longest range asked for. */
  maxRangeSeconds: 32 * 24 * 3600,
  /** Queries a token may make a minute (a fleet page asks a few every refresh). */
  queriesPerMinute: 600,
  maxQueryChars: 4096,
} as const;

export type PromqlErrorKind = 'not-configured' | 'bad-query' | 'timeout' | 'too-large' | 'unreachable' | 'upstream';

export class PromqlProxyError extends Error {
  override readonly name = 'PromqlProxyError';
  constructor(
    readonly kind: PromqlErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** What a query answers: Prometheus's data, checked, and its warnings. */
export type PromqlResult = PrometheusQueryResult & { warnings: string[] };

export interface InstantQuery {
  query: string;
  /** Seconds since the epoch; now when absent. */
  time?: number | undefined;
}

export interface RangeQuery {
  query: string;
  /** Seconds since the epoch. */
  start: number;
  end: number;
  /** Seconds between points. */
  step: number;
}

export interface PromqlProxyOptions {
  /** Prometheus's base URL (http or https), as --prometheus-url gives it. */
  url: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

export class PromqlProxy {
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #fetch: typeof fetch;

  constructor(options: PromqlProxyOptions) {
    this.#base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    if (this.#base.protocol !== 'http:' && this.#base.protocol !== 'https:') throw new TypeError('a Prometheus URL is http or https');
    this.#timeoutMs = options.timeoutMs ?? promqlProxyDefaults.timeoutMs;
    this.#maxResponseBytes = options.maxResponseBytes ?? promqlProxyDefaults.maxResponseBytes;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Where the queries go, without any credentials the URL holds: safe to show. */
  get origin(): string {
    return this.#base.origin;
  }

  query(input: InstantQuery): Promise<PromqlResult> {
    const form: Record<string, string> = { query: input.query };
    if (input.time !== undefined) form.time = String(input.time);
    return this.#call('query', form);
  }

  async queryRange(input: RangeQuery): Promise<PromqlResult> {
    const points = Math.floor((input.end - input.start) / input.step) + 1;
    if (!(input.end > input.start)) throw new PromqlProxyError('bad-query', 'a range ends after it starts');
    if (points > promqlProxyDefaults.maxPoints) {
      throw new PromqlProxyError('bad-query', `${points} points a series is more than ${promqlProxyDefaults.maxPoints}: make the step longer`);
    }
    return this.#call('query_range', { query: input.query, start: String(input.start), end: String(input.end), step: String(input.step) });
  }

  async #call(endpoint: 'query' | 'query_range', form: Record<string, string>): Promise<PromqlResult> {
    const url = new URL(`api/v1/${endpoint}`, this.#base);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    // Credentials in the URL go as basic auth, never in the address fetched.
    if (url.username !== '' || url.password !== '') {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ ...form, timeout: `${this.#timeoutMs / 1000}s` }),
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw this.#fetchError(error);
    }
    let text: string;
    try {
      const body = await boundedText(response, this.#maxResponseBytes);
      if ('tooLarge' in body) {
        const { declaredBytes } = body.tooLarge;
        throw new PromqlProxyError(
          'too-large',
          declaredBytes === undefined
            ? `Prometheus's answer is over ${this.#maxResponseBytes} bytes, the most the agent reads: ask for fewer series or points`
            : `Prometheus answered ${declaredBytes} bytes; the agent reads at most ${this.#maxResponseBytes}`,
        );
      }
      text = body.text;
    } catch (error) {
      throw error instanceof PromqlProxyError ? error : this.#fetchError(error);
    }
    const answer = readPrometheusAnswer(text, response.status, this.origin);
    if ('problem' in answer) throw new PromqlProxyError(answer.problem.kind, answer.problem.message);
    return answer.result;
  }

  #fetchError(error: unknown): PromqlProxyError {
    const name = (error as { name?: string } | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return new PromqlProxyError('timeout', `Prometheus did not answer within ${this.#timeoutMs / 1000} s`);
    const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    return new PromqlProxyError(
      'unreachable',
      `Prometheus at ${this.origin} is unreachable: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`,
    );
  }
}
