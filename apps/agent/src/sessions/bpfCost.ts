// What each attachment's BPF programs cost the host, measured by the kernel
// (run_time_ns and run_cnt of each program), and the CPU budget held against it.
// The kernel only counts while BPF statistics are on, which costs two clock reads
// per program run, so they are on only while a tracked session needs them: one
// with a budget, with viewers (whose batches show the cost), or while someone
// reads sessions.list. One descriptor for all, reference-counted here.
import type { ProgramStats } from '@bpfscope/bpf-core';

/** A CPU budget: the session's programs may use at most `percent` of one CPU in any `windowMs`. */
export interface CpuBudget {
  percent: number;
  windowMs: number;
}

/** The measured BPF CPU cost of a session, as sessions.list and every stream batch carry it. */
export interface BpfCost {
  /** Kernel BPF statistics are on for this session now (they are only while something needs them). */
  measuring: boolean;
  /** The time the figures cover, ms: the last `window` of it, less while measuring has just begun; 0 before two readings. */
  windowMs: number;
  /** Program runs in that time: each hit of each hook the session's programs are on. */
  runs: number;
  /** Mean time in the session's programs per run (per event), ns; null without runs. */
  nsPerEvent: number | null;
  /** Time in the session's programs as a percentage of one CPU over that time; null before two readings. */
  cpuPercent: number | null;
  /** Why the kernel cannot measure here (no CAP_SYS_ADMIN, a kernel before 5.8), when it cannot. */
  unavailable?: string;
}

/** What the monitor reads: a backend session's program statistics (absent: nothing to measure). */
export interface MeasuredSession {
  programStats?(): ProgramStats;
}

/** Turns BPF statistics on while what it returns stays open (bpf-core's enableBpfStats). */
export type EnableBpfStats = () => { close(): void };

export class CostUnavailableError extends Error {
  override readonly name = 'CostUnavailableError';
}

export interface CostSample {
  time: number;
  runTimeNs: number;
  runCount: number;
}

export interface BpfCostMonitorOptions {
  enableStats: EnableBpfStats;
  /** The window costs are shown over (and the default budget window). */
  windowMs: number;
  /** How often tracked sessions are read while statistics are on. Default 1000. */
  sampleIntervalMs?: number;
  /** How long a look at sessions.list keeps every session measured. Default 30 s. */
  leaseMs?: number;
  now?: () => number;
}

export interface TrackOptions {
  budget: CpuBudget | null;
  /** Refuse (CostUnavailableError) rather than run unmeasured: a custom probe's budget must be enforceable. */
  requireMeasurement: boolean;
  /** Called once, from the sampling timer, with the cost over the budget's window when it is exceeded. */
  onOverBudget(cost: BpfCost): void;
}

export class BpfCostMonitor {
  readonly windowMs: number;
  readonly #enableStats: EnableBpfStats;
  readonly #sampleIntervalMs: number;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #trackers = new Set<CostTracker>();
  #stats: { close(): void } | undefined;
  #holders = 0;
  #unavailable: string | undefined;
  #leaseUntil = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: BpfCostMonitorOptions) {
    this.windowMs = options.windowMs;
    this.#enableStats = options.enableStats;
    this.#sampleIntervalMs = options.sampleIntervalMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the kernel's BPF statistics are on (held by this monitor). */
  get statsOn(): boolean {
    return this.#stats !== undefined;
  }

  /** Starts tracking a session; throws CostUnavailableError when `requireMeasurement` and statistics cannot be turned on. */
  track(session: MeasuredSession, options: TrackOptions): CostTracker {
    const tracker = new CostTracker(this, session, options);
    this.#trackers.add(tracker);
    this.update(tracker);
    if (options.requireMeasurement && !tracker.holding) {
      this.untrack(tracker);
      throw new CostUnavailableError(`cannot be held to its CPU budget here: ${this.#unavailable ?? 'BPF statistics are unavailable'}`);
    }
    return tracker;
  }

  /** Someone is looking at every session's cost (sessions.list, a scrape): measure all of them for a while (default leaseMs). */
  lease(forMs = this.#leaseMs): void {
    this.#leaseUntil = Math.max(this.#leaseUntil, this.#now() + forMs);
    for (const tracker of this.#trackers) this.update(tracker);
  }

  /** @internal Holds or lets go of statistics for the tracker, as it now needs them. */
  update(tracker: CostTracker): void {
    const wanted = tracker.tracked && (tracker.budget !== null || tracker.wanted || this.#now() < this.#leaseUntil);
    if (wanted && !tracker.holding) {
      if (!this.#acquire()) return;
      tracker.startMeasuring(this.#now());
    } else if (!wanted && tracker.holding) {
      tracker.stopMeasuring();
      this.#release();
    }
  }

  /** @internal */
  untrack(tracker: CostTracker): void {
    tracker.tracked = false;
    this.update(tracker);
    this.#trackers.delete(tracker);
  }

  /** @internal */
  get unavailable(): string | undefined {
    return this.#unavailable;
  }

  /** @internal */
  now(): number {
    return this.#now();
  }

  #acquire(): boolean {
    if (this.#holders === 0) {
      try {
        this.#stats = this.#enableStats();
        this.#unavailable = undefined;
      } catch (error) {
        this.#unavailable = error instanceof Error ? error.message : String(error);
        return false;
      }
      this.#timer = setInterval(() => this.#sample(), this.#sampleIntervalMs);
      this.#timer.unref();
    }
    this.#holders++;
    return true;
  }

  #release(): void {
    this.#holders--;
    if (this.#holders > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const stats = this.#stats;
    this.#stats = undefined;
    stats?.close();
  }

  #sample(): void {
    const now = this.#now();
    for (const tracker of [...this.#trackers]) {
      // A lease that ran out lets go of sessions nobody else needs measured.
      this.update(tracker);
      if (tracker.holding) tracker.sample(now);
    }
  }
}

/** One session's readings over the window, and its budget. */
export class CostTracker {
  readonly budget: CpuBudget | null;
  /** Set by the owner: someone watches the session (its batches carry the cost). */
  wanted = false;
  /** @internal */
  tracked = true;
  #holding = false;
  #samples: CostSample[] = [];
  #overBudget = false;

  constructor(
    private readonly monitor: BpfCostMonitor,
    private readonly session: MeasuredSession,
    private readonly options: TrackOptions,
  ) {
    this.budget = options.budget;
  }

  get holding(): boolean {
    return this.#holding;
  }

  setWanted(wanted: boolean): void {
    this.wanted = wanted;
    this.monitor.update(this);
  }

  /** The cost over the monitor's window (the budget's, when there is one). */
  cost(): BpfCost {
    const windowMs = this.budget?.windowMs ?? this.monitor.windowMs;
    const unavailable = this.monitor.unavailable;
    const measured = costOver(this.#samples, windowMs, this.#holding);
    return unavailable !== undefined && !this.#holding ? { ...measured, unavailable } : measured;
  }

  /** Stops tracking: statistics are let go of if nothing else needs them. */
  untrack(): void {
    if (this.tracked) this.monitor.untrack(this);
  }

  /** @internal A baseline now: counts from before (statistics off, or another holder's time) are not this window's. */
  startMeasuring(now: number): void {
    this.#holding = true;
    this.#samples = [];
    this.sample(now);
  }

  /** @internal */
  stopMeasuring(): void {
    this.#holding = false;
    this.#samples = [];
  }

  /** @internal Reads the session's counters; checks the budget. */
  sample(now: number): void {
    let stats: ProgramStats | undefined;
    try {
      stats = this.session.programStats?.();
    } catch {
      // A session closing under the timer: this reading is skipped, never the agent's process.
      return;
    }
    if (!stats) return;
    this.#samples.push({ time: now, runTimeNs: stats.runTimeNs, runCount: stats.runCount });
    // Keep one reading at or before the window's start, as the base of the window.
    const windowMs = this.budget?.windowMs ?? this.monitor.windowMs;
    while (this.#samples.length > 2 && (this.#samples[1]?.time ?? now) <= now - windowMs) this.#samples.shift();
    if (this.budget && !this.#overBudget && overBudget(this.#samples, this.budget)) {
      this.#overBudget = true;
      this.options.onOverBudget(this.cost());
    }
  }
}

/**
 * Whether the programs used more than the budget allows in its window: from the newest reading at or
 * before the window's start to the newest (a span a little longer than the window, so its allowance
 * grows with it). Before a whole window has passed, a session that already used the whole window's
 * allowance is over at once, rather than after the window.
 */
export function overBudget(samples: readonly CostSample[], budget: CpuBudget): boolean {
  const newest = samples.at(-1);
  const base = newest && baseOf(samples, newest.time - budget.windowMs);
  if (!newest || !base) return false;
  const spanMs = Math.max(newest.time - base.time, budget.windowMs);
  return newest.runTimeNs - base.runTimeNs > (budget.percent / 100) * spanMs * 1e6;
}

function baseOf(samples: readonly CostSample[], from: number): CostSample | undefined {
  let base = samples[0];
  for (const sample of samples) if (sample.time <= from) base = sample;
  return base;
}

export function costOver(samples: readonly CostSample[], windowMs: number, measuring: boolean): BpfCost {
  const newest = samples.at(-1);
  const base = newest ? baseOf(samples, newest.time - windowMs) : undefined;
  if (!newest || !base || newest === base) return { measuring, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null };
  const elapsedMs = newest.time - base.time;
  const runs = newest.runCount - base.runCount;
  const runTimeNs = newest.runTimeNs - base.runTimeNs;
  return {
    measuring,
    windowMs: elapsedMs,
    runs,
    nsPerEvent: runs > 0 ? runTimeNs / runs : null,
    cpuPercent: elapsedMs > 0 ? (runTimeNs / (elapsedMs * 1e6)) * 100 : null,
  };
}

/** What a viewer is told: "its BPF programs used 12.5 % of one CPU over 5 s; its budget is 5 %". */
export function overBudgetDetail(cost: BpfCost, budget: CpuBudget): string {
  const used = cost.cpuPercent === null ? 'more CPU than its budget' : `${formatPercent(cost.cpuPercent)} % of one CPU over ${formatSeconds(cost.windowMs)} s`;
  const perEvent = cost.nsPerEvent === null ? '' : ` (${Math.round(cost.nsPerEvent)} ns an event, ${cost.runs} events)`;
  return `its BPF programs used ${used}${perEvent}; its budget is ${formatPercent(budget.percent)} % of one CPU over ${formatSeconds(budget.windowMs)} s`;
}

function formatPercent(value: number): string {
  return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

function formatSeconds(ms: number): string {
  return Number((ms / 1000).toFixed(1)).toString();
}
