// profile, offcputime and offwaketime against programs with known behaviour,
// built here with frame pointers: one that burns CPU 70/30 in two functions, one
// that blocks 80/20 in a sleep and a pipe read fed by a forked writer. Stacks are
// named by the Symbolizer and folded as the web app shows them.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WAKER_SEPARATOR } from '@bpfscope/formats';
import { ToolError, startTool } from '../src/index.js';
import type { FoldedProfile, FoldedStack, RawStackProfile, ToolSession } from '../src/index.js';
import { foldProfile } from '../src/symbols/fold.js';
import { cgroupV2Mount } from '../src/tools/shared/cgroups.js';
import { Symbolizer } from '../src/symbols/symbolizer.js';
import { isTracerFrameName } from '../src/symbols/tracerFrames.js';
import { eventually, requireBpf } from '../src/testing/kernel.js';

const sessions: ToolSession[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
const buildDirectory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'stacks-'));
/** test/fixtures/cpuSpin.c and offCpuBlock.c, built here; their COMM is their file name. */
const cpuSpin = path.join(buildDirectory, 'cpuspin');
const offCpuBlock = path.join(buildDirectory, 'offcpublock');

beforeAll(() => {
  requireBpf();
  for (const [source, binary] of [
    ['cpuSpin.c', cpuSpin],
    ['offCpuBlock.c', offCpuBlock],
  ] as const) {
    execFileSync('cc', [
      '-O0',
      '-fno-omit-frame-pointer',
      '-fno-inline',
      '-Wall',
      '-o',
      binary,
      fileURLToPath(new URL(`./fixtures/${source}`, import.meta.url)),
    ]);
  }
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});
afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a workload and waits for its "ready" line (the rest of which it returns). */
async function startWorkload(binary: string, args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; pid: number; ready: string }> {
  const child = spawn(binary, args);
  children.push(child);
  let output = '';
  child.stdout.setEncoding('utf8');
  while (!output.includes('\n')) {
    const [chunk] = (await once(child.stdout, 'data')) as [string];
    output += chunk;
  }
  const ready = output.split('\n')[0] as string;
  expect(ready).toMatch(/^ready/);
  return { child, pid: child.pid as number, ready: ready.slice('ready'.length).trim() };
}

function start(tool: string, params: object, attachMethod?: 'tp_btf' | 'raw_tracepoint'): ToolSession {
  const session = startTool(tool, params, attachMethod ? { attachMethod } : {});
  sessions.push(session);
  return session;
}

/** Folds the stacks of process `pid` (while it still runs: user frames are named from its maps). */
function foldOf(profile: RawStackProfile, pid: number): FoldedProfile {
  return foldProfile({ ...profile, stacks: profile.stacks.filter((stack) => stack.pid === pid) }, new Symbolizer());
}

const total = (stacks: readonly FoldedStack[]) => stacks.reduce((sum, stack) => sum + stack.value, 0);
/** The frames of the blocked (or sampled) task, without the waker's. */
const targetFrames = (stack: FoldedStack) => {
  const separator = stack.frames.indexOf(WAKER_SEPARATOR);
  return separator === -1 ? stack.frames : stack.frames.slice(0, separator);
};
const wakerFrames = (stack: FoldedStack) => {
  const separator = stack.frames.indexOf(WAKER_SEPARATOR);
  return separator === -1 ? [] : stack.frames.slice(separator + 1);
};
const inTarget = (name: string) => (stack: FoldedStack) => targetFrames(stack).includes(name);
const percent = (part: number, whole: number) => (100 * part) / whole;

/** How many entries a map of the session's programs holds now, by map name (bpftool's view). */
function mapEntryCount(session: ToolSession, mapName: string): number {
  for (const id of session.programIds()) {
    const program = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show', 'id', String(id)], { encoding: 'utf8' })) as { map_ids?: number[] };
    for (const mapId of program.map_ids ?? []) {
      const map = JSON.parse(execFileSync('bpftool', ['-j', 'map', 'show', 'id', String(mapId)], { encoding: 'utf8' })) as { name: string };
      if (map.name !== mapName) continue;
      const entries = JSON.parse(execFileSync('bpftool', ['-j', 'map', 'dump', 'id', String(mapId)], { encoding: 'utf8', maxBuffer: 1 << 28 })) as unknown[];
      return entries.length;
    }
  }
  throw new Error(`no map ${mapName} in the session's programs`);
}

describe('profile', () => {
  it('finds 70% of the CPU in spin_hot and 30% in spin_cold, each with its user stack down to main', async () => {
    const workload = await startWorkload(cpuSpin, ['30']);
    const session = start('profile', { pid: workload.pid, frequency: 99 });
    expect(session.attachMethod).toBe('perf_event');
    await sleep(4000);
    const raw = session.collectStacks();
    const profile = foldOf(raw, workload.pid);

    const hot = total(profile.stacks.filter(inTarget('spin_hot')));
    const cold = total(profile.stacks.filter(inTarget('spin_cold')));
    // 4 s of one busy CPU at 99 Hz: about 400 samples, fewer if the machine is busy.
    expect(hot + cold).toBeGreaterThan(150);
    expect(hot + cold).toBeGreaterThan(0.9 * total(profile.stacks));
    expect(Math.abs(percent(hot, hot + cold) - 70)).toBeLessThanOrEqual(5);

    const hottest = profile.stacks.filter(inTarget('spin_hot')).sort((a, b) => b.value - a.value)[0] as FoldedStack;
    expect(hottest.frames[0]).toBe('cpuspin');
    expect(hottest.frames.indexOf('main')).toBeGreaterThan(0);
    expect(hottest.frames.indexOf('main')).toBeLessThan(hottest.frames.indexOf('spin_hot'));

    expect(raw.unit).toBe('samples');
    expect(raw.frequencyHz).toBe(99);
    expect(raw.lostStacks).toBe(0);
    expect(raw.droppedSamples).toBe(0);
    expect(raw.truncatedStacks).toBe(0);
    // The timeline: 20 ms slots from the capture's start, most of them hit. Slots
    // are on the kernel clock's 20 ms grid: the first starts up to 20 ms early.
    expect(raw.timeSlotWidthMs).toBe(20);
    const slots = new Set(raw.stacks.map((stack) => stack.timeSlotMs));
    for (const slot of slots) {
      expect(slot! % 20).toBe(0);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThanOrEqual(raw.durationMs + 20);
    }
    expect(slots.size).toBeGreaterThan(100);
  });

  it('clears what it collected: the next capture has only what came after, and the stack map is emptied', async () => {
    const workload = await startWorkload(cpuSpin, ['30']);
    const session = start('profile', { pid: workload.pid, frequency: 99, timeline: false });
    await sleep(1000);
    const first = session.collectStacks();
    expect(first.stacks.length).toBeGreaterThan(0);
    expect(first.timeSlotWidthMs).toBeUndefined();
    expect(first.stacks.every((stack) => stack.timeSlotMs === undefined)).toBe(true);
    workload.child.kill('SIGKILL');
    await once(workload.child, 'exit');
    await sleep(100);
    // Whatever was sampled between the first collect and the kill.
    session.collectStacks();
    expect(mapEntryCount(session, 'samples')).toBe(0);
    expect(mapEntryCount(session, 'stack_traces')).toBe(0);
    await sleep(300);
    const after = session.collectStacks();
    expect(after.stacks).toEqual([]);
    expect(after.startedAt).toBeGreaterThan(first.startedAt);
  });
});

describe.each(['tp_btf', 'raw_tracepoint'] as const)('offcputime (%s)', (attachMethod) => {
  it('finds 80% of the blocked time in sleep_long and 20% in wait_pipe, adding up to the wall time', async () => {
    const workload = await startWorkload(offCpuBlock, ['30']);
    const session = start('offcputime', { pid: workload.pid }, attachMethod);
    expect(session.attachMethod).toBe(attachMethod);
    await sleep(attachMethod === 'tp_btf' ? 3000 : 1500);
    const raw = session.collectStacks();
    const profile = foldOf(raw, workload.pid);

    const sleeping = profile.stacks.filter(inTarget('sleep_long'));
    const piping = profile.stacks.filter(inTarget('wait_pipe'));
    const sleptNs = total(sleeping);
    const pipedNs = total(piping);
    expect(Math.abs(percent(sleptNs, sleptNs + pipedNs) - 80)).toBeLessThanOrEqual(10);
    // Blocked nearly all the time; a block under way at either end is not counted yet.
    expect(total(profile.stacks) / 1e6 / raw.durationMs).toBeGreaterThan(0.8);
    expect(total(profile.stacks) / 1e6 / raw.durationMs).toBeLessThan(1.2);
    expect(raw.unit).toBe('nanoseconds');
    expect(raw.droppedSamples).toBe(0);

    // Stacks taken at switch-out: user frames down to main, kernel frames of the wait.
    const sleepStack = sleeping.sort((a, b) => b.value - a.value)[0] as FoldedStack;
    expect(sleepStack.frames[0]).toBe('offcpublock');
    expect(sleepStack.frames.indexOf('main')).toBeLessThan(sleepStack.frames.indexOf('sleep_long'));
    expect(sleepStack.frames).toContain('do_nanosleep_[k]');
    expect(piping.some((stack) => stack.frames.some((frame) => /pipe_read_\[k\]$/.test(frame)))).toBe(true);
  });
});

describe('offcputime filters', () => {
  it('keeps only kernel or only user stacks when asked', async () => {
    const workload = await startWorkload(offCpuBlock, ['30']);
    // The blocking workload spends its little CPU time in system calls: both kinds of stack.
    const userOnly = start('offcputime', { pid: workload.pid, userOnly: true });
    const kernelOnly = start('offcputime', { pid: workload.pid, kernelOnly: true });
    await sleep(1000);
    const users = userOnly.collectStacks().stacks;
    const kernels = kernelOnly.collectStacks().stacks;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((stack) => stack.kernelStack.length === 0)).toBe(true);
    expect(users.some((stack) => stack.userStack.length > 0)).toBe(true);
    expect(kernels.length).toBeGreaterThan(0);
    expect(kernels.every((stack) => stack.userStack.length === 0)).toBe(true);
    expect(kernels.some((stack) => stack.kernelStack.length > 0)).toBe(true);
  });

  it('times only the states asked for: a sleep and a pipe read are interruptible', async () => {
    const workload = await startWorkload(offCpuBlock, ['30']);
    const interruptible = start('offcputime', { pid: workload.pid, state: 'interruptible' });
    const uninterruptible = start('offcputime', { pid: workload.pid, state: 'uninterruptible', minBlockUs: 1000, perThread: true });
    await sleep(1000);
    const sleeps = foldOf(interruptible.collectStacks(), workload.pid);
    expect(total(sleeps.stacks.filter(inTarget('sleep_long')))).toBeGreaterThan(0);
    expect(total(sleeps.stacks.filter(inTarget('wait_pipe')))).toBeGreaterThan(0);
    const none = uninterruptible.collectStacks();
    expect(none.stacks.filter((stack) => stack.pid === workload.pid)).toEqual([]);
  });
});

describe.each(['tp_btf', 'raw_tracepoint'] as const)('offwaketime (%s)', (attachMethod) => {
  it('joins the pipe wait with the stack of the write that ended it, and the sleep with its timer', async () => {
    const workload = await startWorkload(offCpuBlock, ['30']);
    const feederPid = Number(workload.ready);
    const session = start('offwaketime', { pid: workload.pid }, attachMethod);
    await sleep(attachMethod === 'tp_btf' ? 3000 : 1500);
    const raw = session.collectStacks();
    const profile = foldOf(raw, workload.pid);

    const piping = profile.stacks.filter(inTarget('wait_pipe'));
    const sleeping = profile.stacks.filter(inTarget('sleep_long'));
    expect(Math.abs(percent(total(sleeping), total(sleeping) + total(piping)) - 80)).toBeLessThanOrEqual(10);

    // After "--": waker kernel frames leaf first, then user frames leaf first, then its comm.
    const fedByWriter = piping.filter((stack) => {
      const waker = wakerFrames(stack);
      return waker.includes('feed_pipe') && waker.some((frame) => /pipe_write_\[k\]$/.test(frame)) && waker.at(-1) === 'offcpublock';
    });
    expect(total(fedByWriter)).toBeGreaterThan(0.9 * total(piping));
    const writer = fedByWriter[0] as FoldedStack;
    const waker = wakerFrames(writer);
    expect(waker.indexOf('ksys_write_[k]')).toBeLessThan(waker.indexOf('feed_pipe'));
    expect(waker.indexOf('feed_pipe')).toBeLessThan(waker.indexOf('main'));
    expect(raw.stacks.filter((stack) => stack.waker?.pid === feederPid).length).toBeGreaterThan(0);

    // The sleeps end in the timer interrupt, whoever it interrupted.
    const timerWoken = sleeping.filter((stack) => wakerFrames(stack).includes('hrtimer_wakeup_[k]'));
    expect(total(timerWoken)).toBeGreaterThan(0.9 * total(sleeping));
  });
});

describe.each([
  ['offcputime', 'tp_btf'],
  ['offcputime', 'raw_tracepoint'],
  ['offwaketime', 'tp_btf'],
  ['offwaketime', 'raw_tracepoint'],
] as const)('%s (%s) without the tracer in its stacks', (tool, attachMethod) => {
  const kernelFramesOf = (frames: string[]) => frames.filter((frame) => frame.endsWith('_[k]'));
  const tracerFramesOf = (frames: string[]) => kernelFramesOf(frames).filter((frame) => isTracerFrameName(frame.slice(0, -'_[k]'.length)));

  it('blocked stacks end in the scheduler and waker stacks in the wake-up, alone on the tracepoints or not', async () => {
    const workload = await startWorkload(offCpuBlock, ['30']);
    const session = start(tool, { pid: workload.pid }, attachMethod);
    await sleep(1000);
    const alone = session.collectStacks();
    // A second probe on sched_switch and sched_waking: the tracepoints now call through __traceiter_<event>, one frame more.
    start('offwaketime', { pid: process.pid }, attachMethod);
    await sleep(1000);
    const shared = session.collectStacks();

    for (const raw of [alone, shared]) {
      const profile = foldOf(raw, workload.pid);
      expect(total(profile.stacks)).toBeGreaterThan(0);
      const withKernelStack = profile.stacks.filter((stack) => kernelFramesOf(targetFrames(stack)).length > 0);
      expect(total(withKernelStack)).toBeGreaterThan(0.9 * total(profile.stacks));
      for (const stack of profile.stacks) {
        const target = kernelFramesOf(targetFrames(stack));
        expect(tracerFramesOf(target), stack.frames.join(';')).toEqual([]);
        if (target.length > 0) expect(target.at(-1), stack.frames.join(';')).toMatch(/^(__schedule|schedule\w*|preempt_schedule\w*)_\[k\]$/);
        const waker = kernelFramesOf(wakerFrames(stack));
        expect(tracerFramesOf(waker), stack.frames.join(';')).toEqual([]);
        // Leaf first after "--": sched_waking fires in try_to_wake_up.
        if (waker.length > 0) expect(waker[0], stack.frames.join(';')).toMatch(/wake\w*_\[k\]$/);
      }
      if (tool === 'offwaketime') expect(profile.stacks.some((stack) => kernelFramesOf(wakerFrames(stack)).length > 0)).toBe(true);
    }
  });
});

describe('kernel symbols of BPF programs', () => {
  /** The text symbols of BPF JIT images in /proc/kallsyms, by address. */
  const bpfSymbols = () =>
    new Map(
      readFileSync('/proc/kallsyms', 'utf8')
        .split('\n')
        .filter((line) => line.endsWith('\t[bpf]'))
        .map((line) => [BigInt(`0x${line.slice(0, line.indexOf(' '))}`), line.slice(line.indexOf(' ') + 3, line.indexOf('\t'))] as const),
    );

  it('names a program loaded after the symbolizer read kallsyms bpf_prog_<tag>_<name>, as kallsyms does now', async () => {
    const symbolizer = new Symbolizer();
    const schedule = readFileSync('/proc/kallsyms', 'utf8').match(/^([0-9a-f]+) [tT] schedule$/m)?.[1];
    expect(schedule).toBeDefined();
    // The symbolizer reads its snapshot now, before the program exists.
    expect(symbolizer.kernel(BigInt(`0x${schedule}`))).toMatchObject({ name: 'schedule' });
    const before = bpfSymbols();

    const session = start('offcputime', { pid: process.pid }, 'tp_btf');
    const [id] = session.programIds();
    const { tag } = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show', 'id', String(id)], { encoding: 'utf8' })) as { tag: string };
    const name = `bpf_prog_${tag}_offcputime_switch_btf`;
    // Identical programs loaded by others have the same name; at least ours is new to the snapshot.
    const addresses = [...bpfSymbols()].filter(([, symbol]) => symbol === name).map(([address]) => address);
    expect(addresses.some((address) => before.get(address) !== name)).toBe(true);
    for (const address of addresses) {
      expect(symbolizer.kernel(address)).toEqual({ name, module: 'bpf', kernel: true, address });
      expect(symbolizer.kernel(address + 16n)).toMatchObject({ name, module: 'bpf' });
    }
  });
});

describe('cgroup targets', () => {
  /** A cgroup v2 of the test's own, and a way to put a process in it. */
  function testCgroup(): { name: string; add: (pid: number) => void; remove: () => Promise<void> } {
    const mount = cgroupV2Mount();
    expect(mount, 'cgroup v2 is mounted').toBeDefined();
    const name = `bpfscope-test-${process.pid}-${Date.now()}`;
    const directory = path.join(mount as string, name);
    mkdirSync(directory);
    return {
      name,
      add: (pid) => writeFileSync(path.join(directory, 'cgroup.procs'), String(pid)),
      remove: async () => {
        // A cgroup goes once its last process has exited.
        expect(
          await eventually(() => {
            try {
              rmdirSync(directory);
              return true;
            } catch {
              return false;
            }
          }),
        ).toBe(true);
      },
    };
  }

  const stopped = async (child: ChildProcessWithoutNullStreams) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  };

  it('profile samples only the tasks of the cgroup named, by path relative to the mount or absolute', async () => {
    const cgroup = testCgroup();
    try {
      const inside = await startWorkload(cpuSpin, ['30']);
      const outside = await startWorkload(cpuSpin, ['30']);
      cgroup.add(inside.pid);
      const relative = start('profile', { cgroup: cgroup.name, frequency: 99, timeline: false });
      const absolute = start('profile', { cgroup: path.join(cgroupV2Mount() as string, cgroup.name), frequency: 99, timeline: false });
      const everyone = start('profile', { frequency: 99, timeline: false });
      await sleep(1500);
      for (const session of [relative, absolute]) {
        const stacks = session.collectStacks().stacks;
        // 1.5 s of a spinning process at 99 Hz: about 150 samples, all of them its own.
        expect(stacks.reduce((sum, stack) => sum + stack.value, 0)).toBeGreaterThan(50);
        expect(new Set(stacks.map((stack) => stack.pid))).toEqual(new Set([inside.pid]));
      }
      // The process outside was running all along: sampled when no cgroup is named.
      expect(everyone.collectStacks().stacks.some((stack) => stack.pid === outside.pid)).toBe(true);
      await Promise.all([inside.child, outside.child].map(stopped));
    } finally {
      await Promise.all(children.map(stopped));
      await cgroup.remove();
    }
  });

  it.each(['offcputime', 'offwaketime'] as const)('%s times only the blocked tasks of the cgroup named', async (tool) => {
    const cgroup = testCgroup();
    try {
      const inside = await startWorkload(offCpuBlock, ['30']);
      const outside = await startWorkload(offCpuBlock, ['30']);
      cgroup.add(inside.pid);
      const session = start(tool, { cgroup: cgroup.name });
      await sleep(1000);
      const stacks = session.collectStacks().stacks;
      expect(stacks.length).toBeGreaterThan(0);
      expect(stacks.every((stack) => stack.pid === inside.pid)).toBe(true);
      expect(stacks.some((stack) => stack.pid === outside.pid)).toBe(false);
      await Promise.all([inside.child, outside.child].map(stopped));
    } finally {
      await Promise.all(children.map(stopped));
      await cgroup.remove();
    }
  });
});

describe('bad params', () => {
  /** Programs of these tools in the kernel (bpftool shows names cut at 15 characters). */
  const stackToolPrograms = () =>
    (JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{ id: number; name?: string }>)
      .filter((program) => /^(profile_sample|offcputime_|offwaketime_)/.test(program.name ?? ''))
      .map((program) => program.id);

  it.each([
    ['profile', { frequency: 0 }, /frequency/],
    ['profile', { frequency: 5000 }, /frequency/],
    ['profile', { userOnly: true, kernelOnly: true }, /kernelOnly: userOnly and kernelOnly exclude each other/],
    ['profile', { pid: -1 }, /pid/],
    ['profile', { maxStacks: 10 }, /maxStacks/],
    ['profile', { cycles: true }, /cycles/],
    ['offcputime', { minBlockUs: 100, maxBlockUs: 10 }, /maxBlockUs: minBlockUs must not exceed maxBlockUs/],
    ['offcputime', { state: 'sleeping' }, /state/],
    ['offcputime', { includeIdle: true }, /includeIdle/],
    ['offwaketime', { userOnly: true, kernelOnly: true }, /kernelOnly/],
    ['offwaketime', { tid: 0 }, /tid/],
    ['profile', { cgroup: 'no/such/cgroup' }, /cgroup: no cgroup "no\/such\/cgroup"/],
    ['offcputime', { cgroup: 'cgroup.procs' }, /cgroup: "cgroup.procs" is a file, not a cgroup/],
    ['offwaketime', { cgroup: '/proc' }, /cgroup: "\/proc" is not on the cgroup v2 file system/],
    ['profile', { cgroup: '' }, /cgroup/],
  ] as const)('%s refuses %j, loading nothing', async (tool, params, message) => {
    const before = new Set(stackToolPrograms());
    let error: unknown;
    try {
      start(tool, params);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('INVALID_PARAMS');
    expect((error as ToolError).message).toMatch(message);
    expect(await eventually(() => stackToolPrograms().every((id) => before.has(id)))).toBe(true);
  });
});
