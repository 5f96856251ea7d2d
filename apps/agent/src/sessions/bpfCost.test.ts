import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BpfCostMonitor, costOver, CostUnavailableError, overBudget } from './bpfCost.js';
import type { CostSample } from './bpfCost.js';

/** BPF statistics as the kernel keeps them: on while a descriptor is open. */
function fakeStats() {
  const stats = {
    opened: 0,
    closed: 0,
    refuse: undefined as string | undefined,
    get on() {
      return stats.opened > stats.closed;
    },
    enable: () => {
      if (stats.refuse) throw new Error(stats.refuse);
      stats.opened++;
      return { close: () => void stats.closed++ };
    },
  };
  return stats;
}

/** A session whose programs run `nsPerSecond` of BPF time a second, counted only while statistics are on. */
function burningSession(stats: { on: boolean }, nsPerSecond: number, runsPerSecond = 1000) {
  let runTimeNs = 0;
  let runCount = 0;
  let last = Date.now();
  return {
    programStats() {
      const now = Date.now();
      if (stats.on) {
        runTimeNs += ((now - last) / 1000) * nsPerSecond;
        runCount += ((now - last) / 1000) * runsPerSecond;
      }
      last = now;
      return { runTimeNs, runCount, recursionMisses: 0, programs: [] };
    },
  };
}

const samples = (...points: Array<[number, number, number?]>): CostSample[] => points.map(([time, runTimeNs, runCount = 0]) => ({ time, runTimeNs, runCount }));

describe('cost and budget arithmetic', () => {
  it('gives ns per event and % of one CPU over the window, from the reading at its start', () => {
    // 50 ms of BPF time in 1000 runs between t=1 s and t=6 s: 1 % of one CPU, 50 µs a run.
    expect(costOver(samples([0, 0, 0], [1000, 10e6, 100], [6000, 60e6, 1100]), 5000, true)).toEqual({
      measuring: true,
      windowMs: 5000,
      runs: 1000,
      nsPerEvent: 50_000,
      cpuPercent: 1,
    });
    expect(costOver(samples([0, 0]), 5000, true)).toMatchObject({ windowMs: 0, cpuPercent: null, nsPerEvent: null });
    expect(costOver(samples([0, 0, 0], [1000, 0, 0]), 5000, false)).toMatchObject({ windowMs: 1000, runs: 0, nsPerEvent: null, cpuPercent: 0 });
  });

  it('is over budget at once when a whole window’s allowance went in less, and never for a steady rate under it', () => {
    const budget = { percent: 5, windowMs: 5000 };
    // 5 % of 5 s is 250 ms: 300 ms in the first second is over already.
    expect(overBudget(samples([0, 0], [1000, 300e6]), budget)).toBe(true);
    expect(overBudget(samples([0, 0], [1000, 200e6]), budget)).toBe(false);
    // A steady 4.5 %, read every second: the span from the reading before the window is 6 s, its allowance 300 ms.
    const steady = samples(...Array.from({ length: 8 }, (_, second) => [second * 1000, second * 45e6] as [number, number]));
    expect(overBudget(steady, budget)).toBe(false);
    const over = samples(...Array.from({ length: 8 }, (_, second) => [second * 1000, second * 55e6] as [number, number]));
    expect(overBudget(over, budget)).toBe(true);
  });
});

describe('BpfCostMonitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('turns statistics on only while a tracked session needs them, with one descriptor for all', () => {
    const stats = fakeStats();
    const monitor = new BpfCostMonitor({ enableStats: stats.enable, windowMs: 5000 });
    const first = monitor.track(burningSession(stats, 0), { budget: null, requireMeasurement: false, onOverBudget: () => undefined });
    const second = monitor.track(burningSession(stats, 0), { budget: null, requireMeasurement: false, onOverBudget: () => undefined });
    expect(stats.on).toBe(false);
    first.setWanted(true);
    second.setWanted(true);
    expect({ on: stats.on, opened: stats.opened }).toEqual({ on: true, opened: 1 });
    first.setWanted(false);
    expect(stats.on).toBe(true);
    second.untrack();
    expect({ on: stats.on, closed: stats.closed }).toEqual({ on: false, closed: 1 });
    expect(monitor.statsOn).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    first.untrack();
  });

  it('measures the cost over the window, from when statistics came on', async () => {
    const stats = fakeStats();
    const monitor = new BpfCostMonitor({ enableStats: stats.enable, windowMs: 5000 });
    // 20 ms of BPF time a second in 10 000 runs: 2 % of one CPU, 2 µs an event.
    const tracker = monitor.track(burningSession(stats, 20e6, 10_000), { budget: null, requireMeasurement: false, onOverBudget: () => undefined });
    expect(tracker.cost()).toEqual({ measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null });
    tracker.setWanted(true);
    await vi.advanceTimersByTimeAsync(3000);
    expect(tracker.cost()).toEqual({ measuring: true, windowMs: 3000, runs: 30_000, nsPerEvent: 2000, cpuPercent: 2 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(tracker.cost()).toMatchObject({ windowMs: 5000, runs: 50_000, cpuPercent: 2 });
    tracker.setWanted(false);
    expect(tracker.cost()).toMatchObject({ measuring: false, windowMs: 0 });
    tracker.untrack();
  });

  it('keeps every session measured for a while after a look at the list', async () => {
    const stats = fakeStats();
    const monitor = new BpfCostMonitor({ enableStats: stats.enable, windowMs: 5000, leaseMs: 30_000 });
    const tracker = monitor.track(burningSession(stats, 1e6), { budget: null, requireMeasurement: false, onOverBudget: () => undefined });
    monitor.lease();
    expect(stats.on).toBe(true);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(tracker.cost()).toMatchObject({ measuring: true, cpuPercent: 0.1 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(stats.on).toBe(false);
    tracker.untrack();
  });

  it('calls over-budget once, from the sampling timer, and keeps measuring a budgeted session without viewers', async () => {
    const stats = fakeStats();
    const monitor = new BpfCostMonitor({ enableStats: stats.enable, windowMs: 5000 });
    const over = vi.fn();
    // 100 ms a second: 10 % of one CPU; the 250 ms allowance of 5 s is gone in the third second.
    const tracker = monitor.track(burningSession(stats, 100e6), { budget: { percent: 5, windowMs: 5000 }, requireMeasurement: true, onOverBudget: over });
    expect(stats.on).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(over).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(over).toHaveBeenCalledTimes(1);
    expect(over.mock.calls[0]?.[0]).toMatchObject({ measuring: true, windowMs: 3000, cpuPercent: 10 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(over).toHaveBeenCalledTimes(1);
    tracker.untrack();
    expect(stats.on).toBe(false);
  });

  it('skips a reading that fails, and goes on', async () => {
    const stats = fakeStats();
    const monitor = new BpfCostMonitor({ enableStats: stats.enable, windowMs: 5000 });
    const session = burningSession(stats, 10e6);
    let fail = false;
    const tracker = monitor.track(
      {
        programStats: () => {
          if (fail) throw new Error('EBADF');
          return session.programStats();
        },
      },
      { budget: null, requireMeasurement: false, onOverBudget: () => undefined },
    );
    tracker.setWanted(true);
    fail = true;
    await vi.advanceTimersByTimeAsync(2000);
    fail = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(tracker.cost()).toMatchObject({ measuring: true, windowMs: 4000, cpuPercent: 1 });
    tracker.untrack();
  });

  it('says why it cannot measure, and refuses a session that must be measured', () => {
    const stats = fakeStats();
    stats.refuse = 'cannot turn BPF statistics on (BPF_ENABLE_STATS): EPERM';
    const monitor = new BpfCostMonitor({ enableStats: stats.enable, windowMs: 5000 });
    const tracker = monitor.track(burningSession(stats, 0), { budget: null, requireMeasurement: false, onOverBudget: () => undefined });
    tracker.setWanted(true);
    expect(tracker.cost()).toMatchObject({ measuring: false, unavailable: expect.stringContaining('EPERM') });
    expect(() =>
      monitor.track(burningSession(stats, 0), { budget: { percent: 5, windowMs: 5000 }, requireMeasurement: true, onOverBudget: () => undefined }),
    ).toThrow(CostUnavailableError);
    expect(vi.getTimerCount()).toBe(0);
    tracker.untrack();
  });
});
