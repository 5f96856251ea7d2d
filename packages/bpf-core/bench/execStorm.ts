// Exec storm: execs as fast as 2 cores allow for 10 s while execsnoop runs in this
// process; events delivered to JS per second, events lost, this process's CPU.
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { startTool } from '../src/index.js';
import type { ExecRow } from '../src/index.js';
import { buildWorkload, runStorm } from './storm.js';

const SECONDS = 10;
const WORKERS = 2;

export async function benchExecStorm(): Promise<object> {
  const { binary } = buildWorkload('execStorm.c');
  const session = startTool<ExecRow>('execsnoop', {});
  const run = await runStorm(session, { binary, args: [String(SECONDS)], count: WORKERS }, (row, workers) => workers.has(row.ppid) && row.pcomm === 'true');
  const { stats, delivered, batches } = run;

  const execs = run.counts.reduce((sum, count) => sum + count, 0);
  const result = {
    seconds: run.seconds,
    workers: WORKERS,
    execsByWorkload: execs,
    eventsDeliveredToJs: delivered,
    eventsPerSecond: delivered / run.seconds,
    batches,
    meanEventsPerBatch: stats.events / Math.max(1, batches),
    kernelDrops: stats.kernelDrops,
    missing: execs - delivered,
    agentCpuPercent: run.cpuPercent,
    allEventsSeen: stats.events,
  };
  writeResult('exec-storm', result);
  printTable(`Exec storm (${WORKERS} workers, ${SECONDS} s)`, [
    ['execs made by the workload', String(execs)],
    ['events delivered to JS', `${delivered} (${result.eventsPerSecond.toFixed(0)}/s)`],
    ['lost (ring buffer full, counted)', String(stats.kernelDrops)],
    ['missing (made - delivered)', String(result.missing)],
    ['batches (mean events/batch)', `${batches} (${result.meanEventsPerBatch.toFixed(1)})`],
    ['bpfscope process CPU', `${result.agentCpuPercent.toFixed(1)} %`],
  ]);
  return result;
}
