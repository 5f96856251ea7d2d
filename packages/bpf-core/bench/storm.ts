// What the storm benchmarks share: a C workload built for the run, and worker
// processes that each print one count when they are done.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionStats, ToolSession } from '../src/index.js';

/** Compiles `source` (a .c file beside this one) into a fresh directory; returns the binary and the directory. */
export function buildWorkload(source: string): { binary: string; directory: string } {
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-bench-'));
  const binary = path.join(directory, path.basename(source, '.c'));
  execFileSync('cc', ['-O2', '-o', binary, fileURLToPath(new URL(`./${source}`, import.meta.url))]);
  return { binary, directory };
}

/** Starts `count` workers; their pids at once, and what each printed (one number) once all are done. */
function startWorkers(binary: string, args: readonly string[], count: number): { pids: Set<number>; counts: Promise<number[]> } {
  const pids = new Set<number>();
  const workers = Array.from({ length: count }, () => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    pids.add(child.pid as number);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'exit' can come before stdout is drained: wait for both before reading the count.
    return Promise.all([once(child, 'exit'), once(child.stdout, 'end')]).then(() => Number(output.trim()));
  });
  return { pids, counts: Promise.all(workers) };
}

export interface StormRun {
  /** What each worker counted. */
  counts: number[];
  seconds: number;
  /** This process's CPU over the storm, percent of one core. */
  cpuPercent: number;
  /** The session's stats once the storm is over and its last rows delivered (the session is then closed). */
  stats: SessionStats;
  /** Rows `mine` said were the workers', and the batches rows came in. */
  delivered: number;
  batches: number;
}

/**
 * Runs `count` workers of `binary` under `session` until they are done, counting
 * the rows `mine` says are theirs (given the workers' pids); closes the session.
 */
export async function runStorm<Row>(
  session: ToolSession<Row>,
  workload: { binary: string; args: readonly string[]; count: number },
  mine: (row: Row, workerPids: ReadonlySet<number>) => boolean,
): Promise<StormRun> {
  let workerPids: ReadonlySet<number> = new Set<number>();
  let delivered = 0;
  let batches = 0;
  session.onRows((rows) => {
    batches++;
    for (const row of rows) if (mine(row, workerPids)) delivered++;
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const workers = startWorkers(workload.binary, workload.args, workload.count);
  workerPids = workers.pids;
  const counts = await workers.counts;
  session.flush();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = session.stats();
  await session.close();
  return { counts, seconds, cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100, stats, delivered, batches };
}
