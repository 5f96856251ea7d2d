// Tool start: median time from "start execsnoop" to attached, ours against bpftrace
// running an equivalent execsnoop one-liner to its "Attaching" line; then the
// same for the network tools, each beside bpftrace's own tool where it can attach
// here, else a one-liner on the tracepoints ours falls back to.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** A tool, and what bpftrace runs for the same job. */
export interface StartComparison {
  tool: string;
  params?: Record<string, unknown>;
  bpftrace: {
    /** bpftrace's own tool, used when it can attach on this kernel. */
    script: string;
    /** Otherwise the same events from the hooks bpfscope falls back to; it prints "ready" from BEGIN. */
    oneLiner: string;
  };
}

// Each one-liner prints "ready" from BEGIN, which bpftrace runs once every probe is attached.
const networkTools: StartComparison[] = [
  {
    tool: 'tcpconnect',
    bpftrace: {
      script: '/usr/sbin/tcpconnect.bt',
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:sock:inet_sock_set_state /args->protocol == 6 && args->newstate == 2/ ' +
        '{ printf("%-7d %-16s %s %d\\n", pid, comm, ntop(args->daddr), args->dport); }',
    },
  },
  {
    tool: 'tcpaccept',
    bpftrace: {
      script: '/usr/sbin/tcpaccept.bt',
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_exit_accept, tracepoint:syscalls:sys_exit_accept4 /args->ret >= 0/ ' +
        '{ printf("%-7d %-16s %d\\n", pid, comm, args->ret); }',
    },
  },
  {
    tool: 'tcpretrans',
    bpftrace: {
      script: '/usr/sbin/tcpretrans.bt',
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:tcp:tcp_retransmit_skb ' +
        '{ printf("%-7d %s:%d R> %s:%d %d\\n", pid, ntop(args->saddr), args->sport, ntop(args->daddr), args->dport, args->state); }',
    },
  },
];

/** The .bt tools print their header from BEGIN: it appears once every probe is attached. */
const bpftraceReady = /^(ready|Tracing .*Ctrl-C)/m;

/** bpftrace's arguments for `equivalent`: its own tool if that attaches here (kprobes), else the one-liner. */
async function bpftraceArguments(equivalent: StartComparison['bpftrace']): Promise<{ args: string[]; what: string }> {
  if (existsSync(equivalent.script)) {
    try {
      await timeUntilOutput('bpftrace', ['-B', 'line', equivalent.script], bpftraceReady, 'SIGKILL');
      return { args: ['-B', 'line', equivalent.script], what: equivalent.script };
    } catch {
      // Its kprobes cannot attach on this kernel.
    }
  }
  return { args: ['-B', 'line', '-e', equivalent.oneLiner], what: 'tracepoint one-liner' };
}

/**
 * Each tool's start, agent warm (startTool → attached, as the execsnoop figure),
 * beside bpftrace's equivalent to its BEGIN output, interleaved run by run so both
 * see the same machine; median of RUNS after 2 warm-up runs each. Writes
 * bench/results/<result>.json.
 */
export async function benchStartBesideBpftrace(options: { result: string; title: string; comparisons: readonly StartComparison[] }): Promise<object> {
  getKernelFeatures().feature('tracepoint');
  const hasBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  const results: Record<string, object> = {};
  const rows: Array<[string, string]> = [];
  for (const { tool, params = {}, bpftrace: equivalent } of options.comparisons) {
    const bpftrace = hasBpftrace ? await bpftraceArguments(equivalent) : undefined;
    const ours: number[] = [];
    const theirs: number[] = [];
    let attachMethod = '';
    for (let i = 0; i < RUNS + 2; i++) {
      const started = performance.now();
      const session = startTool(tool, params);
      const elapsed = performance.now() - started;
      attachMethod = session.attachMethod;
      await session.close();
      const bpftraceElapsed = bpftrace ? await timeUntilOutput('bpftrace', bpftrace.args, bpftraceReady, 'SIGKILL') : undefined;
      if (i < 2) continue; // the first runs warm the page cache and JIT
      ours.push(elapsed);
      if (bpftraceElapsed !== undefined) theirs.push(bpftraceElapsed);
    }
    const ratio = bpftrace ? median(theirs) / median(ours) : null;
    results[tool] = {
      attachMethod,
      oursWarmMedianMs: median(ours),
      bpftrace: bpftrace?.what ?? null,
      bpftraceMedianMs: bpftrace ? median(theirs) : null,
      ratioBpftraceOverOursWarm: ratio,
      samplesMs: { ours, bpftrace: theirs },
    };
    rows.push([`${tool} (${attachMethod}), agent warm`, `${median(ours).toFixed(1)} ms`]);
    rows.push([`  bpftrace, ${bpftrace?.what ?? 'not installed'}`, bpftrace ? `${median(theirs).toFixed(1)} ms, ratio ${ratio?.toFixed(1)}x` : '-']);
    process.stderr.write(`tool start: ${tool} done\n`);
  }
  const result = { runs: RUNS, interleaved: true, tools: results };
  writeResult(options.result, result);
  printTable(`${options.title} (median of ${RUNS}, interleaved with bpftrace)`, rows);
  return result;
}

export function benchNetworkToolStart(): Promise<object> {
  return benchStartBesideBpftrace({ result: 'tool-start-network', title: 'Tool start, network tools', comparisons: networkTools });
}
