// Stack captures (CPU and off-CPU flame graphs): attach a stack tool for a set
// duration, collect what the kernel aggregated, symbolize it, detach. Results are
// kept for a while so a page reload or a second viewer can fetch them. Pure logic
// over the backend and a symbolizing function; no kernel here.
import { randomUUID } from 'node:crypto';
import type { FoldedProfile, RawStackProfile } from '@bpfscope/bpf-core';
import type { BackendSession, ToolBackend } from './backend.js';
import { CostUnavailableError, overBudgetDetail } from './bpfCost.js';
import type { BpfCost, BpfCostMonitor, CostTracker, CpuBudget } from './bpfCost.js';
import type { SessionLimits } from './sessionTypes.js';

export type ProfileState = 'capturing' | 'symbolizing' | 'done' | 'failed';

export interface ProfileCapture {
  id: string;
  tool: string;
  params: unknown;
  owner: string;
  startedAt: number;
  durationMs: number;
  state: ProfileState;
  attachMethod: string;
  /** What the capture's BPF programs cost the host (while capturing: so far; after: at its end). */
  cost?: BpfCost;
  /** A custom probe's budget and time to live (its duration is at most that). */
  limits: SessionLimits;
  /** Set when the agent ended it early: over its CPU budget, what it used (the profile covers the time until then). */
  endDetail?: string;
  error?: string;
  profile?: FoldedProfile;
}

export type ProfileAuditEvent =
  | { action: 'profile-start'; id: string; tool: string; params: unknown; who: string; durationMs: number; programIds: number[] }
  | { action: 'profile-end'; id: string; tool: string; state: ProfileState; error?: string; overBudget?: string };

export interface ProfileManagerOptions {
  backend: ToolBackend;
  symbolize(raw: RawStackProfile): FoldedProfile;
  /** Captures running at once. Default 4. */
  maxConcurrent?: number;
  /** Finished captures kept (newest). Default 20. */
  maxKept?: number;
  now?: () => number;
  onAudit?: (event: ProfileAuditEvent) => void;
  /** Measures each capture's BPF cost and holds it to its budget; absent: not measured. */
  costMonitor?: BpfCostMonitor;
  /** CPU budgets: custom probes' and fixed tools' (null: none), as for sessions. */
  budgets?: { probe: CpuBudget; tool: CpuBudget | null };
  /** A custom probe's time to live: its capture lasts at most this. Default 60 s. */
  probeMaxDurationMs?: number;
}

export class ProfileLimitError extends Error {
  override readonly name = 'ProfileLimitError';
}

export class NotAStackToolError extends Error {
  override readonly name = 'NotAStackToolError';
  constructor(tool: string) {
    super(`${tool} is not a stack tool: profiles capture profile, offcputime or offwaketime`);
  }
}

export class ProfileNotFoundError extends Error {
  override readonly name = 'ProfileNotFoundError';
  constructor() {
    super('no such profile capture (finished ones are kept for the last 20 captures)');
  }
}

interface Running {
  capture: ProfileCapture;
  session: BackendSession;
  timer: ReturnType<typeof setTimeout>;
  cost: CostTracker | undefined;
}

export class ProfileManager {
  readonly #options: Required<Omit<ProfileManagerOptions, 'onAudit' | 'costMonitor' | 'budgets'>> &
    Pick<ProfileManagerOptions, 'onAudit' | 'costMonitor' | 'budgets'>;
  readonly #captures = new Map<string, ProfileCapture>();
  readonly #running = new Map<string, Running>();
  readonly #closing = new Set<Promise<void>>();
  #closed = false;

  constructor(options: ProfileManagerOptions) {
    this.#options = { maxConcurrent: 4, maxKept: 20, now: Date.now, probeMaxDurationMs: 60_000, ...options };
  }

  /** Validates params and attaches at once (throws the backend's errors); the capture ends after `durationMs`. */
  start(input: { tool: string; params: unknown; durationMs: number; owner: string }): ProfileCapture {
    if (this.#closed) throw new ProfileLimitError('the agent is shutting down');
    if (this.#running.size >= this.#options.maxConcurrent) {
      throw new ProfileLimitError(`${this.#options.maxConcurrent} captures are already running; wait for one to finish`);
    }
    if (this.#options.backend.outputKind(input.tool) !== 'stacks') throw new NotAStackToolError(input.tool);
    const params = this.#options.backend.normalizeParams(input.tool, input.params);
    const custom = this.#options.backend.isCustomProbe?.(input.tool) ?? false;
    // A custom probe's capture lasts at most its time to live.
    const durationMs = custom ? Math.min(input.durationMs, this.#options.probeMaxDurationMs) : input.durationMs;
    const cpuBudget = (custom ? this.#options.budgets?.probe : this.#options.budgets?.tool) ?? null;
    const session = this.#options.backend.start(input.tool, params);
    const capture: ProfileCapture = {
      id: randomUUID(),
      tool: input.tool,
      params,
      owner: input.owner,
      startedAt: this.#options.now(),
      durationMs,
      state: 'capturing',
      attachMethod: session.attachMethod,
      limits: { custom, maxDurationMs: durationMs, cpuBudget },
    };
    let cost: CostTracker | undefined;
    try {
      cost = this.#options.costMonitor?.track(session, {
        budget: cpuBudget,
        requireMeasurement: custom,
        onOverBudget: (used) => {
          if (cpuBudget) capture.endDetail = overBudgetDetail(used, cpuBudget);
          this.stopEarly(capture.id);
        },
      });
    } catch (error) {
      this.#track(session.close());
      throw error instanceof CostUnavailableError ? new CostUnavailableError(`${input.tool} is a custom probe and ${error.message}`) : error;
    }
    // Whoever started it is waiting for it: measured throughout.
    cost?.setWanted(true);
    const timer = setTimeout(() => void this.#finish(capture.id), durationMs);
    timer.unref();
    this.#running.set(capture.id, { capture, session, timer, cost });
    this.#remember(capture);
    this.#options.onAudit?.({
      action: 'profile-start',
      id: capture.id,
      tool: capture.tool,
      params,
      who: input.owner,
      durationMs,
      programIds: session.programIds(),
    });
    return capture;
  }

  get(id: string): ProfileCapture {
    const capture = this.#captures.get(id);
    if (!capture) throw new ProfileNotFoundError();
    const cost = this.#running.get(id)?.cost?.cost();
    return cost ? { ...capture, cost } : capture;
  }

  /**
   * The capture `id` if `owner` started it: ids show in profiles.list, so another token's capture (an operator's
   * custom stack probe among them) is "not found" to it, as an unknown id is.
   */
  ownedBy(id: string, owner: string): ProfileCapture {
    const capture = this.get(id);
    if (capture.owner !== owner) throw new ProfileNotFoundError();
    return capture;
  }

  /** Ends a running capture now (its profile covers the time so far). */
  stopEarly(id: string): ProfileCapture {
    const running = this.#running.get(id);
    if (!running) return this.get(id);
    clearTimeout(running.timer);
    void this.#finish(id);
    return running.capture;
  }

  list(): Array<Omit<ProfileCapture, 'profile'>> {
    return [...this.#captures.values()].map(({ profile: _profile, ...summary }) => ({ ...summary, ...this.#liveCost(summary.id) })).reverse();
  }

  #liveCost(id: string): { cost?: BpfCost } {
    const cost = this.#running.get(id)?.cost?.cost();
    return cost ? { cost } : {};
  }

  async closeAll(): Promise<void> {
    this.#closed = true;
    for (const [id, running] of this.#running) {
      clearTimeout(running.timer);
      running.capture.state = 'failed';
      running.capture.error = 'the agent shut down during the capture';
      running.cost?.untrack();
      this.#running.delete(id);
      this.#track(running.session.close());
    }
    await Promise.allSettled([...this.#closing]);
  }

  async #finish(id: string): Promise<void> {
    const running = this.#running.get(id);
    if (!running) return;
    this.#running.delete(id);
    const { capture, session } = running;
    if (running.cost) {
      capture.cost = running.cost.cost();
      running.cost.untrack();
    }
    try {
      const raw = (session.collectStacks as () => RawStackProfile)();
      capture.state = 'symbolizing';
      // Detach first: symbolizing takes a while and the kernel side is done.
      this.#track(session.close());
      capture.profile = this.#options.symbolize(raw);
      capture.state = 'done';
    } catch (error) {
      capture.state = 'failed';
      capture.error = error instanceof Error ? error.message : String(error);
      this.#track(session.close());
    }
    const end: ProfileAuditEvent = { action: 'profile-end', id, tool: capture.tool, state: capture.state };
    if (capture.error !== undefined) end.error = capture.error;
    if (capture.endDetail !== undefined) end.overBudget = capture.endDetail;
    this.#options.onAudit?.(end);
  }

  #track(closing: Promise<void>): void {
    const tracked = closing.catch(() => undefined);
    this.#closing.add(tracked);
    void tracked.then(() => this.#closing.delete(tracked));
  }

  #remember(capture: ProfileCapture): void {
    this.#captures.set(capture.id, capture);
    // Forget the oldest finished captures beyond the bound; running ones stay.
    for (const [id, kept] of this.#captures) {
      if (this.#captures.size <= this.#options.maxKept) break;
      if (!this.#running.has(id)) this.#captures.delete(id);
      void kept;
    }
  }
}
