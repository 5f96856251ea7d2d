// funclatency on a test binary built with frame pointers whose probe_sleep()
// sleeps known durations: entry-to-return latencies land in their log2
// buckets, in one histogram or one per function.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import type { HistogramFrame, ToolSession } from '../src/index.js';
import { ProbeTarget, buildProbeTarget } from './fixtures/probeTarget.js';
import { bpfTestResources } from './resources.js';

const resources = bpfTestResources<ToolSession>();
const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'funclatency-'));
const probeTarget = path.join(directory, 'probetarget');

beforeAll(() => buildProbeTarget(probeTarget));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function startTarget(): Promise<ProbeTarget> {
  const target = await ProbeTarget.start(probeTarget);
  resources.cleanups.push(() => void target.stop());
  return target;
}

function start(params: object): ToolSession {
  // Frames are taken by the test, once its workload is done.
  const session = startTool('funclatency', params, { flush: 'manual' });
  resources.sessions.push(session);
  return session;
}

const bySlot = (counts: readonly number[]) => Object.fromEntries(counts.flatMap((count, slot) => (count > 0 ? [[slot, count]] : [])));

describe('funclatency', () => {
  it('sleeps of 1, 10 and 100 ms land in the 1, 8-15 and 64-127 ms buckets', async () => {
    const target = await startTarget();
    const session = start({ pattern: `p:${probeTarget}:probe_sleep`, milliseconds: true });
    expect(session.attachMethod).toBe('uprobe');
    expect(session.histogram).toEqual({ measure: 'function latency', unit: 'msecs', keyName: undefined });
    for (const ms of [1, 1, 10, 10, 10, 100]) await target.run(`sleep ${ms}`);
    const frame = session.flushHistogram() as HistogramFrame;
    expect(frame.unit).toBe('msecs');
    expect(frame.series).toHaveLength(1);
    // Slot k holds [2^k, 2^(k+1)) ms, slot 0 also 0: 1 ms (plus wake-up) is slot 0, 10 ms slot 3, 100 ms slot 6.
    expect(bySlot(frame.series[0]?.counts ?? [])).toEqual({ 0: 2, 3: 3, 6: 1 });
  });

  it('microseconds, one histogram per function of a wildcard, only the process asked for', async () => {
    const target = await startTarget();
    const other = await startTarget();
    const session = start({ pattern: `${probeTarget}:probe_*`, pid: target.pid, perFunction: true });
    expect(session.histogram).toEqual({ measure: 'function latency', unit: 'usecs', keyName: 'function' });
    await target.run('sleep 10');
    await target.run('calls 5 3');
    await other.run('sleep 10');
    await other.run('calls 50 30');
    const frame = session.flushHistogram() as HistogramFrame;
    const total = (label: string) => frame.series.find((series) => series.label === label)?.counts.reduce((sum, count) => sum + count, 0);
    expect(frame.series.map((series) => series.label).sort()).toEqual(['probe_caller_a', 'probe_caller_b', 'probe_leaf', 'probe_sleep']);
    expect([total('probe_sleep'), total('probe_caller_a'), total('probe_caller_b'), total('probe_leaf')]).toEqual([1, 1, 1, 8]);
    // 10 ms is 10,000-odd µs: slot 13 holds [8192, 16384).
    expect(bySlot(frame.series.find((series) => series.label === 'probe_sleep')?.counts ?? [])).toEqual({ 13: 1 });
    expect(session.stats().events).toBe(11);
  });
});
