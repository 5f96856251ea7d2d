// Open storm: 2 processes open and close a file as fast as 2 cores allow for 10 s
// while opensnoop (every process, as it would run on a host) delivers rows to this
// process: opens made, rows delivered, events the kernel could not queue (counted,
// never silent), and this process's CPU.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { startTool } from '../src/index.js';
import type { OpenRow } from '../src/tools/opensnoop/opensnoop.js';
import { buildWorkload, runStorm } from './storm.js';

const SECONDS = 10;
const WORKERS = 2;

export async function benchOpenStorm(): Promise<object> {
  const { binary, directory } = buildWorkload('openStorm.c');
  const target = path.join(directory, 'opened');
  writeFileSync(target, 'x');
  const session = startTool<OpenRow>('opensnoop', {});
  const dropsBefore = session.stats().kernelDrops;
  const run = await runStorm(
    session,
    { binary, args: [String(SECONDS), target], count: WORKERS },
    (row, workers) => workers.has(row.pid) && row.path === target,
  );
  const { stats, delivered, batches } = run;

  const opens = run.counts.reduce((sum, count) => sum + count, 0);
  const lost = stats.kernelDrops - dropsBefore;
  const result = {
    seconds: run.seconds,
    workers: WORKERS,
    opensByWorkload: opens,
    rowsDeliveredToJs: delivered,
    rowsPerSecond: delivered / run.seconds,
    // Every process's opens that the ring buffer could not take, the workload's among them.
    lostInKernel: lost,
    // Made but neither delivered nor among the counted losses: must be ≤ 0 (losses of other processes make it negative).
    unaccounted: opens - delivered - lost,
    batches,
    meanRowsPerBatch: stats.events / Math.max(1, batches),
    processCpuPercent: run.cpuPercent,
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
