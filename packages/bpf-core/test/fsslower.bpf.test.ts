// fsslower and ext4slower against a workload the test runs: a child process does a
// known sequence of opens, writes, fsyncs and reads on a file on ext4 (under out/)
// and on one on tmpfs (/dev/shm), and every one of its ext4 operations must show up,
// in order, with the right type, size and offset, and nothing of the tmpfs file.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bpfTestResources } from './resources.js';
import { ToolError, startTool } from '../src/index.js';
import type { HistogramFrame, ToolSession } from '../src/index.js';
import type { FileSystemOperationRow } from '../src/tools/fsslower/fsslower.js';
import { kilobytes } from '@bpfscope/formats';
import { eventually } from '../src/testing/kernel.js';

const workloadScript = fileURLToPath(new URL('./fixtures/fsWorkload.mjs', import.meta.url));
const KiB = 1024;

const { sessions, directories, children } = bpfTestResources<ToolSession<FileSystemOperationRow>>();

/** What fsWorkload.mjs does to one file, in order: [T, BYTES, offset]. */
const expectedOperations: Array<[string, number, number]> = [
  ['O', 0, 0],
  ...Array.from({ length: 8 }, (_, i): Array<[string, number, number]> => [
    ['W', 64 * KiB, i * 64 * KiB],
    ['F', 0, 0],
  ]).flat(),
  ['W', 4 * KiB, 1024 * KiB], // pwrite64
  ['W', 8 * KiB, 512 * KiB], // writev
  ['F', 0, 0], // fdatasync
  ['O', 0, 0],
  ['R', 64 * KiB, 0],
  ['R', 64 * KiB, 64 * KiB],
  ['R', 4 * KiB, 1024 * KiB], // pread64
  ['R', 128 * KiB, 128 * KiB], // readv
];
const countOf = (type: string) => expectedOperations.filter(([t]) => t === type).length;

interface Workload {
  pid: number;
  ext4File: string;
  tmpfsFile: string;
  /** Starts the operations and resolves when they are done, with their wall-clock span. */
  run(): Promise<{ startedAt: number; endedAt: number }>;
}

/** Spawns the workload and waits until it is ready (its own start-up I/O is over). */
async function startWorkload(): Promise<Workload> {
  const unique = `fsslower-${process.pid}-${Math.random().toString(36).slice(2, 10)}.dat`;
  const ext4Directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'fsslower-'));
  const tmpfsDirectory = mkdtempSync('/dev/shm/fsslower-');
  directories.push(ext4Directory, tmpfsDirectory);
  const ext4File = path.join(ext4Directory, unique);
  const tmpfsFile = path.join(tmpfsDirectory, unique);
  const child = spawn(process.execPath, [workloadScript, ext4File, tmpfsFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (output.includes(text) ? resolve() : undefined);
      child.stdout.on('data', (data: Buffer) => {
        output += data.toString();
        check();
      });
      child.on('exit', (code) => (output.includes(text) ? resolve() : reject(new Error(`workload exited with ${code}`))));
      check();
    });
  await waitFor('ready');
  return {
    pid: child.pid as number,
    ext4File,
    tmpfsFile,
    async run() {
      const startedAt = Date.now();
      child.stdin.write('go\n');
      await waitFor('done');
      const endedAt = Date.now();
      if (child.exitCode === null) await once(child, 'exit');
      return { startedAt, endedAt };
    },
  };
}

function collect(session: ToolSession<FileSystemOperationRow>): FileSystemOperationRow[] {
  const rows: FileSystemOperationRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return rows;
}

const totals = (frame: HistogramFrame) =>
  Object.fromEntries(frame.series.map((series) => [series.label, series.counts.reduce((sum, count) => sum + count, 0)]));

/** Programs of this tool loaded in the kernel (bpftool shows names cut to 15 characters). */
function fsslowerProgramIds(): Set<number> {
  const programs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{ id: number; name?: string }>;
  return new Set(programs.filter((program) => program.name?.startsWith('fsslower_')).map((program) => program.id));
}

describe.each(['tracepoint'] as const)('fsslower via %s', (attachMethod) => {
  it('reports every ext4 operation of the workload in order, with type, bytes, offset and latency; none on tmpfs', async () => {
    const workload = await startWorkload();
    const everything = startTool<FileSystemOperationRow>('fsslower', { minMs: 0 }, { attachMethod, flush: 'manual' });
    const slow = startTool<FileSystemOperationRow>('ext4slower', { minMs: 0.1 }, { attachMethod, flush: 'manual' });
    const onTmpfs = startTool<FileSystemOperationRow>('fsslower', { fs: 'tmpfs', minMs: 0, pid: workload.pid }, { attachMethod });
    sessions.push(everything, slow, onTmpfs);
    expect(everything.attachMethod).toBe(attachMethod);
    expect(everything.histogram).toEqual({ measure: 'file system operation latency', unit: 'usecs', keyName: 'operation' });
    const allRows = collect(everything);
    const slowRows = collect(slow);
    const tmpfsRows = collect(onTmpfs);
    everything.flushHistogram();

    const { startedAt, endedAt } = await workload.run();
    for (const session of sessions) session.flush();
    const fileName = path.basename(workload.ext4File);
    const ours = allRows.filter((row) => row.pid === workload.pid && row.fileName === fileName);

    expect(ours.map((row) => [row.type, row.bytes, row.offset])).toEqual(expectedOperations);
    for (const row of ours) {
      expect(row.comm).toBe('node');
      expect(row.latencyMs).toBeGreaterThan(0);
      expect(row.latencyMs).toBeLessThan(endedAt - startedAt + 5);
      expect(row.time).toBeGreaterThanOrEqual(startedAt - 5);
      expect(row.time).toBeLessThanOrEqual(endedAt + 5);
    }
    expect(kilobytes(ours.find((row) => row.bytes === 4 * KiB && row.type === 'W')?.offset ?? -1)).toBe(1024);
    // The same name on tmpfs: never on ext4, and all of it (only it) with fs: 'tmpfs'.
    expect(allRows.filter((row) => row.pid === workload.pid && row.fileName !== fileName)).toEqual([]);
    expect(tmpfsRows.map((row) => [row.type, row.bytes, row.offset])).toEqual(expectedOperations);
    expect(tmpfsRows.every((row) => row.fileName === fileName && row.pid === workload.pid)).toBe(true);

    // The threshold: fsyncs wait for the disk (a cache flush and a journal commit, hundreds
    // of microseconds), page-cache reads and writes take tens. Only operations of at least
    // 0.1 ms are reported, and all of those: two sessions time the same operation a few
    // microseconds apart, hence the margin.
    const slowOurs = slowRows.filter((row) => row.pid === workload.pid);
    expect(slowOurs.some((row) => row.type === 'F' && row.fileName === fileName)).toBe(true);
    for (const row of slowOurs) expect(row.latencyMs).toBeGreaterThanOrEqual(0.1);
    const key = (row: FileSystemOperationRow) => `${row.type} ${row.bytes} ${row.offset}`;
    const slowKeys = slowOurs.map(key);
    for (const row of ours.filter((candidate) => candidate.latencyMs >= 0.35)) expect(slowKeys).toContain(key(row));
    expect(slowOurs.length).toBeLessThanOrEqual(ours.length);

    // The heat map counts all operations, slow or not, of every process.
    const counted = totals(everything.flushHistogram() as HistogramFrame);
    for (const [label, type] of [
      ['read', 'R'],
      ['write', 'W'],
      ['open', 'O'],
      ['fsync', 'F'],
    ] as const) {
      expect(counted[label], label).toBeGreaterThanOrEqual(countOf(type));
    }
    for (const session of sessions) expect(session.stats().kernelDrops).toBe(0);
  });

  it('with pid and a threshold nothing reaches, the table stays empty and the heat map has exactly the ext4 operations', async () => {
    const workload = await startWorkload();
    const session = startTool<FileSystemOperationRow>('ext4slower', { pid: workload.pid, minMs: 60_000 }, { attachMethod, flush: 'manual' });
    sessions.push(session);
    expect(session.histogram?.measure).toBe('ext4 operation latency');
    const rows = collect(session);
    await workload.run();
    session.flush();
    expect(rows).toEqual([]);
    // The tmpfs file's operations are not counted, and no other process's.
    expect(totals(session.flushHistogram() as HistogramFrame)).toEqual({
      read: countOf('R'),
      write: countOf('W'),
      open: countOf('O'),
      fsync: countOf('F'),
    });
  });
});

it('refuses bad params with INVALID_PARAMS before loading anything', async () => {
  const before = fsslowerProgramIds();
  const bad: Array<[string, unknown]> = [
    ['fsslower', { fs: 'EXT4' }],
    ['fsslower', { fs: 'a'.repeat(16) }],
    ['fsslower', { fs: '' }],
    ['fsslower', { fs: '../ext4' }],
    ['fsslower', { minMs: -1 }],
    ['fsslower', { minMs: '10' }],
    ['fsslower', { pid: 0 }],
    ['fsslower', { pid: 1.5 }],
    ['fsslower', { threshold: 10 }],
    ['ext4slower', { fs: 'ext4' }],
    ['ext4slower', { minMs: Number.NaN }],
  ];
  for (const [tool, params] of bad) {
    let error: unknown;
    try {
      startTool(tool, params);
    } catch (caught) {
      error = caught;
    }
    expect(error, `${tool} ${JSON.stringify(params)}`).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('INVALID_PARAMS');
  }
  expect(await eventually(() => [...fsslowerProgramIds()].every((id) => before.has(id)))).toBe(true);
});
