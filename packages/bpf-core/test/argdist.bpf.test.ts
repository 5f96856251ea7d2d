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
  const session = startTool<ArgdistRow>('argdist', { interval: 3600, ...params }, { histogramIntervalMs: 3_600_000 });
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
    // $latency in µs: 10 ms is about 10,050 (slot 13); 1 ms plus the timer's slack about 1,050 (slot 10; 9 below 1,024).
    const latency = bySlot(series('latency'));
    expect(latency[13]).toBe(2);
    expect((latency[9] ?? 0) + (latency[10] ?? 0)).toBe(1);
    expect(Object.keys(latency).sort()).toEqual(expect.arrayContaining(['13']));
    expect(Object.values(latency).reduce((sum, count) => sum + count, 0)).toBe(3);
    const rows = session.flushIntervalRows();
    expect(rows.map(({ count, event }) => [count, event])).toEqual([
      [2, '$retval = 21'],
      [1, '$retval = 3'],
    ]);
  });
});
