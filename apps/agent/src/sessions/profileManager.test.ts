import type { FoldedProfile, RawStackProfile } from '@bpfscope/bpf-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendSession, ToolBackend } from './backend.js';
import { BpfCostMonitor } from './bpfCost.js';
import { NotAStackToolError, ProfileLimitError, ProfileManager, ProfileNotFoundError } from './profileManager.js';

function rawProfile(value: number): RawStackProfile {
  return {
    unit: 'samples',
    stacks: [{ pid: 7, tid: 0, comm: 'spin', userStack: [0x10n], kernelStack: [], value }],
    startedAt: 0,
    durationMs: 1000,
    lostStacks: 1,
    truncatedStacks: 0,
    droppedSamples: 0,
  };
}

class FakeStackBackend implements ToolBackend {
  readonly sessions: Array<{ closed: number; collected: number }> = [];
  failCollect = false;

  outputKind(tool: string) {
    return tool === 'profile' ? ('stacks' as const) : ('table' as const);
  }

  normalizeParams(tool: string, params: unknown): unknown {
    if (tool !== 'profile' && tool !== 'execsnoop') throw new Error(`unknown tool "${tool}"`);
    return params;
  }

  start(): BackendSession {
    const state = { closed: 0, collected: 0 };
    this.sessions.push(state);
    return {
      attachMethod: 'perf_event',
      onRows: () => () => undefined,
      stats: () => ({ events: 0, kernelDrops: 0, userDrops: 0 }),
      programIds: () => [1],
      collectStacks: () => {
        if (this.failCollect) throw new Error('map read failed');
        state.collected++;
        return rawProfile(42);
      },
      close: async () => {
        state.closed++;
      },
    };
  }
}

const symbolize = (raw: RawStackProfile): FoldedProfile => ({
  unit: raw.unit,
  stacks: raw.stacks.map((stack) => ({ frames: [stack.comm, 'main'], value: stack.value })),
  startedAt: raw.startedAt,
  durationMs: raw.durationMs,
  stats: { lostStacks: raw.lostStacks, truncatedStacks: 0, droppedSamples: 0, unknownFrames: 0, shortUserStacks: 0, symbolCacheHits: 0, symbolCacheMisses: 0 },
});

describe('ProfileManager', () => {
  let backend: FakeStackBackend;
  let manager: ProfileManager;
  beforeEach(() => {
    vi.useFakeTimers();
    backend = new FakeStackBackend();
    manager = new ProfileManager({ backend, symbolize, maxConcurrent: 2, maxKept: 3 });
  });
  afterEach(async () => {
    await manager.closeAll();
    vi.useRealTimers();
  });

  it('captures for the duration, then collects once, detaches and symbolizes', async () => {
    const capture = manager.start({ tool: 'profile', params: { frequency: 49 }, durationMs: 5000, owner: 'alice' });
    expect(capture).toMatchObject({ state: 'capturing', attachMethod: 'perf_event', durationMs: 5000 });
    await vi.advanceTimersByTimeAsync(4999);
    expect(manager.get(capture.id).state).toBe('capturing');
    await vi.advanceTimersByTimeAsync(1);
    const done = manager.get(capture.id);
    expect(done.state).toBe('done');
    expect(done.profile?.stacks).toEqual([{ frames: ['spin', 'main'], value: 42 }]);
    expect(done.profile?.stats.lostStacks).toBe(1);
    expect(backend.sessions).toEqual([{ closed: 1, collected: 1 }]);
  });

  it('can end a capture early', async () => {
    const capture = manager.start({ tool: 'profile', params: {}, durationMs: 60_000, owner: 'alice' });
    manager.stopEarly(capture.id);
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.get(capture.id).state).toBe('done');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(backend.sessions[0]?.collected).toBe(1);
  });

  it('refuses tools that are not stack tools, and too many captures at once, attaching nothing extra', () => {
    expect(() => manager.start({ tool: 'execsnoop', params: {}, durationMs: 1000, owner: 'alice' })).toThrow(NotAStackToolError);
    manager.start({ tool: 'profile', params: {}, durationMs: 1000, owner: 'alice' });
    manager.start({ tool: 'profile', params: {}, durationMs: 1000, owner: 'alice' });
    expect(() => manager.start({ tool: 'profile', params: {}, durationMs: 1000, owner: 'alice' })).toThrow(ProfileLimitError);
    expect(backend.sessions).toHaveLength(2);
  });

  it('reports a failed collect and still detaches', async () => {
    backend.failCollect = true;
    const capture = manager.start({ tool: 'profile', params: {}, durationMs: 100, owner: 'alice' });
    await vi.advanceTimersByTimeAsync(100);
    expect(manager.get(capture.id)).toMatchObject({ state: 'failed', error: 'map read failed' });
    expect(backend.sessions[0]?.closed).toBe(1);
  });

  it('keeps only the newest finished captures; unknown ids are refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(manager.start({ tool: 'profile', params: { i }, durationMs: 10, owner: 'alice' }).id);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(manager.list().map((capture) => capture.id)).toEqual(ids.slice(2).reverse());
    expect(() => manager.get(ids[0] as string)).toThrow(ProfileNotFoundError);
  });

  it('closeAll detaches running captures and marks them failed', async () => {
    const capture = manager.start({ tool: 'profile', params: {}, durationMs: 60_000, owner: 'alice' });
    await manager.closeAll();
    expect(manager.get(capture.id)).toMatchObject({ state: 'failed' });
    expect(backend.sessions[0]?.closed).toBe(1);
  });
});

describe('ProfileManager with custom stack probes', () => {
  afterEach(() => vi.useRealTimers());

  it('holds a custom capture to the probe time to live and budget, ending it early with its profile so far', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    let statsOn = false;
    let runTimeNs = 0;
    const backend = new FakeStackBackend();
    const custom = Object.assign(backend, {
      isCustomProbe: (tool: string) => tool === 'profile',
      start: () => ({
        ...FakeStackBackend.prototype.start.call(backend),
        // 100 ms of BPF time a second while statistics are on: 10 % of one CPU.
        programStats: () => ({ runTimeNs: (runTimeNs += statsOn ? 100e6 : 0), runCount: 1000, recursionMisses: 0, programs: [] }),
      }),
    });
    const costMonitor = new BpfCostMonitor({
      enableStats: () => {
        statsOn = true;
        return { close: () => void (statsOn = false) };
      },
      windowMs: 5000,
    });
    const audit: unknown[] = [];
    const manager = new ProfileManager({
      backend: custom,
      symbolize,
      costMonitor,
      budgets: { probe: { percent: 5, windowMs: 5000 }, tool: null },
      probeMaxDurationMs: 60_000,
      onAudit: (event) => audit.push(event),
    });
    const capture = manager.start({ tool: 'profile', params: {}, durationMs: 300_000, owner: 'alice' });
    expect(capture).toMatchObject({ durationMs: 60_000, limits: { custom: true, maxDurationMs: 60_000, cpuBudget: { percent: 5, windowMs: 5000 } } });
    expect(statsOn).toBe(true);
    await vi.advanceTimersByTimeAsync(3000);
    const done = manager.get(capture.id);
    expect(done).toMatchObject({ state: 'done', cost: { measuring: true }, profile: { stacks: [{ value: 42 }] } });
    expect(done.endDetail).toMatch(/^its BPF programs used .* of one CPU .*; its budget is 5\.0 % of one CPU over 5 s$/);
    expect(audit.at(-1)).toMatchObject({ action: 'profile-end', state: 'done', overBudget: done.endDetail });
    expect(statsOn).toBe(false);
    await manager.closeAll();
  });
});
