// biosnoop against a workload the test runs: N O_DIRECT writes of 64 KiB by dd to
// a loop device that only this test uses. Exactly N rows for that disk, each with
// dd's pid, the sector range and byte count it wrote, and a latency; the heat
// map counts the same N; the filters (disk, minMs) and bad input behave.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bpfTestResources } from './resources.js';
import { startTool } from '../src/index.js';
import type { HistogramFrame, ToolSession } from '../src/index.js';
import type { BlockIoRow } from '../src/tools/biosnoop/biosnoop.js';
import { eventually, kernelProgramIds } from '../src/testing/kernel.js';
import { loadWithoutAttach } from './methods.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

const WRITES = 32;
const BLOCK = 64 * 1024;
const SECTOR = 512;

const { sessions, directories, cleanups } = bpfTestResources<ToolSession<BlockIoRow>>();

/** A loop device over a fresh file: a disk that only this test writes to. */
function loopDevice(): string {
  const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'biosnoop-'));
  directories.push(directory);
  const backing = path.join(directory, 'backing');
  execFileSync('truncate', ['-s', '16M', backing]);
  const device = execFileSync('losetup', ['--find', '--show', '--direct-io=on', backing], { encoding: 'utf8' }).trim();
  cleanups.push(() => execFileSync('losetup', ['-d', device]));
  return path.basename(device);
}

/** Waits (bounded) until the disk has nothing in flight, so what udev read of the new device is over. */
async function idle(disk: string): Promise<void> {
  const inFlight = () =>
    readFileSync(`/sys/block/${disk}/inflight`, 'utf8')
      .trim()
      .split(/\s+/)
      .reduce((sum, field) => sum + Number(field), 0);
  await eventually(() => inFlight() === 0, 5000);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** dd's O_DIRECT writes of 64 KiB at the start of the disk; resolves with dd's pid. */
async function directWrites(disk: string): Promise<number> {
  const dd = spawn('dd', ['if=/dev/zero', `of=/dev/${disk}`, `bs=${BLOCK}`, `count=${WRITES}`, 'oflag=direct', 'status=none'], { stdio: 'ignore' });
  const [code] = (await once(dd, 'exit')) as [number];
  expect(code).toBe(0);
  return dd.pid as number;
}

function collect(session: ToolSession<BlockIoRow>): BlockIoRow[] {
  const rows: BlockIoRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return rows;
}

const total = (frame: HistogramFrame, label: string) =>
  frame.series.find((series) => series.label === label)?.counts.reduce((sum, count) => sum + count, 0) ?? 0;

describe.each(['tp_btf', 'raw_tracepoint'] as const)('biosnoop (%s)', (attachMethod) => {
  it(`sees exactly ${WRITES} O_DIRECT writes on a disk of its own, with dd's pid, sectors, bytes and latency`, async () => {
    const disk = loopDevice();
    await idle(disk);
    const session = startTool<BlockIoRow>('biosnoop', { queued: true }, { attachMethod, flush: 'manual' });
    sessions.push(session);
    expect(session.histogram).toEqual({ measure: 'block I/O latency', unit: 'usecs', keyName: 'disk' });
    const rows = collect(session);
    session.flushHistogram();
    const startedAt = Date.now();
    const pid = await directWrites(disk);
    await idle(disk);
    session.flush();
    const frame = session.flushHistogram() as HistogramFrame;

    // The disk's writes are dd's alone; a read of the new device (udev probing it, late) is a row too, not ours.
    const onDisk = rows.filter((row) => row.disk === disk);
    const ours = onDisk.filter((row) => row.type.startsWith('W')).sort((a, b) => a.sector - b.sector);
    expect(ours).toHaveLength(WRITES);
    expect(ours.map((row) => row.sector)).toEqual(Array.from({ length: WRITES }, (_, i) => (i * BLOCK) / SECTOR));
    const scheduler = readFileSync(`/sys/block/${disk}/queue/scheduler`, 'utf8');
    for (const row of ours) {
      expect([row.pid, row.comm, row.bytes]).toEqual([pid, 'dd', BLOCK]);
      expect(row.type).toMatch(/^W/);
      expect(row.latencyMs).toBeGreaterThan(0);
      expect(row.time).toBeGreaterThanOrEqual(startedAt - 1);
      expect(row.seconds).toBeCloseTo((row.time - session.startedAt) / 1000, 6);
      // No I/O scheduler ("[none]"): no time queued in one; else the insert was seen.
      if (scheduler.includes('[none]')) expect(row.queuedMs).toBe(0);
      else expect(row.queuedMs).toBeGreaterThanOrEqual(0);
    }
    // The heat map counts every request of the disk, as the table has a row for each.
    expect(total(frame, disk)).toBe(onDisk.length);
    expect(session.stats().kernelDrops).toBe(0);
  });
});

describe('biosnoop filters', () => {
  it('keeps one disk with disk, and rows only as slow as minMs while the heat map counts all', async () => {
    const disk = loopDevice();
    await idle(disk);
    const onlyThis = startTool<BlockIoRow>('biosnoop', { disk }, { flush: 'manual' });
    const slowOnly = startTool<BlockIoRow>('biosnoop', { disk, minMs: 60_000 }, { flush: 'manual' });
    sessions.push(onlyThis, slowOnly);
    const thisRows = collect(onlyThis);
    const slowRows = collect(slowOnly);
    slowOnly.flushHistogram();
    // Other I/O meanwhile: the backing file's writes reach the real disk.
    await directWrites(disk);
    await idle(disk);
    for (const session of sessions) session.flush();
    expect(thisRows.filter((row) => row.type.startsWith('W'))).toHaveLength(WRITES);
    expect(new Set(thisRows.map((row) => row.disk))).toEqual(new Set([disk]));
    expect(slowRows).toEqual([]);
    const frame = slowOnly.flushHistogram() as HistogramFrame;
    expect(frame.series.map((series) => series.label)).toEqual([disk]);
    expect(total(frame, disk)).toBe(thisRows.length);
  });

  // Kprobes load here but do not attach: the verifier still judges the pre-6.5 start hook (fentry loads are refused here, EPERM).
  it('loads its kprobe method (verifier only): blk_account_io_start and the raw request tracepoints', () => {
    expect(loadWithoutAttach('biosnoop', 'kprobe').sort()).toEqual([
      'biosnoop_account_start_kprobe',
      'biosnoop_complete_raw',
      'biosnoop_insert_raw',
      'biosnoop_issue_raw',
    ]);
  });

  it.each([
    [{ disk: 'nosuchdisk0' }, /disk: no block device named "nosuchdisk0"/],
    [{ disk: '../sda' }, /disk: a disk name/],
    [{ minMs: -1 }, /minMs: .*>=0/],
    [{ cgroup: 'no/such/cgroup-here' }, /cgroup/],
    [{ queued: 'yes' }, /queued: .*boolean/],
    [{ pid: 1 }, /unknown key: "pid"/],
  ])('refuses %j with a typed error and attaches nothing', async (params, message) => {
    const before = kernelProgramIds();
    expectToolError(() => startTool('biosnoop', params), 'INVALID_PARAMS', message);
    await expectNothingNewLoaded(before);
  });
});
