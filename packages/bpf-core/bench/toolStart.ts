// Tool start: how long from "start the tool" to attached, ours against bpftrace
// running an equivalent. Ours is startTool in a warm process (what an agent does);
// bpftrace's is its start to the first line its BEGIN probe prints, which it runs
// once every probe is attached. execsnoop's figure also has a fresh-process run
// (bpfscope-tool, node start-up included), the way bpftrace always starts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bareNodeStart, bpftraceExecsnoopStart, bpftraceStart, median, oneLinerBegins, printTable, timeUntilOutput, writeResult } from '@bpfscope/bench-kit';
import { getKernelFeatures, startTool } from '../src/index.js';

const RUNS = 20;
/** Runs of each side left out first: they warm the page cache and JIT. */
const WARM_UP = 2;
// What a user runs: the bin shim, which runs the CLI's bundle.
const cli = fileURLToPath(new URL('../bin/bpfscope-tool.js', import.meta.url));

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

/**
 * execsnoop's start four ways, interleaved round by round so all four share the
 * machine's load of the moment: startTool in a warm process (what the agent does), a
 * fresh `bpfscope-tool execsnoop` to "Tracing" (node start-up included, the way
 * bpftrace always starts), bpftrace's one-liner to its BEGIN, and a bare `node -e`,
 * the floor under any fresh node process.
 */
export async function benchToolStart(): Promise<object> {
  // The agent probes the kernel once when it starts; a session start is what follows.
  getKernelFeatures().feature('tracepoint');
  const hasBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  const samples = { warm: [] as number[], cold: [] as number[], bpftrace: [] as number[], nodeBare: [] as number[] };
  let attachMethod = '';
  for (let i = 0; i < RUNS + WARM_UP; i++) {
    const started = performance.now();
    const session = startTool('execsnoop', {});
    const warm = performance.now() - started;
    attachMethod = session.attachMethod;
    await session.close();
    const cold = await timeUntilOutput(process.execPath, [cli, 'execsnoop'], /Tracing execsnoop/);
    const bpftrace = hasBpftrace ? await bpftraceExecsnoopStart() : undefined;
    const nodeBare = await bareNodeStart();
    if (i < WARM_UP) continue;
    samples.warm.push(warm);
    samples.cold.push(cold);
    if (bpftrace !== undefined) samples.bpftrace.push(bpftrace);
    samples.nodeBare.push(nodeBare);
  }
  process.stderr.write('tool start: execsnoop done\n');

  const warm = median(samples.warm);
  const cold = median(samples.cold);
  const bpftrace = hasBpftrace ? median(samples.bpftrace) : null;
  const nodeBare = median(samples.nodeBare);
  const result = {
    runs: RUNS,
    interleaved: true,
    attachMethod,
    oursWarmMedianMs: warm,
    oursColdProcessMedianMs: cold,
    bpftraceMedianMs: bpftrace,
    nodeBareMedianMs: nodeBare,
    ratioBpftraceOverOursWarm: bpftrace === null ? null : bpftrace / warm,
    ratioOursColdOverBpftrace: bpftrace === null ? null : cold / bpftrace,
    oursColdAboveNodeBareMs: cold - nodeBare,
    targets: { oursWarmMedianMs: 50, ratioBpftraceOverOursWarm: 10, ratioOursColdOverBpftrace: 1.5 },
    samplesMs: samples,
  };
  writeResult('tool-start', result);
  const notInstalled = 'bpftrace not installed';
  printTable(`Tool start (execsnoop, median of ${RUNS}, the four interleaved)`, [
    ['bpfscope, agent warm (startTool → attached)', `${warm.toFixed(1)} ms (target ≤ 50)`],
    ['bpfscope-tool execsnoop, fresh process → "Tracing"', `${cold.toFixed(1)} ms`],
    ['bpftrace one-liner → BEGIN ("Attaching")', bpftrace === null ? notInstalled : `${bpftrace.toFixed(1)} ms`],
    ['bare node -e start', `${nodeBare.toFixed(1)} ms (bpfscope-tool is ${(cold - nodeBare).toFixed(1)} ms above it)`],
    ['ratio bpftrace / bpfscope warm', bpftrace === null ? '-' : `${(bpftrace / warm).toFixed(1)}x (target ≥ 10x)`],
    ['ratio bpfscope-tool / bpftrace, both fresh', bpftrace === null ? '-' : `${(cold / bpftrace).toFixed(2)}x (target ≤ 1.5x)`],
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
