// Asks every host of the fleet for its host.summary, again every few seconds while the page is shown, through the
// one bounded poller (api/boundedPoller): at most `concurrency` requests at once, each given up after `timeoutMs`,
// hung hosts holding the others up by `slowMs` at most. No subscription per host: 50 hosts are 50 small queries every 5 s.
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { BoundedPoller, pollDefaults } from '../../api/boundedPoller';
import type { BoundedPollerOptions, PollOutcome } from '../../api/boundedPoller';
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

export type SummaryPollerOptions = Pick<BoundedPollerOptions<HostSummary>, 'concurrency' | 'slowMs' | 'maxInFlight' | 'timeoutMs' | 'refreshMs'> & {
  fetchSummary(target: SummaryTarget, signal: AbortSignal): Promise<HostSummary>;
  onChange(entries: ReadonlyMap<string, SummaryEntry>): void;
  now?: () => number;
};

export const fleetPollDefaults = pollDefaults;

export class SummaryPoller {
  readonly #poller: BoundedPoller<HostSummary>;
  readonly #onChange: SummaryPollerOptions['onChange'];
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #tokens = new Map<string, string>();
  readonly #entries = new Map<string, SummaryEntry>();

  constructor({ fetchSummary, onChange, now, ...limits }: SummaryPollerOptions) {
    this.#onChange = onChange;
    this.#now = now ?? Date.now;
    this.#timeoutMs = limits.timeoutMs ?? pollDefaults.timeoutMs;
    this.#poller = new BoundedPoller<HostSummary>({
      ...limits,
      request: (address, signal) => fetchSummary({ address, token: this.#tokens.get(address) ?? '' }, signal),
      onStart: (address) => this.#update(address, { pending: true }),
      onSettle: (address, outcome) => this.#update(address, { ...this.#entryOf(address, outcome), pending: false }),
      failing: (address) => this.#entries.get(address)?.problem !== undefined,
    });
  }

  /** The hosts to ask: a new host (or a new token) is asked at once; a host no longer listed is forgotten. */
  setTargets(targets: readonly SummaryTarget[]): void {
    this.#tokens = new Map(targets.map((target) => [target.address, target.token]));
    const forgotten = this.#poller.setTargets(targets.map(({ address, token }) => ({ address, key: token })));
    if (forgotten.map((address) => this.#entries.delete(address)).some(Boolean)) this.#emit();
  }

  start(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  #entryOf(address: string, outcome: PollOutcome<HostSummary>): Partial<SummaryEntry> {
    if (outcome.ok) return { summary: outcome.value, answeredAt: this.#now(), problem: undefined };
    if ('timedOut' in outcome)
      return {
        problem: {
          kind: 'unreachable',
          message: `${address} did not answer within ${Math.round(this.#timeoutMs / 1000)} s (a slow or hung agent, or a host that drops packets)`,
        },
      };
    return { problem: noSummaryProblem(outcome.error, address) };
  }

  #update(address: string, change: Partial<SummaryEntry>): void {
    this.#entries.set(address, { ...(this.#entries.get(address) ?? { pending: false }), ...change });
    this.#emit();
  }

  #emit(): void {
    this.#onChange(new Map(this.#entries));
  }
}

/** An agent from before the fleet view has no host.summary: say so rather than "not found". */
function noSummaryProblem(error: unknown, address: string): AgentProblem {
  const problem = describeAgentError(error, address);
  return problem.kind === 'not-found'
    ? { kind: 'not-found', message: `${address} runs an agent without host.summary: update it to see it in the fleet` }
    : problem;
}
