// Tool start: how long from "start the tool" to attached, ours against bpftrace
// running an equivalent. Ours is startTool in a warm process (what an agent does);
// bpftrace's is its start to the first line its BEGIN probe prints, which it runs
// once every probe is attached. execsnoop's figure also has a fresh-process run
// (bpfscope-tool, node start-up included), the way bpftrace always starts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, printTable, writeResult } from '@bpfscope/bench-kit';
import { getKernelFeatures, startTool } from '../src/index.js';

const RUNS = 20;
/** Runs of each side left out first: they warm the page cache and JIT. */
const WARM_UP = 2;
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Time until `pattern` appears on the child's stderr or stdout, then stop it with
 * `signal`; rejected when `refused` appears first.
 */
export function timeUntilOutput(
  command: string,
  args: string[],
  pattern: RegExp,
  options: { signal?: NodeJS.Signals; refused?: RegExp } = {},
): Promise<number> {
  const { signal = 'SIGINT', refused } = options;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (refused?.test(seen) && !pattern.test(seen)) {
        child.kill('SIGKILL');
        reject(new Error(`${command}: ${refused}: ${seen.slice(0, 500)}`));
      } else if (pattern.test(seen)) {
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

/** A tool, and what bpftrace runs for the same job. */
export interface StartComparison {
  tool: string;
  params?: Record<string, unknown>;
  bpftrace: {
    /** bpftrace's own tool, and the first line its BEGIN prints: used where all its probes attach on this kernel. */
    script?: { path: string; begins: RegExp };
    /** Else the same events from the hooks bpfscope uses here, printing "ready" from BEGIN. */
    oneLiner: string;
  };
}

// bpftrace block-buffers a pipe (-B line shows its lines as they come); it may miss a
// SIGINT that lands while it attaches, and its probes are fd-owned, so SIGKILL is clean.
// A probe it cannot attach, it may skip with a warning and start anyway (biosnoop.bt's
// kprobes on a kernel without them): such a run traces nothing, and does not count.
const bpftraceStart = (args: readonly string[], begins: RegExp) =>
  timeUntilOutput('bpftrace', ['-B', 'line', ...args], begins, { signal: 'SIGKILL', refused: /could not attach probe/ });
const oneLinerBegins = /^ready$/m;

/** bpftrace's own tool where it attaches here (its kprobes may not), else the one-liner. */
async function bpftraceRun(equivalent: StartComparison['bpftrace']): Promise<{ args: string[]; begins: RegExp; what: string }> {
  const { script } = equivalent;
  if (script && existsSync(script.path)) {
    try {
      await bpftraceStart([script.path], script.begins);
      return { args: [script.path], begins: script.begins, what: script.path };
    } catch {
      // Its probes (kprobes) cannot all attach on this kernel.
    }
  }
  return { args: ['-e', equivalent.oneLiner], begins: oneLinerBegins, what: 'tracepoint one-liner' };
}

interface StartMeasurement {
  attachMethod: string;
  oursWarmMedianMs: number;
  /** What bpftrace ran; null without bpftrace. */
  bpftrace: string | null;
  bpftraceMedianMs: number | null;
  ratioBpftraceOverOursWarm: number | null;
  samplesMs: { ours: number[]; bpftrace: number[] };
}

/**
 * Each tool's start beside bpftrace's equivalent, interleaved run by run so both
 * see the same machine; median of RUNS after WARM_UP runs of each.
 */
async function measureStarts(comparisons: readonly StartComparison[]): Promise<Record<string, StartMeasurement>> {
  // The agent probes the kernel once when it starts; a session start is what follows.
  getKernelFeatures().feature('tracepoint');
  const hasBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  const measurements: Record<string, StartMeasurement> = {};
  for (const { tool, params = {}, bpftrace: equivalent } of comparisons) {
    const bpftrace = hasBpftrace ? await bpftraceRun(equivalent) : undefined;
    const ours: number[] = [];
    const theirs: number[] = [];
    let attachMethod = '';
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      const started = performance.now();
      const session = startTool(tool, params);
      const elapsed = performance.now() - started;
      attachMethod = session.attachMethod;
      await session.close();
      const bpftraceElapsed = bpftrace ? await bpftraceStart(bpftrace.args, bpftrace.begins) : undefined;
      if (i < WARM_UP) continue;
      ours.push(elapsed);
      if (bpftraceElapsed !== undefined) theirs.push(bpftraceElapsed);
    }
    measurements[tool] = {
      attachMethod,
      oursWarmMedianMs: median(ours),
      bpftrace: bpftrace?.what ?? null,
      bpftraceMedianMs: bpftrace ? median(theirs) : null,
      ratioBpftraceOverOursWarm: bpftrace ? median(theirs) / median(ours) : null,
      samplesMs: { ours, bpftrace: theirs },
    };
    process.stderr.write(`tool start: ${tool} done\n`);
  }
  return measurements;
}

/** Tools' start beside bpftrace (see measureStarts): bench/results/tool-start-beside-bpftrace.json and a table. */
export async function benchStartBesideBpftrace(comparisons: readonly StartComparison[]): Promise<object> {
  const measurements = await measureStarts(comparisons);
  const rows: Array<[string, string]> = [];
  for (const [tool, { attachMethod, oursWarmMedianMs, bpftrace, bpftraceMedianMs, ratioBpftraceOverOursWarm }] of Object.entries(measurements)) {
    rows.push([`${tool} (${attachMethod}), agent warm`, `${oursWarmMedianMs.toFixed(1)} ms`]);
    rows.push([
      `  bpftrace, ${bpftrace ?? 'not installed'}`,
      bpftrace ? `${bpftraceMedianMs?.toFixed(1)} ms, ratio ${ratioBpftraceOverOursWarm?.toFixed(1)}x` : '-',
    ]);
  }
  const result = { runs: RUNS, interleaved: true, tools: measurements };
  writeResult('tool-start-beside-bpftrace', result);
  printTable(`Tool start → attached (median of ${RUNS}, interleaved with bpftrace to its BEGIN)`, rows);
  return result;
}

// The same execsnoop one-liner as ever, with a BEGIN that says when it is attached.
const execsnoop: StartComparison = {
  tool: 'execsnoop',
  bpftrace: {
    oneLiner:
      'BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_enter_execve { @args[tid] = str(args->filename); } ' +
      'tracepoint:syscalls:sys_exit_execve /@args[tid] != ""/ { printf("%-6d %-16s %3d %s\\n", pid, comm, args->ret, @args[tid]); delete(@args[tid]); }',
  },
};

export async function benchToolStart(): Promise<object> {
  const { execsnoop: warm } = (await measureStarts([execsnoop])) as { execsnoop: StartMeasurement };
  // A fresh process each time, the way bpftrace always runs: node start-up included.
  const cold: number[] = [];
  for (let i = 0; i < RUNS; i++) cold.push(await timeUntilOutput(process.execPath, [cli, 'execsnoop'], /Tracing execsnoop/));
  process.stderr.write('tool start: fresh-process runs done\n');

  const bpftrace = warm.bpftraceMedianMs;
  const result = {
    runs: RUNS,
    interleaved: true,
    oursWarmMedianMs: warm.oursWarmMedianMs,
    oursColdProcessMedianMs: median(cold),
    bpftraceMedianMs: bpftrace,
    ratioBpftraceOverOursWarm: warm.ratioBpftraceOverOursWarm,
    ratioBpftraceOverOursCold: bpftrace === null ? null : bpftrace / median(cold),
    targets: { oursWarmMedianMs: 50, ratioBpftraceOverOursWarm: 10 },
    samplesMs: { warm: warm.samplesMs.ours, cold, bpftrace: warm.samplesMs.bpftrace },
  };
  writeResult('tool-start', result);
  printTable(`Tool start (execsnoop, median of ${RUNS})`, [
    ['bpfscope, agent warm (startTool → attached)', `${result.oursWarmMedianMs.toFixed(1)} ms (target ≤ 50)`],
    ['bpfscope, fresh process (bpfscope-tool)', `${result.oursColdProcessMedianMs.toFixed(1)} ms`],
    ['bpftrace one-liner to BEGIN, interleaved', bpftrace === null ? 'bpftrace not installed' : `${bpftrace.toFixed(1)} ms`],
    ['ratio bpftrace / bpfscope warm', bpftrace === null ? '-' : `${result.ratioBpftraceOverOursWarm?.toFixed(1)}x (target ≥ 10x)`],
    ['ratio bpftrace / bpfscope fresh process', bpftrace === null ? '-' : `${result.ratioBpftraceOverOursCold?.toFixed(1)}x`],
  ]);
  return result;
}

/**
 * The tools after execsnoop, each beside bpftrace's own tool where it attaches
 * here, else a one-liner on the hooks bpfscope uses on this kernel.
 */
export const toolComparisons: readonly StartComparison[] = [
  {
    tool: 'opensnoop',
    bpftrace: {
      script: { path: '/usr/sbin/opensnoop.bt', begins: /^Tracing open syscalls/m },
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat { @filename[tid] = args->filename; } ' +
        'tracepoint:syscalls:sys_exit_open, tracepoint:syscalls:sys_exit_openat /@filename[tid]/ ' +
        '{ printf("%-6d %-16s %4d %s\\n", pid, comm, args->ret, str(@filename[tid])); delete(@filename[tid]); }',
    },
  },
  {
    tool: 'biosnoop',
    bpftrace: {
      // biosnoop.bt needs kprobes on blk_account_io_*; the one-liner uses the block tracepoints as ours do.
      script: { path: '/usr/sbin/biosnoop.bt', begins: /^TIME\(ms\)/m },
      oneLiner:
        'BEGIN { printf("ready\\n"); } ' +
        'tracepoint:block:block_io_start { @pid[args->dev, args->sector] = pid; @comm[args->dev, args->sector] = comm; } ' +
        'tracepoint:block:block_rq_issue { @start[args->dev, args->sector] = nsecs; } ' +
        'tracepoint:block:block_rq_complete /@start[args->dev, args->sector]/ { ' +
        'printf("%-16s %-7d %d %-10d %7d\\n", @comm[args->dev, args->sector], @pid[args->dev, args->sector], args->dev, args->sector, ' +
        '(nsecs - @start[args->dev, args->sector]) / 1000); delete(@start[args->dev, args->sector]); }',
    },
  },
  {
    tool: 'cachestat',
    bpftrace: {
      // No cachestat.bt ships with bpftrace: the same counts, printed each second.
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:filemap:mm_filemap_add_to_page_cache { @added = count(); } ' +
        'tracepoint:writeback:writeback_dirty_folio { @dirtied = count(); } tracepoint:block:block_dirty_buffer { @buffers = count(); } ' +
        'interval:s:1 { print(@added); print(@dirtied); print(@buffers); clear(@added); clear(@dirtied); clear(@buffers); }',
    },
  },
  {
    tool: 'tcpconnect',
    bpftrace: {
      script: { path: '/usr/sbin/tcpconnect.bt', begins: /^Tracing tcp connections/m },
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:sock:inet_sock_set_state /args->protocol == 6 && args->newstate == 2/ ' +
        '{ printf("%-7d %-16s %s %d\\n", pid, comm, ntop(args->daddr), args->dport); }',
    },
  },
  {
    tool: 'tcpaccept',
    bpftrace: {
      script: { path: '/usr/sbin/tcpaccept.bt', begins: /^Tracing TCP accepts/m },
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_exit_accept, tracepoint:syscalls:sys_exit_accept4 /args->ret >= 0/ ' +
        '{ printf("%-7d %-16s %d\\n", pid, comm, args->ret); }',
    },
  },
  {
    tool: 'tcpretrans',
    bpftrace: {
      script: { path: '/usr/sbin/tcpretrans.bt', begins: /^Tracing tcp retransmits/m },
      oneLiner:
        'BEGIN { printf("ready\\n"); } tracepoint:tcp:tcp_retransmit_skb ' +
        '{ printf("%-7d %s:%d R> %s:%d %d\\n", pid, ntop(args->saddr), args->sport, ntop(args->daddr), args->dport, args->state); }',
    },
  },
];
