// Custom probes (issue 15) beside bpftrace, in the same script:
// - spec → attached for a tracepoint probe and a uprobe (median of 20,
//   interleaved run by run): startTool in a warm process (the agent), a fresh
//   bpfscope-tool process, and bpftrace's equivalent one-liner to its
//   "Attaching" line (bpftrace compiles with LLVM at every start);
// - spec → first event for the uprobe, with a workload calling malloc(2 MB)
//   every 100 µs: our first row (warm, fresh process) and bpftrace's first
//   printed line, since bpftrace prints "Attaching" before its probes are live;
// - a counting probe on every sys_enter_* tracepoint under a syscall storm: the
//   kernel's own measure of each program's run time per event
//   (kernel.bpf_stats_enabled, on only while measuring), ours (funccount,
//   attached once to raw_syscalls) and bpftrace's (@[probe] = count(), one
//   program per tracepoint), and how long each takes to let go of the probes.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, printTable, timeUntilOutput, writeResult } from '@bpfscope/bench-kit';
import { getKernelFeatures, startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import { findSystemLibc } from '../src/tools/gethostlatency/libc.js';
import { buildWorkload } from './storm.js';

const RUNS = 20;
const WARM_UP = 2;
const STORM_SECONDS = 5;
const STORM_WORKERS = 2;
const BPF_STATS = '/proc/sys/kernel/bpf_stats_enabled';
const cli = fileURLToPath(new URL('../bin/bpfscope-tool.js', import.meta.url));

interface BpfProgramStats {
  id: number;
  run_time_ns?: number;
  run_cnt?: number;
}

function kernelPrograms(): BpfProgramStats[] {
  return JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as BpfProgramStats[];
}

/** Run time and runs the kernel counted for these programs so far. */
function runTime(ids: ReadonlySet<number>): { nanoseconds: number; runs: number } {
  const ours = kernelPrograms().filter((program) => ids.has(program.id));
  return {
    nanoseconds: ours.reduce((sum, program) => sum + (program.run_time_ns ?? 0), 0),
    runs: ours.reduce((sum, program) => sum + (program.run_cnt ?? 0), 0),
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

interface StartCase {
  name: string;
  tool: string;
  params: Record<string, unknown>;
  cliArgs: string[];
  bpftrace: string;
  /** A workload that makes the probe fire continually, and the line each side prints for an event. */
  firstEvent?: { workload: string; line: RegExp };
}

function startCases(): StartCase[] {
  const libc = findSystemLibc() ?? '/lib/x86_64-linux-gnu/libc.so.6';
  const tracepoint = 't:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count';
  const uprobe = 'p:c:malloc(size_t size) (size > 1000000) "malloc %d", size';
  return [
    {
      name: 'tracepoint',
      tool: 'trace',
      params: { probes: [tracepoint] },
      cliArgs: ['trace', tracepoint],
      bpftrace: 'tracepoint:syscalls:sys_enter_read /args->count > 20000/ { printf("read %d bytes\\n", args->count); }',
    },
    {
      name: 'uprobe',
      tool: 'trace',
      params: { probes: [uprobe] },
      cliArgs: ['trace', uprobe],
      bpftrace: `uprobe:${libc}:malloc /arg0 > 1000000/ { printf("malloc %d\\n", arg0); }`,
      firstEvent: { workload: 'mallocLoop.c', line: /malloc \d+/ },
    },
  ];
}

async function benchStart(hasBpftrace: boolean): Promise<object> {
  const results: Record<string, object> = {};
  const rows: Array<[string, string]> = [];
  for (const startCase of startCases()) {
    const warm: number[] = [];
    const fresh: number[] = [];
    const bpftrace: number[] = [];
    const bpftraceAttached: number[] = [];
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      const started = performance.now();
      const session = startTool(startCase.tool, startCase.params);
      const elapsed = performance.now() - started;
      await session.close();
      const freshProcess = await timeUntilOutput(process.execPath, [cli, ...startCase.cliArgs], /Tracing trace/);
      // bpftrace may miss a SIGINT that lands while it attaches; its probes are fd-owned, so SIGKILL is clean.
      const theirs = hasBpftrace
        ? await timeUntilOutput('bpftrace', ['-B', 'line', '-e', startCase.bpftrace], /Attaching \d+ probes?/, { signal: 'SIGKILL' })
        : NaN;
      // bpftrace prints "Attaching" before it attaches; BEGIN runs once every probe is attached.
      const theirsAttached = hasBpftrace
        ? await timeUntilOutput('bpftrace', ['-B', 'line', '-e', `BEGIN { printf("ready\\n"); } ${startCase.bpftrace}`], /^ready$/m, { signal: 'SIGKILL' })
        : NaN;
      if (i < WARM_UP) continue; // the first runs warm the page cache and JIT, on both sides
      warm.push(elapsed);
      fresh.push(freshProcess);
      bpftrace.push(theirs);
      bpftraceAttached.push(theirsAttached);
    }
    const firstEvent = startCase.firstEvent ? await benchFirstEvent(startCase, startCase.firstEvent, hasBpftrace) : undefined;
    const result = {
      spec: startCase.params,
      oursWarmMedianMs: median(warm),
      oursFreshProcessMedianMs: median(fresh),
      bpftrace: startCase.bpftrace,
      bpftraceMedianMs: hasBpftrace ? median(bpftrace) : null,
      ratioBpftraceOverOursWarm: hasBpftrace ? median(bpftrace) / median(warm) : null,
      ratioBpftraceOverOursFresh: hasBpftrace ? median(bpftrace) / median(fresh) : null,
      bpftraceToBeginMedianMs: hasBpftrace ? median(bpftraceAttached) : null,
      ratioBpftraceToBeginOverOursWarm: hasBpftrace ? median(bpftraceAttached) / median(warm) : null,
      target: { ratioBpftraceOverOursWarm: 5 },
      samplesMs: { warm, fresh, bpftrace, bpftraceAttached },
      firstEvent: firstEvent ?? null,
    };
    results[startCase.name] = result;
    process.stderr.write(`custom probes: ${startCase.name} start done\n`);
    rows.push([
      `trace ${startCase.name} probe: warm / fresh process / bpftrace to "Attaching" / to BEGIN`,
      `${result.oursWarmMedianMs.toFixed(1)} / ${result.oursFreshProcessMedianMs.toFixed(1)} / ${
        hasBpftrace
          ? `${result.bpftraceMedianMs?.toFixed(1)} / ${result.bpftraceToBeginMedianMs?.toFixed(1)} ms (${result.ratioBpftraceOverOursWarm?.toFixed(1)}x, ${result.ratioBpftraceToBeginOverOursWarm?.toFixed(1)}x warm; ${result.ratioBpftraceOverOursFresh?.toFixed(1)}x fresh)`
          : 'no bpftrace'
      }`,
    ]);
    if (firstEvent) {
      rows.push([
        `trace ${startCase.name} probe: spec → first event: warm / fresh process / bpftrace`,
        `${firstEvent.oursWarmMedianMs.toFixed(1)} / ${firstEvent.oursFreshProcessMedianMs.toFixed(1)} / ${
          hasBpftrace ? `${firstEvent.bpftraceMedianMs?.toFixed(1)} ms (${firstEvent.ratioBpftraceOverOursWarm?.toFixed(1)}x warm)` : 'no bpftrace'
        }`,
      ]);
    }
  }
  return { results, rows };
}

interface FirstEventResult {
  workload: string;
  oursWarmMedianMs: number;
  oursFreshProcessMedianMs: number;
  bpftraceMedianMs: number | null;
  ratioBpftraceOverOursWarm: number | null;
  samplesMs: { warm: number[]; fresh: number[]; bpftrace: number[] };
}

/** Our first row after startTool (a warm process). */
async function firstRowMs(startCase: StartCase): Promise<number> {
  const started = performance.now();
  const session = startTool(startCase.tool, startCase.params);
  try {
    return await new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`${startCase.name}: no event within 10 s`)), 10_000);
      const unsubscribe = session.onRows(() => {
        clearTimeout(timeout);
        unsubscribe();
        resolve(performance.now() - started);
      });
    });
  } finally {
    await session.close();
  }
}

/**
 * Spec → first event, interleaved run by run, while a workload makes the probe
 * fire continually; run apart from the attach figures, which run without it.
 */
async function benchFirstEvent(startCase: StartCase, firstEvent: NonNullable<StartCase['firstEvent']>, hasBpftrace: boolean): Promise<FirstEventResult> {
  const { binary, directory } = buildWorkload(firstEvent.workload);
  const workload: ChildProcess = spawn(binary, [], { stdio: 'ignore' });
  const warm: number[] = [];
  const fresh: number[] = [];
  const bpftrace: number[] = [];
  try {
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      const ours = await firstRowMs(startCase);
      const freshProcess = await timeUntilOutput(process.execPath, [cli, ...startCase.cliArgs], firstEvent.line);
      const theirs = hasBpftrace ? await timeUntilOutput('bpftrace', ['-B', 'line', '-e', startCase.bpftrace], firstEvent.line, { signal: 'SIGKILL' }) : NaN;
      if (i < WARM_UP) continue;
      warm.push(ours);
      fresh.push(freshProcess);
      bpftrace.push(theirs);
    }
  } finally {
    workload.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
  process.stderr.write(`custom probes: ${startCase.name} first event done\n`);
  return {
    workload: `${firstEvent.workload}: malloc(2,000,000) every 100 µs`,
    oursWarmMedianMs: median(warm),
    oursFreshProcessMedianMs: median(fresh),
    bpftraceMedianMs: hasBpftrace ? median(bpftrace) : null,
    ratioBpftraceOverOursWarm: hasBpftrace ? median(bpftrace) / median(warm) : null,
    samplesMs: { warm, fresh, bpftrace },
  };
}

interface StormResult {
  calls: number;
  counted: number;
  runs: number;
  nsPerRun: number;
  programs: number;
  attachMs: number;
  detachMs: number;
}

async function stormWorkers(binary: string): Promise<number> {
  const workers = Array.from({ length: STORM_WORKERS }, () => {
    const child = spawn(binary, [String(STORM_SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return Promise.all([once(child, 'exit'), once(child.stdout, 'end')]).then(() => Number(output.trim()));
  });
  return (await Promise.all(workers)).reduce((sum, count) => sum + count, 0);
}

async function stormOurs(binary: string): Promise<StormResult> {
  const started = performance.now();
  const session = startTool('funccount', { pattern: 't:syscalls:sys_enter_*', interval: 3600 }) as ToolSession<{ func: string; count: number }>;
  const attachMs = performance.now() - started;
  const ids = new Set(session.programIds());
  const before = runTime(ids);
  const calls = await stormWorkers(binary);
  const after = runTime(ids);
  const counted = session
    .flushIntervalRows()
    .filter((row) => row.func === 'syscalls:sys_enter_getppid')
    .reduce((sum, row) => sum + row.count, 0);
  const closing = performance.now();
  await session.close();
  await waitUntil(() => kernelPrograms().every((program) => !ids.has(program.id)), 120_000);
  const runs = after.runs - before.runs;
  return {
    calls,
    counted,
    runs,
    nsPerRun: (after.nanoseconds - before.nanoseconds) / runs,
    programs: ids.size,
    attachMs,
    detachMs: performance.now() - closing,
  };
}

async function stormBpftrace(binary: string): Promise<StormResult> {
  const before = new Set(kernelPrograms().map((program) => program.id));
  const started = performance.now();
  const child = spawn('bpftrace', ['-B', 'line', '-e', 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Its programs are loaded before the line, attached after it: wait until all have been running.
  await waitUntil(() => /Attaching \d+ probes/.test(output), 120_000);
  const attachMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const ids = new Set(kernelPrograms().flatMap((program) => (before.has(program.id) ? [] : [program.id])));
  const statsBefore = runTime(ids);
  const calls = await stormWorkers(binary);
  const statsAfter = runTime(ids);
  const closing = performance.now();
  child.kill('SIGINT');
  await once(child, 'exit');
  await waitUntil(() => kernelPrograms().every((program) => !ids.has(program.id)), 120_000);
  const detachMs = performance.now() - closing;
  const counted = Number(/@\[tracepoint:syscalls:sys_enter_getppid\]: (\d+)/.exec(output)?.[1] ?? Number.NaN);
  const runs = statsAfter.runs - statsBefore.runs;
  return { calls, counted, runs, nsPerRun: (statsAfter.nanoseconds - statsBefore.nanoseconds) / runs, programs: ids.size, attachMs, detachMs };
}

export async function benchCustomProbes(): Promise<object> {
  getKernelFeatures().feature('tracepoint');
  getKernelFeatures().feature('uprobe');
  const hasBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  const start = (await benchStart(hasBpftrace)) as { results: object; rows: Array<[string, string]> };

  const { binary, directory } = buildWorkload('syscallStorm.c');
  const statsWere = readFileSync(BPF_STATS, 'utf8').trim();
  let ours: StormResult;
  let bpftrace: StormResult | undefined;
  try {
    // The kernel counts BPF run time only while asked to: what the probes cost the traced tasks.
    writeFileSync(BPF_STATS, '1');
    ours = await stormOurs(binary);
    process.stderr.write('custom probes: storm under funccount done\n');
    if (hasBpftrace) {
      bpftrace = await stormBpftrace(binary);
      process.stderr.write('custom probes: storm under bpftrace done\n');
    }
  } finally {
    writeFileSync(BPF_STATS, statsWere);
    rmSync(directory, { recursive: true, force: true });
  }
  const result = {
    start: start.results,
    storm: {
      workload: `${STORM_WORKERS} processes calling getppid() for ${STORM_SECONDS} s`,
      ours: { probe: 'funccount t:syscalls:sys_enter_* (one raw_syscalls attachment)', ...ours },
      bpftrace: bpftrace ? { probe: 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }', ...bpftrace } : null,
    },
  };
  writeResult('custom-probes', result);
  printTable(`Custom probes: spec → attached (median of ${RUNS}, interleaved), and a count on sys_enter_* under a syscall storm`, [
    ...start.rows,
    [
      'storm: getppid calls made / counted, ours (bpftrace)',
      `${ours.calls.toLocaleString('en-US')} / ${ours.counted.toLocaleString('en-US')}${bpftrace ? ` (${bpftrace.calls.toLocaleString('en-US')} / ${bpftrace.counted.toLocaleString('en-US')})` : ''}`,
    ],
    ['storm: BPF run time per event, ours / bpftrace', `${ours.nsPerRun.toFixed(0)} ns / ${bpftrace ? `${bpftrace.nsPerRun.toFixed(0)} ns` : '-'}`],
    [
      'sys_enter_*: programs, attach, detach: ours / bpftrace',
      `${ours.programs}, ${ours.attachMs.toFixed(0)} ms, ${ours.detachMs.toFixed(0)} ms / ${bpftrace ? `${bpftrace.programs}, ${bpftrace.attachMs.toFixed(0)} ms, ${(bpftrace.detachMs / 1000).toFixed(1)} s` : '-'}`,
    ],
  ]);
  return result;
}
