// argdist against reads and calls of known sizes made by a test binary: -H
// histograms land in their log2 buckets, -C counts by a key field (numbers,
// a string, the return value), and $latency times a function.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import type { HistogramFrame, ToolSession } from '../src/index.js';
import type { ArgdistRow } from '../src/tools/argdist/argdist.js';
import { ProbeTarget, buildProbeTarget } from './fixtures/probeTarget.js';
import { bpfTestResources } from './resources.js';

const resources = bpfTestResources<ToolSession<ArgdistRow>>();
const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'argdist-'));
// A short path: string keys keep 64 bytes.
const files = mkdtempSync(path.join(tmpdir(), 'argdist-'));
const probeTarget = path.join(directory, 'probetarget');
const dataFile = path.join(files, 'data');

beforeAll(() => {
  buildProbeTarget(probeTarget);
  writeFileSync(dataFile, Buffer.alloc(1024 * 1024, 1));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

async function startTarget(): Promise<ProbeTarget> {
  const target = await ProbeTarget.start(probeTarget);
  resources.cleanups.push(() => void target.stop());
  return target;
}

function start(params: object): ToolSession<ArgdistRow> {
  // Intervals and frames end when the test says.
  const session = startTool<ArgdistRow>('argdist', { interval: 3600, ...params }, { flush: 'manual' });
  resources.sessions.push(session);
  return session;
}

const bySlot = (counts: readonly number[] = []) => Object.fromEntries(counts.flatMap((count, slot) => (count > 0 ? [[slot, count]] : [])));

/** The test binary's reads: 7 of 100 bytes, 3 of 20,000, 2 of 1 MiB, each of the file opened once. */
async function knownReads(target: ProbeTarget): Promise<void> {
  await target.run(`read ${dataFile} 7 100`);
  await target.run(`read ${dataFile} 3 20000`);
  await target.run(`read ${dataFile} 2 1048576`);
}

describe('argdist', () => {
  it('-H: read sizes land in their log2 buckets; -C: counted by size, by file name, and calls', async () => {
    const target = await startTarget();
    const session = start({
      histogram: ['t:syscalls:sys_enter_read():size_t:args->count:args->fd > 2'],
      count: [
        't:syscalls:sys_enter_read():size_t:args->count:args->fd > 2#read sizes',
        't:syscalls:sys_enter_openat():char*:args->filename',
        `p:${probeTarget}:probe_leaf`,
      ],
      pid: target.pid,
    });
    expect(session.attachMethod).toBe('tracepoint');
    expect(session.histogram).toEqual({ measure: 'values (argdist -H)', unit: 'values', keyName: undefined, values: 'args->count' });
    await knownReads(target);
    await target.run('calls 4 2');

    const frame = session.flushHistogram() as HistogramFrame;
    expect(frame.series).toHaveLength(1);
    // Slot k counts [2^k, 2^(k+1)): 100 in 64-127, 20,000 in 16,384-32,767, 1 MiB in its own.
    expect(bySlot(frame.series[0]?.counts)).toEqual({ 6: 7, 14: 3, 20: 2 });

    const rows = session.flushIntervalRows();
    expect(rows.map(({ probe, count, event }) => [probe, count, event])).toEqual([
      [`p:${probeTarget}:probe_leaf`, 6, 'calls'],
      ['read sizes', 7, 'args->count = 100'],
      ['read sizes', 3, 'args->count = 20000'],
      ['read sizes', 2, 'args->count = 1048576'],
      ['t:syscalls:sys_enter_openat():char*:args->filename', 3, `args->filename = ${dataFile}`],
    ]);
    expect(session.stats().events).toBe(12 + 6 + 12 + 3);
  });

  it('--linear: read sizes land in their linear buckets, with the slots below min and from max up', async () => {
    const target = await startTarget();
    const session = start({
      histogram: ['t:syscalls:sys_enter_read():size_t:args->count:args->fd > 2'],
      linear: [1000, 30000, 1000],
      pid: target.pid,
    });
    const buckets = { kind: 'linear', min: 1000, max: 30000, step: 1000 };
    expect(session.histogram).toEqual({ measure: 'values (argdist -H)', unit: 'values', keyName: undefined, values: 'args->count', buckets });
    await knownReads(target);
    await target.run(`read ${dataFile} 5 1999`);
    await target.run(`read ${dataFile} 4 2000`);

    const frame = session.flushHistogram() as HistogramFrame;
    expect(frame.buckets).toEqual(buckets);
    expect(frame.series).toHaveLength(1);
    // Slot 0: below 1,000 (the 100-byte reads); slot i: [1,000 i, 1,000 (i + 1)); slot 30: 30,000 and up (1 MiB).
    expect(bySlot(frame.series[0]?.counts)).toEqual({ 0: 7, 1: 5, 2: 4, 20: 3, 30: 2 });
    // The values the linear histogram counted are the interval's events, though they make no row.
    expect(session.flushIntervalRows()).toEqual([]);
    expect(session.stats().events).toBe(7 + 5 + 4 + 3 + 2);
  });

  it('--linear: a bad range is refused with its reason, before anything is loaded', () => {
    const histogram = ['t:syscalls:sys_enter_read():size_t:args->count'];
    expect(() => start({ histogram, linear: [0, 100, 30] })).toThrow(/linear: max - min \(100\) must be a multiple of step \(30\)/);
    expect(() => start({ histogram, linear: [0, 100_000, 10] })).toThrow(/linear: 10000 buckets: at most 1000/);
    expect(() => start({ histogram, linear: [100, 100, 10] })).toThrow(/linear: max \(100\) must be greater than min \(100\)/);
    expect(() => start({ histogram, linear: [0, 100] })).toThrow(/linear takes three numbers/);
    expect(() => start({ count: ['t:syscalls:sys_enter_read()'], linear: [0, 100, 10] })).toThrow(/linear buckets are for histograms/);
  });

  it('uprobes: a signature argument, $retval and $latency', async () => {
    const target = await startTarget();
    const session = start({
      histogram: [`p:${probeTarget}:probe_sleep(int ms):int:ms`, `r:${probeTarget}:probe_sleep():u64:$latency#latency`],
      count: [`r:${probeTarget}:probe_sleep():int:$retval`],
      pid: target.pid,
    });
    expect(session.attachMethod).toBe('uprobe');
    expect(session.histogram).toMatchObject({ keyName: 'probe', values: 'value' });
    for (const ms of [1, 10, 10]) await target.run(`sleep ${ms}`);
    const frame = session.flushHistogram() as HistogramFrame;
    const series = (label: string) => frame.series.find((candidate) => candidate.label === label)?.counts;
    expect(bySlot(series(`p:${probeTarget}:probe_sleep(int ms):int:ms`))).toEqual({ 0: 1, 3: 2 });
    // $latency in µs: 10 ms is about 10,050 (slot 13, up to 16.4 ms; 14 if a loaded machine wakes it that late);
    // 1 ms plus the timer's slack about 1,050 (slot 10; 9 below 1,024; 11 when woken up to 3 ms late).
    const latency = bySlot(series('latency'));
    const inSlots = (slots: number[]) => slots.reduce((sum, slot) => sum + (latency[slot] ?? 0), 0);
    expect(inSlots([13, 14]), JSON.stringify(latency)).toBe(2);
    expect(inSlots([9, 10, 11]), JSON.stringify(latency)).toBe(1);
    expect(Object.values(latency).reduce((sum, count) => sum + count, 0)).toBe(3);
    const rows = session.flushIntervalRows();
    expect(rows.map(({ count, event }) => [count, event])).toEqual([
      [2, '$retval = 21'],
      [1, '$retval = 3'],
    ]);
  });
});
