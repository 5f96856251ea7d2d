// Exec storm: execs as fast as 2 cores allow for 10 s while execsnoop runs in this
// process; events delivered to JS per second, events lost, this process's CPU.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { startTool } from '../src/index.js';
import type { ExecRow } from '../src/index.js';

const SECONDS = 10;
const WORKERS = 2;

export async function benchExecStorm(): Promise<object> {
  const binary = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-bench-')), 'exec-storm');
  execFileSync('cc', ['-O2', '-o', binary, fileURLToPath(new URL('./execStorm.c', import.meta.url))]);

  const session = startTool<ExecRow>('execsnoop', {});
  const workerPids = new Set<number>();
  let delivered = 0;
  let batches = 0;
  session.onRows((rows) => {
    batches++;
    for (const row of rows) if (workerPids.has(row.ppid) && row.pcomm === 'true') delivered++;
  });

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const workers = Array.from({ length: WORKERS }, () => {
    const child = spawn(binary, [String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    workerPids.add(child.pid as number);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'exit' can come before stdout is drained: wait for both before reading the count.
    return Promise.all([once(child, 'exit'), once(child.stdout, 'end')]).then(() => Number(output.trim()));
  });
  const counts = await Promise.all(workers);
  session.flush();
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = session.stats();
  await session.close();

  const execs = counts.reduce((sum, count) => sum + count, 0);
  const result = {
    seconds: elapsedSeconds,
    workers: WORKERS,
    execsByWorkload: execs,
    eventsDeliveredToJs: delivered,
    eventsPerSecond: delivered / elapsedSeconds,
    batches,
    meanEventsPerBatch: stats.events / Math.max(1, batches),
    kernelDrops: stats.kernelDrops,
    missing: execs - delivered,
    agentCpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsedSeconds) * 100,
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
