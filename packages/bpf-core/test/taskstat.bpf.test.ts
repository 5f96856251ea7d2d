// The taskstat BPF task iterator against /proc/<pid>/stat: the same per-process CPU, threads summed, exited threads
// kept, and nothing left in the kernel once the sampler closes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostSampler } from '../src/host/sampler.js';
import { TaskstatReader, taskGroupReadings } from '../src/host/taskstat.js';
import { eventually, kernelLinkIds, kernelProgramIds, requireBpf } from '../src/testing/kernel.js';

/** utime + stime of /proc/<pid>/stat, in USER_HZ ticks. */
function procTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function iterTicks(reader: TaskstatReader, pid: number): { ticks: number; threads: number } {
  const reading = taskGroupReadings(reader.read(), 1 << 20, new Map()).find((process) => process.pid === pid);
  if (reading === undefined) throw new Error(`pid ${pid} not in the iterator's pass`);
  return { ticks: reading.utime + reading.stime, threads: reading.numThreads };
}

/** A node child running `script`; resolves on each line it prints. */
function child(script: string): { process: ChildProcess; line: () => Promise<string> } {
  const spawned = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: spawned.stdout! })[Symbol.asyncIterator]();
  return {
    process: spawned,
    line: async () => {
      const next = await lines.next();
      if (next.done) throw new Error('child ended');
      return next.value as string;
    },
  };
}

const children: ChildProcess[] = [];
const readers: TaskstatReader[] = [];
afterEach(() => {
  for (const spawned of children.splice(0)) spawned.kill('SIGKILL');
  for (const reader of readers.splice(0)) reader.close();
});

// Tick-sampled /proc and the iterator's ns differ by the ticks /proc rounds away plus what ran between the two reads.
const TOLERANCE_TICKS = 6;

describe('taskstat BPF iterator', () => {
  beforeAll(() => requireBpf());

  it('a process busy on one core for 2 s: its CPU time agrees with /proc/<pid>/stat within 6 ticks', async () => {
    const busy = child(`console.log('go'); const end = Date.now() + 2500; while (Date.now() < end);`);
    children.push(busy.process);
    await busy.line();
    const reader = TaskstatReader.open();
    readers.push(reader);
    const pid = busy.process.pid!;
    const before = { iter: iterTicks(reader, pid).ticks, proc: procTicks(pid) };
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = { iter: iterTicks(reader, pid).ticks, proc: procTicks(pid) };
    const iterDelta = after.iter - before.iter;
    const procDelta = after.proc - before.proc;
    expect(procDelta).toBeGreaterThan(120); // it did spin (2 CPUs shared with the rest of the machine)
    expect(Math.abs(iterDelta - procDelta)).toBeLessThanOrEqual(TOLERANCE_TICKS);
  });

  it("sums a process's threads, and keeps the time of threads that exited", async () => {
    const workers = child(`
      const { Worker } = require('node:worker_threads');
      const spin = 'const end = Date.now() + 1200; while (Date.now() < end);';
      console.log('go');
      let left = 2;
      for (let i = 0; i < 2; i++) new Worker(spin, { eval: true }).on('exit', () => { if (--left === 0) console.log('done'); });
      setTimeout(() => {}, 30000);`);
    children.push(workers.process);
    await workers.line();
    const reader = TaskstatReader.open();
    readers.push(reader);
    const pid = workers.process.pid!;
    const before = { iter: iterTicks(reader, pid), proc: procTicks(pid) };
    expect(await workers.line()).toBe('done');
    await eventually(() => iterTicks(reader, pid).threads < before.iter.threads);
    const after = { iter: iterTicks(reader, pid), proc: procTicks(pid) };
    // The two workers' threads are gone, their 2 × 1.2 s of CPU stays in the process's total.
    expect(after.iter.threads).toBeLessThan(before.iter.threads);
    const iterDelta = after.iter.ticks - before.iter.ticks;
    const procDelta = after.proc - before.proc;
    expect(procDelta).toBeGreaterThan(100); // the workers did spin (their main thread idles meanwhile)
    expect(Math.abs(iterDelta - procDelta)).toBeLessThanOrEqual(TOLERANCE_TICKS);
  });

  it('the sampler reads pidstat from it, and leaves no program or link in the kernel after close()', async () => {
    const busy = child(`console.log('go'); const end = Date.now() + 4000; while (Date.now() < end);`);
    children.push(busy.process);
    await busy.line();
    const sampler = new HostSampler({ kmsg: null, processSource: 'bpf' });
    const programsBefore = kernelProgramIds();
    sampler.sample();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sample = sampler.sample();
    expect(sample.pidstat?.source).toBe('bpf-iter');
    expect(sample.errors).toEqual([]);
    const row = sample.pidstat?.rows.find((candidate) => candidate.PID === busy.process.pid);
    expect(row?.Command).toBe('node');
    expect(row?.['%CPU']).toBeGreaterThan(60);
    expect(row?.['%CPU']).toBeLessThan(105);
    expect(row?.['%wait']).not.toBeNull();
    const added = [...kernelProgramIds()].filter((id) => !programsBefore.has(id));
    expect(added).toHaveLength(1);
    const links = [...kernelLinkIds()];
    sampler.close();
    expect(await eventually(() => !kernelProgramIds().has(added[0]!))).toBe(true);
    expect(await eventually(() => [...kernelLinkIds()].length < links.length)).toBe(true);
  });

  it("falls back to /proc/<pid>/stat where asked, or where procfs is not the host's", async () => {
    const pause = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 50));
    const files = new HostSampler({ kmsg: null, processSource: 'proc' });
    files.sample();
    await pause();
    expect(files.sample().pidstat?.source).toBe('procfs');
    files.close();
    // Another procfs (here a link to this one, as a container's view of the host would be) is read as files.
    const root = mkdtempSync(path.join(tmpdir(), 'taskstat-'));
    symlinkSync('/proc', path.join(root, 'proc'));
    const elsewhere = new HostSampler({ kmsg: null, procfs: path.join(root, 'proc') });
    elsewhere.sample();
    await pause();
    expect(elsewhere.sample().pidstat?.source).toBe('procfs');
    expect(elsewhere.processSourceNote).toContain("not the host's /proc");
    elsewhere.close();
    rmSync(root, { recursive: true });
  });
});
