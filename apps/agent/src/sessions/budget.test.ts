// The agent's hold on what sessions cost: measured BPF time in every batch and in
// list(), custom probes' CPU budget and time to live, statistics on only while needed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendSession, Row, ToolBackend } from './backend.js';
import { BpfCostMonitor } from './bpfCost.js';
import { CustomProbeRecordingError } from './sessionErrors.js';
import { SessionManager } from './sessionManager.js';
import type { SessionManagerOptions } from './sessionManager.js';
import type { AuditEvent, StreamBatch } from './sessionTypes.js';

const stats = {
  opened: 0,
  closed: 0,
  get on() {
    return this.opened > this.closed;
  },
};

/** A session whose programs use `nsPerSecond` of BPF time a second (as the kernel counts it: only while statistics are on). */
class BurningSession implements BackendSession {
  readonly attachMethod = 'tracepoint';
  nsPerSecond = 0;
  closeCalls = 0;
  #runTimeNs = 0;
  #runCount = 0;
  #last = Date.now();

  constructor(readonly tool: string) {}

  onRows(_listener: (rows: Row[]) => void): () => void {
    return () => undefined;
  }
  stats() {
    return { events: 0, kernelDrops: 0, userDrops: 0 };
  }
  programIds(): number[] {
    return [7];
  }
  programStats() {
    const now = Date.now();
    if (stats.on) {
      this.#runTimeNs += ((now - this.#last) / 1000) * this.nsPerSecond;
      this.#runCount += now - this.#last;
    }
    this.#last = now;
    return { runTimeNs: this.#runTimeNs, runCount: this.#runCount, recursionMisses: 0, programs: [] };
  }
  close(): Promise<void> {
    this.closeCalls++;
    return Promise.resolve();
  }
}

class Backend implements ToolBackend {
  readonly sessions: BurningSession[] = [];
  outputKind() {
    return 'table' as const;
  }
  isCustomProbe(tool: string): boolean {
    return tool === 'trace';
  }
  normalizeParams(_tool: string, params: unknown): unknown {
    return params;
  }
  start(tool: string): BurningSession {
    const session = new BurningSession(tool);
    this.sessions.push(session);
    return session;
  }
}

function collect(stream: AsyncGenerator<StreamBatch>): { batches: StreamBatch[]; done: Promise<void> } {
  const batches: StreamBatch[] = [];
  const done = (async () => {
    for await (const batch of stream) batches.push(batch);
  })();
  return { batches, done };
}

describe('budgets, time to live and measured cost', () => {
  let backend: Backend;
  let audit: AuditEvent[];
  let manager: SessionManager;

  function createManager(options: Partial<SessionManagerOptions> = {}): SessionManager {
    const costMonitor = new BpfCostMonitor({
      enableStats: () => {
        stats.opened++;
        return { close: () => void stats.closed++ };
      },
      windowMs: 5000,
    });
    return new SessionManager({ backend, costMonitor, onAudit: (event) => audit.push(event), ...options });
  }

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    stats.opened = 0;
    stats.closed = 0;
    backend = new Backend();
    audit = [];
    manager = createManager();
  });

  afterEach(async () => {
    await manager.closeAll();
    vi.useRealTimers();
  });

  it('holds a custom probe to 5 % of one CPU over 5 s and a 60 s time to live; fixed tools to neither by default', () => {
    const probe = manager.start({ tool: 'trace', params: {}, owner: 'alice' });
    expect(probe.limits).toEqual({ custom: true, maxDurationMs: 60_000, cpuBudget: { percent: 5, windowMs: 5000 } });
    expect(probe.endsAt).toBe(60_000);
    const fixed = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
    expect(fixed.limits).toEqual({ custom: false, maxDurationMs: 600_000, cpuBudget: null });
    expect(() => manager.record('trace', {})).toThrow(CustomProbeRecordingError);
  });

  it('bounds the time to live by the maximum duration, and renews a probe by its time to live', async () => {
    manager = createManager({ maxDurationMs: 30_000, probeMaxDurationMs: 60_000 });
    expect(manager.start({ tool: 'trace', params: { a: 1 }, owner: 'alice' }).limits.maxDurationMs).toBe(30_000);
    manager = createManager({ probeMaxDurationMs: 20_000 });
    const probe = manager.start({ tool: 'trace', params: {}, owner: 'alice' });
    const { batches, done } = collect(manager.stream(probe.id, 'alice', new AbortController().signal));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(manager.renew(probe.id, 'alice')).toEqual({ endsAt: 35_000, endsInMs: 20_000 });
    await vi.advanceTimersByTimeAsync(20_000);
    await done;
    expect(batches.at(-1)).toMatchObject({ end: 'max-duration' });
    expect(backend.sessions.at(-1)?.closeCalls).toBe(1);
  });

  it('detaches a probe over its budget, tells every viewer why, audits it and turns statistics off', async () => {
    const first = manager.start({ tool: 'trace', params: {}, owner: 'alice' });
    const second = manager.start({ tool: 'trace', params: {}, owner: 'bob' });
    const session = backend.sessions[0] as BurningSession;
    session.nsPerSecond = 120e6; // 12 % of one CPU
    const streams = [
      { viewer: first, owner: 'alice' },
      { viewer: second, owner: 'bob' },
    ].map(({ viewer, owner }) => collect(manager.stream(viewer.id, owner, new AbortController().signal)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(streams[0]?.batches.at(-1)?.cost).toMatchObject({ measuring: true, windowMs: 1000, cpuPercent: 12, nsPerEvent: 120_000 });
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(streams.map((stream) => stream.done));
    for (const stream of streams) {
      expect(stream.batches.at(-1)).toMatchObject({
        end: 'over-budget',
        endDetail: 'its BPF programs used 12 % of one CPU over 3 s (120000 ns an event, 3000 events); its budget is 5.0 % of one CPU over 5 s',
        cost: { cpuPercent: 12 },
      });
    }
    expect(session.closeCalls).toBe(1);
    expect(manager.list()).toEqual([]);
    expect(audit.filter((event) => event.action === 'viewer-stop').map((event) => 'reason' in event && event.reason)).toEqual(['over-budget', 'over-budget']);
    expect(audit.find((event) => event.action === 'detach')).toMatchObject({
      reason: 'over-budget',
      who: 'alice',
      cost: { cpuPercent: 12 },
      cpuBudget: { percent: 5, windowMs: 5000 },
    });
    expect(stats.on).toBe(false);
  });

  it('leaves a probe under its budget attached, and holds fixed tools to theirs when one is set', async () => {
    manager = createManager({ budgets: { probe: { percent: 5, windowMs: 5000 }, tool: { percent: 50, windowMs: 5000 } } });
    manager.start({ tool: 'trace', params: {}, owner: 'alice' });
    manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
    const [probe, fixed] = backend.sessions as [BurningSession, BurningSession];
    probe.nsPerSecond = 45e6;
    fixed.nsPerSecond = 600e6;
    await vi.advanceTimersByTimeAsync(8000);
    expect(probe.closeCalls).toBe(0);
    expect(fixed.closeCalls).toBe(1);
    expect(manager.list().map((summary) => [summary.tool, summary.cost.cpuPercent])).toEqual([['trace', 4.5]]);
  });

  it('measures a fixed tool only while someone watches it or has just asked for the list', async () => {
    const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
    expect(stats.on).toBe(true);
    manager.stop(viewer.id, 'alice');
    expect(stats.on).toBe(false);
    manager.record('execsnoop', { recorded: true });
    const recorded = () => manager.list().find((summary) => summary.recording);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(stats.on).toBe(false);
    expect(recorded()?.cost).toMatchObject({ measuring: false });
    expect(stats.on).toBe(false);
    manager.measureAll();
    expect(recorded()?.cost).toMatchObject({ measuring: true, windowMs: 0 });
    expect(stats.on).toBe(true);
    (backend.sessions.at(-1) as BurningSession).nsPerSecond = 1e6;
    await vi.advanceTimersByTimeAsync(5000);
    expect(recorded()?.cost).toMatchObject({ measuring: true, windowMs: 5000, cpuPercent: 0.1 });
    await vi.advanceTimersByTimeAsync(26_000);
    expect(stats.on).toBe(false);
    expect(recorded()?.limits).toEqual({ custom: false, maxDurationMs: null, cpuBudget: null });
  });

  it('refuses a custom probe whose budget this kernel cannot measure, leaving nothing attached', () => {
    manager = new SessionManager({
      backend,
      costMonitor: new BpfCostMonitor({
        enableStats: () => {
          throw new Error('cannot turn BPF statistics on (BPF_ENABLE_STATS): EPERM');
        },
        windowMs: 5000,
      }),
    });
    expect(() => manager.start({ tool: 'trace', params: {}, owner: 'alice' })).toThrow(
      'trace is a custom probe and cannot be held to its CPU budget here: cannot turn BPF statistics on (BPF_ENABLE_STATS): EPERM',
    );
    expect(backend.sessions[0]?.closeCalls).toBe(1);
    expect(manager.list()).toEqual([]);
    // A fixed tool runs, unmeasured, and says why.
    manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
    expect(manager.list()[0]?.cost).toMatchObject({ measuring: false, unavailable: expect.stringContaining('EPERM') });
  });
});
