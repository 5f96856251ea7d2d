// What the agent benchmarks share: the exec-storm workload, the agent's CPU from
// /proc, this process's heap, waiting for streams to start and drain, and stopping the agent.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AgentClient } from '../test/harness.js';

/** The marker the storm's children exec with: `/bin/true bpfscope-storm`. */
export const stormMarker = 'bpfscope-storm';

export interface ExecRowLike {
  time: number;
  pcomm: string;
  pid: number;
  ppid: number;
  argv: string[];
  ret: number;
}

export interface StreamCountersLike {
  events: number;
  kernelDrops: number;
  droppedForViewer: number;
}

/** Builds bpf-core's exec-storm workload once; returns the binary's path. */
export function compileExecStorm(): string {
  const binary = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-agent-bench-')), 'exec-storm');
  const source = fileURLToPath(new URL('../../../packages/bpf-core/bench/execStorm.c', import.meta.url));
  execFileSync('cc', ['-O2', '-o', binary, source]);
  return binary;
}

export interface StormWorker {
  pid: number;
  /** Execs the worker made, once it has exited. */
  made: Promise<number>;
  process: ChildProcess;
}

/** One exec-storm worker: one core's worth of `/bin/true bpfscope-storm` for `seconds`. */
export function startStormWorker(binary: string, seconds: number): StormWorker {
  const child = spawn(binary, [String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': 'exit' can come before stdout is read, and Number('') is 0.
  const made = once(child, 'close').then(([code]) => {
    if (code !== 0) throw new Error(`exec-storm worker exited with ${String(code)}`);
    if (!/^\d+$/.test(output.trim())) throw new Error(`exec-storm worker printed ${JSON.stringify(output)}, not a count`);
    return Number(output.trim());
  });
  return { pid: child.pid as number, made, process: child };
}

/** True for a row of the storm's own children, not of anything else that happened to match. */
export function isStormRow(row: ExecRowLike, workerPids: ReadonlySet<number>): boolean {
  return workerPids.has(row.ppid) && row.argv[1] === stormMarker;
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface CpuSample {
  /** utime + stime of the process, in clock ticks. */
  ticks: number;
  /** performance.now() when sampled. */
  at: number;
}

export function sampleCpu(pid: number): CpuSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5); index 0 here is field 3 (state).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { ticks, at: performance.now() };
}

/** CPU the process used between two samples, as a percentage of one core. */
export function cpuPercent(from: CpuSample, to: CpuSample): number {
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? ((to.ticks - from.ticks) / ticksPerSecond / seconds) * 100 : 0;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** This process's V8 heap in use and the ArrayBuffers outside it (where packed histories are), after full collections. */
export function heapInUse(): number {
  for (let i = 0; i < 3; i++) collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `viewers` viewers of the one attachment have a live stream (their SSE is connected). */
export async function waitForStreaming(client: AgentClient, viewers: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [attachment] = await client.sessions.list.query();
    const streaming = attachment?.viewers.filter((viewer) => viewer.streaming).length ?? 0;
    if (streaming >= viewers) return;
    if (Date.now() > deadline) throw new Error(`only ${streaming} of ${viewers} viewers streaming after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Waits until `delivered()` reaches `expected` or stops growing for `quietMs`;
 * returns the agent's CPU sample taken when the last rows arrived, so an idle
 * tail does not dilute the CPU figure.
 */
export async function waitForDrain(options: {
  delivered: () => number;
  expected: number;
  agentPid: number;
  quietMs?: number;
  timeoutMs?: number;
}): Promise<CpuSample> {
  const { delivered, expected, agentPid, quietMs = 1500, timeoutMs = 15_000 } = options;
  const deadline = performance.now() + timeoutMs;
  let last = delivered();
  let lastGrowth = sampleCpu(agentPid);
  while (last < expected && performance.now() - lastGrowth.at < quietMs && performance.now() < deadline) {
    await sleep(50);
    const now = delivered();
    if (now !== last) {
      last = now;
      lastGrowth = sampleCpu(agentPid);
    }
  }
  return lastGrowth;
}

/** SIGTERM (the agent detaches everything), then SIGKILL if it is still there after 3 s; says which ended it. */
export async function stopAgent(child: ChildProcess): Promise<'SIGTERM' | 'SIGKILL' | 'already exited'> {
  if (child.exitCode !== null || child.signalCode !== null) return 'already exited';
  const exited = once(child, 'exit');
  let escalated = false;
  child.kill('SIGTERM');
  const escalate = setTimeout(() => {
    escalated = true;
    child.kill('SIGKILL');
  }, 3000);
  await exited;
  clearTimeout(escalate);
  return escalated ? 'SIGKILL' : 'SIGTERM';
}
