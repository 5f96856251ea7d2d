// Asks every host of the fleet for its host.summary, again every few seconds while the page is shown: at most
// `concurrency` requests at once, each given up after `timeoutMs`. A request still unanswered after `slowMs` (a
// live agent answers in milliseconds) gives its slot to the next host, so even a page of hung hosts listed first
// delays the others by `slowMs` at most; `maxInFlight` bounds them all. A host still answering is not asked again
// (no pile-up); one that failed last time waits behind the others. No subscription per host: 50 hosts are 50
// small queries every 5 s.
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import type { HostSummary } from '../../api/types';

export interface SummaryEntry {
  /** The last answer. */
  summary?: HostSummary;
  /** Browser clock of the last answer. */
  answeredAt?: number;
  /** Why the last request failed (a summary from before stays). */
  problem?: AgentProblem;
  /** A request is in flight. */
  pending: boolean;
}

export interface SummaryTarget {
  address: string;
  token: string;
}

export interface SummaryPollerOptions {
  fetchSummary(target: SummaryTarget, signal: AbortSignal): Promise<HostSummary>;
  onChange(entries: ReadonlyMap<string, SummaryEntry>): void;
  /** Requests answering at once, at most. */
  concurrency?: number;
  /** After this long a request no longer holds a slot (it still counts against maxInFlight). */
  slowMs?: number;
  /** Requests in flight at most, slow ones included. */
  maxInFlight?: number;
  timeoutMs?: number;
  refreshMs?: number;
  now?: () => number;
}

export const fleetPollDefaults = { concurrency: 10, slowMs: 1000, maxInFlight: 32, timeoutMs: 4000, refreshMs: 5000 } as const;

export class SummaryPoller {
  readonly #options: Required<SummaryPollerOptions>;
  #targets = new Map<string, string>();
  #entries = new Map<string, SummaryEntry>();
  #queue: string[] = [];
  readonly #inFlight = new Map<string, AbortController>();
  /** Requests in flight for longer than slowMs: they hold no slot. */
  readonly #slow = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SummaryPollerOptions) {
    this.#options = { ...fleetPollDefaults, now: Date.now, ...options };
  }

  /** The hosts to ask: a new host (or a new token) is asked at once; a host no longer listed is forgotten. */
  setTargets(targets: readonly SummaryTarget[]): void {
    const next = new Map(targets.map((target) => [target.address, target.token]));
    let changed = false;
    for (const [address, token] of this.#targets) {
      if (next.get(address) === token) continue;
      this.#inFlight.get(address)?.abort();
      this.#inFlight.delete(address);
      this.#slow.delete(address);
      this.#queue = this.#queue.filter((queued) => queued !== address);
      if (!next.has(address)) changed = this.#entries.delete(address) || changed;
    }
    const added = [...next.keys()].filter((address) => this.#targets.get(address) !== next.get(address));
    this.#targets = next;
    if (changed) this.#emit();
    this.#enqueue(added);
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#enqueue([...this.#targets.keys()]);
    this.#timer = setInterval(() => this.#enqueue([...this.#targets.keys()]), this.#options.refreshMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
    this.#slow.clear();
    this.#queue = [];
  }

  /** Queues hosts not already queued or in flight; those whose last request failed go after the others. */
  #enqueue(addresses: readonly string[]): void {
    const fresh = addresses.filter((address) => !this.#inFlight.has(address) && !this.#queue.includes(address));
    const failing = (address: string) => this.#entries.get(address)?.problem !== undefined;
    this.#queue.push(...fresh.filter((address) => !failing(address)), ...fresh.filter(failing));
    this.#pump();
  }

  #pump(): void {
    const { concurrency, maxInFlight } = this.#options;
    while (this.#inFlight.size - this.#slow.size < concurrency && this.#inFlight.size < maxInFlight) {
      const address = this.#queue.shift();
      if (address === undefined) return;
      const token = this.#targets.get(address);
      if (token !== undefined) this.#request({ address, token });
    }
  }

  #request(target: SummaryTarget): void {
    const { address } = target;
    const controller = new AbortController();
    this.#inFlight.set(address, controller);
    this.#update(address, { pending: true });
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    const slowTimer = setTimeout(() => {
      if (this.#inFlight.get(address) !== controller) return;
      this.#slow.add(address);
      this.#pump();
    }, this.#options.slowMs);
    // The slot is given back at the timeout even if the request never settles.
    const timedOut = new Promise<'timeout'>((resolve) => controller.signal.addEventListener('abort', () => resolve('timeout'), { once: true }));
    void Promise.race([this.#options.fetchSummary(target, controller.signal), timedOut])
      .then(
        (summary) =>
          summary === 'timeout'
            ? {
                problem: {
                  kind: 'unreachable' as const,
                  message: `${address} did not answer within ${Math.round(this.#options.timeoutMs / 1000)} s (a slow or hung agent, or a host that drops packets)`,
                },
              }
            : { summary, answeredAt: this.#options.now(), problem: undefined },
        (error: unknown) => ({ problem: noSummaryProblem(error, address) }),
      )
      .then((outcome) => {
        clearTimeout(timer);
        clearTimeout(slowTimer);
        // Forgotten, or asked again with another token, meanwhile: this answer is not the host's any more.
        if (this.#inFlight.get(address) !== controller) return;
        this.#inFlight.delete(address);
        this.#slow.delete(address);
        this.#update(address, { ...outcome, pending: false });
        this.#pump();
      });
  }

  #update(address: string, change: Partial<SummaryEntry>): void {
    this.#entries.set(address, { ...(this.#entries.get(address) ?? { pending: false }), ...change });
    this.#emit();
  }

  #emit(): void {
    this.#options.onChange(new Map(this.#entries));
  }
}

/** An agent from before the fleet view has no host.summary: say so rather than "not found". */
function noSummaryProblem(error: unknown, address: string): AgentProblem {
  const problem = describeAgentError(error, address);
  return problem.kind === 'not-found'
    ? { kind: 'not-found', message: `${address} runs an agent without host.summary: update it to see it in the fleet` }
    : problem;
}
