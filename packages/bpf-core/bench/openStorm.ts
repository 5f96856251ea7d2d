// Open storm: 2 processes open and close a file as fast as 2 cores allow for 10 s
// while opensnoop (every process, as it would run on a host) delivers rows to this
// process: opens made, rows delivered, events the kernel could not queue (counted,
// never silent), and this process's CPU.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { startTool } from '../src/index.js';
import type { OpenRow } from '../src/tools/opensnoop/opensnoop.js';

const SECONDS = 10;
const WORKERS = 2;

export async function benchOpenStorm(): Promise<object> {
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-bench-'));
  const binary = path.join(directory, 'open-storm');
  const target = path.join(directory, 'opened');
  writeFileSync(target, 'x');
  execFileSync('cc', ['-O2', '-o', binary, fileURLToPath(new URL('./openStorm.c', import.meta.url))]);

  const session = startTool<OpenRow>('opensnoop', {});
  const workerPids = new Set<number>();
  let delivered = 0;
  let batches = 0;
  session.onRows((rows) => {
    batches++;
    for (const row of rows) if (workerPids.has(row.pid) && row.path === target) delivered++;
  });

  const dropsBefore = session.stats().kernelDrops;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const workers = Array.from({ length: WORKERS }, () => {
    const child = spawn(binary, [String(SECONDS), target], { stdio: ['ignore', 'pipe', 'inherit'] });
    workerPids.add(child.pid as number);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return Promise.all([once(child, 'exit'), once(child.stdout, 'end')]).then(() => Number(output.trim()));
  });
  const counts = await Promise.all(workers);
  session.flush();
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = session.stats();
  await session.close();

  const opens = counts.reduce((sum, count) => sum + count, 0);
  const lost = stats.kernelDrops - dropsBefore;
  const result = {
    seconds: elapsedSeconds,
    workers: WORKERS,
    opensByWorkload: opens,
    rowsDeliveredToJs: delivered,
    rowsPerSecond: delivered / elapsedSeconds,
    // Every process's opens that the ring buffer could not take, the workload's among them.
    lostInKernel: lost,
    // Made but neither delivered nor among the counted losses: must be ≤ 0 (losses of other processes make it negative).
    unaccounted: opens - delivered - lost,
    batches,
    meanRowsPerBatch: stats.events / Math.max(1, batches),
    processCpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsedSeconds) * 100,
    allEventsSeen: stats.events,
  };
  writeResult('open-storm', result);
  printTable(`Open storm (${WORKERS} workers, ${SECONDS} s, opensnoop on every process)`, [
    ['opens made by the workload', String(opens)],
    ['rows delivered to JS', `${delivered} (${result.rowsPerSecond.toFixed(0)}/s)`],
    ['lost in the kernel (ring buffer full, counted; every process)', String(lost)],
    ['unaccounted (made - delivered - lost, must be ≤ 0)', String(result.unaccounted)],
    ['batches (mean rows/batch)', `${batches} (${result.meanRowsPerBatch.toFixed(1)})`],
    ['bpfscope process CPU (of one core)', `${result.processCpuPercent.toFixed(1)} %`],
  ]);
  return result;
}
