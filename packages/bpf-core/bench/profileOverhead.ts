// What profiling costs the profiled: a CPU-bound workload on every CPU, its
// throughput alone, under `profile` at 99 Hz on all CPUs, and under the peer
// `perf record -F 99 -a -g`, alternating rounds so drift hits all three alike.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable, writeResult } from '@bpfscope/bench-kit';
import { startTool } from '../src/index.js';

const SECONDS = 8;
const ROUNDS = 3;

async function workload(binary: string): Promise<number> {
  const runs = cpus().map(
    () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(binary, [String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => (code === 0 ? resolve(Number(output.split(' ')[0])) : reject(new Error(`workload exited ${code}`))));
      }),
  );
  return (await Promise.all(runs)).reduce((sum, iterations) => sum + iterations, 0);
}

export async function benchProfileOverhead(): Promise<object> {
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-burn-'));
  const binary = path.join(directory, 'cpuburn');
  execFileSync('cc', ['-O2', '-o', binary, fileURLToPath(new URL('./cpuBurn.c', import.meta.url))]);
  const perfAvailable = (() => {
    try {
      execFileSync('perf', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const baseline: number[] = [];
  const profiled: number[] = [];
  const perfRecorded: number[] = [];
  let samples = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push(await workload(binary));

      const session = startTool('profile', { frequency: 99, timeline: false });
      profiled.push(await workload(binary));
      const profile = session.collectStacks();
      samples += profile.stacks.reduce((sum, stack) => sum + stack.value, 0);
      await session.close();

      if (perfAvailable) {
        const perf = spawn('perf', ['record', '-F', '99', '-a', '-g', '-q', '-o', path.join(directory, 'perf.data')], { stdio: 'ignore' });
        await new Promise((resolve) => setTimeout(resolve, 500));
        perfRecorded.push(await workload(binary));
        perf.kill('SIGINT');
        await new Promise((resolve) => perf.once('exit', resolve));
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const base = median(baseline);
  const result = {
    seconds: SECONDS,
    rounds: ROUNDS,
    cpus: cpus().length,
    iterations: { baseline, profiled, perfRecorded },
    ratioWithProfile: median(profiled) / base,
    ratioWithPerfRecord: perfRecorded.length > 0 ? median(perfRecorded) / base : null,
    profileSamplesPerRound: samples / ROUNDS,
  };
  const file = writeResult('profile-overhead', result);
  printTable(`profile at 99 Hz on all ${cpus().length} CPUs, CPU-bound workload on every CPU`, [
    ['throughput with bpfscope profile / without', `${result.ratioWithProfile.toFixed(4)} (goal ≥ 0.99)`],
    ['throughput with perf record -F 99 -a -g / without', result.ratioWithPerfRecord === null ? 'perf not installed' : result.ratioWithPerfRecord.toFixed(4)],
    ['samples per round (bpfscope)', result.profileSamplesPerRound.toFixed(0)],
    ['results', file],
  ]);
  return result;
}
