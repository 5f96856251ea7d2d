// Tool start: median time from "start execsnoop" to attached, ours against bpftrace
// running an equivalent execsnoop one-liner to its "Attaching" line.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, printTable, writeResult } from '@bpfscope/bench-kit';
import { getKernelFeatures, startTool } from '../src/index.js';

const RUNS = 20;
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Time until `pattern` appears on the child's stderr or stdout, then stop it with `signal`. */
export function timeUntilOutput(command: string, args: string[], pattern: RegExp, signal: NodeJS.Signals = 'SIGINT'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        const elapsed = performance.now() - started;
        child.kill(signal);
        child.once('exit', () => resolve(elapsed));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!pattern.test(seen)) reject(new Error(`${command} exited (${code}) before ${pattern}: ${seen.slice(0, 500)}`));
    });
  });
}

export async function benchToolStart(): Promise<object> {
  // The agent probes the kernel once when it starts; a session start is what follows.
  getKernelFeatures().feature('tracepoint');
  const warm: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const started = performance.now();
    const session = startTool('execsnoop', {});
    const elapsed = performance.now() - started;
    await session.close();
    if (i >= 2) warm.push(elapsed); // first runs warm the page cache and JIT
  }

  process.stderr.write('tool start: warm runs done\n');
  // A fresh process each time, the way bpftrace always runs: node start-up included.
  const cold: number[] = [];
  for (let i = 0; i < RUNS; i++) cold.push(await timeUntilOutput(process.execPath, [cli, 'execsnoop'], /Tracing execsnoop/));

  process.stderr.write('tool start: fresh-process runs done\n');
  const bpftraceScript =
    'tracepoint:syscalls:sys_enter_execve { @args[tid] = str(args->filename); } ' +
    'tracepoint:syscalls:sys_exit_execve /@args[tid] != ""/ { printf("%-6d %-16s %3d %s\\n", pid, comm, args->ret, @args[tid]); delete(@args[tid]); }';
  // -B line: bpftrace block-buffers a pipe, which would hide its "Attaching" line.
  const hasBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  const bpftrace: number[] = [];
  if (hasBpftrace) {
    for (let i = 0; i < RUNS; i++) {
      bpftrace.push(
        // bpftrace may miss a SIGINT that lands while it attaches; its probes are fd-owned, so SIGKILL is clean.
        await timeUntilOutput('bpftrace', ['-B', 'line', '-e', bpftraceScript], /Attaching \d+ probes?/, 'SIGKILL'),
      );
    }
  }

  const result = {
    runs: RUNS,
    oursWarmMedianMs: median(warm),
    oursColdProcessMedianMs: median(cold),
    bpftraceMedianMs: hasBpftrace ? median(bpftrace) : null,
    ratioBpftraceOverOursWarm: hasBpftrace ? median(bpftrace) / median(warm) : null,
    ratioBpftraceOverOursCold: hasBpftrace ? median(bpftrace) / median(cold) : null,
    targets: { oursWarmMedianMs: 50, ratioBpftraceOverOursWarm: 10 },
    samplesMs: { warm, cold, bpftrace },
  };
  writeResult('tool-start', result);
  printTable('Tool start (execsnoop, median of 20)', [
    ['bpfscope, agent warm (startTool → attached)', `${result.oursWarmMedianMs.toFixed(1)} ms (target ≤ 50)`],
    ['bpfscope, fresh process (bpfscope-tool)', `${result.oursColdProcessMedianMs.toFixed(1)} ms`],
    ['bpftrace one-liner to "Attaching"', hasBpftrace ? `${result.bpftraceMedianMs?.toFixed(1)} ms` : 'bpftrace not installed'],
    ['ratio bpftrace / bpfscope warm', hasBpftrace ? `${result.ratioBpftraceOverOursWarm?.toFixed(1)}x (target ≥ 10x)` : '-'],
    ['ratio bpftrace / bpfscope fresh process', hasBpftrace ? `${result.ratioBpftraceOverOursCold?.toFixed(1)}x` : '-'],
  ]);
  return result;
}
