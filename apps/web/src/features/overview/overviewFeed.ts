// A host's overview as this page keeps it: one subscription per host however many views show it (the
// overview, a dashboard's USE and 60-second panels, on one host or several). The minutes shown and the rest of the
// agent's hour (host.overview from sinceMs, and until it, asked at once), then a sample a second
// (host.overviewStream). Kept a while after the last view leaves, so going to a tool and back is instant.
import { useCallback, useSyncExternalStore } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import { overviewContents } from '../../api/wireForms';
import type { HostOverview, OverviewSample, OverviewUpdate, UseRow } from '../../api/types';
import { appendSamples } from './checklist';

export interface HostOverviewState {
  phase: 'loading' | 'live' | 'error';
  problem?: AgentProblem;
  /** Set once the first answer came: what the host is and where each figure came from. */
  host?: Pick<HostOverview, 'hostname' | 'kernel' | 'cpus' | 'historySeconds' | 'intervalMs' | 'sources'>;
  samples: readonly OverviewSample[];
  use: readonly UseRow[];
  /** The agent's whole hour is in `samples` (the minutes shown came first). */
  complete: boolean;
  /** The stream is reconnecting: why. */
  reconnecting?: string;
}

/** What the feed needs of an agent (a test gives its own). */
export interface OverviewApi {
  overview(input: { sinceMs?: number; untilMs?: number }): Promise<HostOverview>;
  subscribe(handlers: {
    onData(update: OverviewUpdate): void;
    onError(error: unknown): void;
    onConnectionStateChange(state: { state: string; error?: unknown }): void;
  }): { unsubscribe(): void };
}

const DEFAULT_HISTORY = 3600;
/** The minutes asked for first: the overview's default window (an hour of samples is ~9 MB even packed, ~17 MB as JSON). */
export const FIRST_SECONDS = 900;
/** A feed nobody shows is kept this long, then its stream closed. */
const KEEP_MS = 30_000;
const EMPTY: HostOverviewState = { phase: 'loading', samples: [], use: [], complete: false };

export class OverviewFeed {
  state: HostOverviewState = EMPTY;
  readonly #listeners = new Set<() => void>();
  readonly #api: OverviewApi;
  readonly #describe: (error: unknown) => AgentProblem;
  readonly #now: () => number;
  #subscription: { unsubscribe(): void } | undefined;
  #closed = false;
  #limit = DEFAULT_HISTORY;

  constructor(api: OverviewApi, describe: (error: unknown) => AgentProblem, now: () => number = Date.now) {
    this.#api = api;
    this.#describe = describe;
    this.#now = now;
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(change: (state: HostOverviewState) => HostOverviewState): void {
    if (this.#closed) return;
    this.state = change(this.state);
    for (const listener of this.#listeners) listener();
  }

  start(): void {
    // Seconds that arrive before the first answer are kept and added after it.
    let early: OverviewUpdate[] | undefined = [];
    /** The newest second shown: a reconnected stream asks for what it missed since. */
    let newestTime: number | undefined;
    let reconnecting = false;
    const apply = (ticks: readonly OverviewUpdate[]) => {
      const newest = ticks[ticks.length - 1];
      if (!newest) return;
      newestTime = Math.max(newestTime ?? 0, newest.sample.time);
      this.#set((current) => ({
        ...current,
        samples: appendSamples(
          current.samples,
          ticks.map((tick) => tick.sample),
          this.#limit,
        ),
        use: newest.use,
        reconnecting: undefined,
      }));
    };
    const merge = (samples: readonly OverviewSample[], complete?: boolean) =>
      this.#set((current) => ({ ...current, samples: appendSamples(current.samples, samples, this.#limit), complete: complete ?? current.complete }));
    const fail = (error: unknown) => this.#set((current) => ({ ...current, phase: 'error', problem: this.#describe(error) }));

    this.#subscription = this.#api.subscribe({
      onData: (tick) => {
        if (early) early.push(tick);
        else apply([tick]);
      },
      onError: fail,
      onConnectionStateChange: (connection) => {
        if (connection.state === 'connecting' && connection.error) {
          reconnecting = true;
          const message = this.#describe(connection.error).message;
          this.#set((current) => ({ ...current, reconnecting: message }));
        } else if (connection.state === 'pending' && reconnecting) {
          // Back: the seconds the stream missed come from the agent's hour.
          reconnecting = false;
          this.#set((current) => ({ ...current, reconnecting: undefined }));
          if (newestTime !== undefined && !early)
            this.#api
              .overview({ sinceMs: newestTime })
              .then((overview) => merge(overview.samples))
              .catch(() => undefined);
        }
      },
    });
    const firstSince = this.#now() - FIRST_SECONDS * 1000;
    // Both at once, each its own request: the minutes shown, and the seconds before them (the rest of the hour),
    // which the agent answers while this page draws the first.
    const first = this.#api.overview({ sinceMs: firstSince });
    const rest = this.#api.overview({ untilMs: firstSince });
    // Its failure is the first's to report (a refused token fails both); a rest that fails alone leaves the minutes shown.
    rest.catch(() => undefined);
    first
      .then((overview) => {
        this.#limit = Math.max(1, Math.round((overview.historySeconds * 1000) / overview.intervalMs));
        const { samples, use, ...host } = overview;
        newestTime = samples[samples.length - 1]?.time;
        this.#set(() => ({ phase: 'live', host, samples: appendSamples([], samples, this.#limit), use, complete: false }));
        const pending = early ?? [];
        early = undefined;
        apply(pending);
        return rest.then((older) => merge(older.samples, true));
      })
      .catch(fail);
  }

  close(): void {
    this.#closed = true;
    this.#subscription?.unsubscribe();
  }
}

interface FeedEntry {
  feed: OverviewFeed;
  closeTimer?: ReturnType<typeof setTimeout>;
}

const feeds = new Map<string, FeedEntry>();
const feedKey = (address: string, token: string) => `${address}\n${token}`;

function agentApi(address: string, token: string): OverviewApi {
  const api = clientFor(address, token).host;
  return {
    // Packed: the agent sends the hour's bytes as it keeps them rather than building ~15 MB of JSON (4x quicker).
    overview: (input) => api.overview.query({ ...input, form: 'packed' }).then(overviewContents),
    subscribe: (handlers) => api.overviewStream.subscribe({}, handlers),
  };
}

function acquire(address: string, token: string): FeedEntry {
  const key = feedKey(address, token);
  let entry = feeds.get(key);
  if (!entry) {
    entry = { feed: new OverviewFeed(agentApi(address, token), (error) => describeAgentError(error, address)) };
    feeds.set(key, entry);
    entry.feed.start();
  }
  clearTimeout(entry.closeTimer);
  entry.closeTimer = undefined;
  return entry;
}

function release(address: string, token: string, entry: FeedEntry): void {
  if (entry.feed.listeners > 0) return;
  entry.closeTimer = setTimeout(() => {
    if (entry.feed.listeners > 0) return;
    entry.feed.close();
    feeds.delete(feedKey(address, token));
  }, KEEP_MS);
}

const NO_HOST: HostOverviewState = { phase: 'loading', samples: [], use: [], complete: false };

/** A host's overview, shared by every view of it on this page. */
export function useHostOverview(address: string | undefined, token: string | undefined): HostOverviewState {
  const subscribe = useCallback(
    (listener: () => void) => {
      if (!address || !token) return () => undefined;
      const entry = acquire(address, token);
      const stop = entry.feed.listen(listener);
      return () => {
        stop();
        release(address, token, entry);
      };
    },
    [address, token],
  );
  const snapshot = useCallback(() => (address && token ? (feeds.get(feedKey(address, token))?.feed.state ?? NO_HOST) : NO_HOST), [address, token]);
  return useSyncExternalStore(subscribe, snapshot);
}
