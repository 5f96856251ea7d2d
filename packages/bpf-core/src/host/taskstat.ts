// pidstat's per-process readings from one pass of the taskstat BPF task iterator (taskstat.bpf.c), instead of
// ~200 /proc/<pid>/stat and schedstat files a second: the kernel's formatting of those (do_task_stat walks every
// thread) was most of the host sampler's cost.
import { BpfError } from '../errors.js';
import { BpfObject } from '../bpfObject.js';
import { cString, readU64 } from '../encode.js';
import { bpfObjectPath } from '../paths.js';
import type { ProcessReading } from './pidstat.js';
import { USER_HZ } from './pidstat.js';

/** sizeof(struct taskstat_record) in taskstat.h. */
export const TASKSTAT_RECORD_SIZE = 112;
const NS_PER_TICK = 1e9 / USER_HZ;

/** One thread group's sums over its live threads plus its exited ones, in ns. */
export interface TaskGroup {
  tgid: number;
  comm: string;
  state: string;
  /** ns on a CPU: se.sum_exec_runtime of live threads + signal->sum_sched_runtime of exited ones (what /proc's cputime_adjust scales to). */
  runtimeNs: number;
  /** The tick-sampled user and system ns (raw task->utime/stime + signal's): only their ratio is used, as the kernel does. */
  rawUtimeNs: number;
  rawStimeNs: number;
  gtimeNs: number;
  /** The leader's run-queue wait, as /proc/<pid>/schedstat shows it (the leader thread's, not the group's). */
  leaderRunDelayNs: number | null;
  startBoottimeNs: number;
  processor: number;
  threads: number;
}

/** The kernel's task state letter, as /proc/<pid>/stat prints it (zombies show as the state their __state keeps). */
function stateLetter(state: number): string {
  if (state === 0) return 'R';
  if ((state & 0x402) === 0x402) return 'I';
  if (state & 1) return 'S';
  if (state & 2) return 'D';
  if (state & 4) return 'T';
  if (state & 8) return 't';
  return '?';
}

/** Sums the per-thread records of one iterator pass by thread group (little-endian records, as this host writes them). */
export function groupTaskRecords(buffer: Buffer, bytes: number): Map<number, TaskGroup> {
  const groups = new Map<number, TaskGroup>();
  for (let at = 0; at + TASKSTAT_RECORD_SIZE <= bytes; at += TASKSTAT_RECORD_SIZE) {
    const pid = buffer.readUInt32LE(at);
    const tgid = buffer.readUInt32LE(at + 4);
    let group = groups.get(tgid);
    if (group === undefined) {
      group = {
        tgid,
        comm: '',
        state: '?',
        runtimeNs: 0,
        rawUtimeNs: 0,
        rawStimeNs: 0,
        gtimeNs: 0,
        leaderRunDelayNs: null,
        startBoottimeNs: 0,
        processor: 0,
        threads: 0,
      };
      groups.set(tgid, group);
    }
    group.threads += 1;
    group.runtimeNs += readU64(buffer, at + 8);
    group.rawUtimeNs += readU64(buffer, at + 16);
    group.rawStimeNs += readU64(buffer, at + 24);
    group.gtimeNs += readU64(buffer, at + 32);
    group.startBoottimeNs = readU64(buffer, at + 48);
    if (pid === tgid) {
      group.leaderRunDelayNs = readU64(buffer, at + 40);
      group.runtimeNs += readU64(buffer, at + 56);
      group.rawUtimeNs += readU64(buffer, at + 64);
      group.rawStimeNs += readU64(buffer, at + 72);
      group.gtimeNs += readU64(buffer, at + 80);
      group.processor = buffer.readUInt32LE(at + 88);
      group.state = stateLetter(buffer.readUInt32LE(at + 92));
      group.comm = cString(buffer, at + 96, 16);
    }
  }
  return groups;
}

/**
 * The kernel's cputime_adjust(): splits the precise runtime into user and system by the ratio of the sampled
 * ticks, never letting either fall below the previous split (so neither goes backwards between readings).
 */
export function cputimeAdjust(
  runtime: number,
  rawUtime: number,
  rawStime: number,
  prev: { utime: number; stime: number } | null,
): { utime: number; stime: number } {
  const before = prev ?? { utime: 0, stime: 0 };
  if (before.utime + before.stime >= runtime) return before;
  let stime: number;
  if (rawStime === 0) stime = 0;
  else if (rawUtime === 0) stime = runtime;
  else stime = (runtime * rawStime) / (rawUtime + rawStime);
  if (stime < before.stime) stime = before.stime;
  let utime = runtime - stime;
  if (utime < before.utime) {
    utime = before.utime;
    stime = runtime - utime;
  }
  return { utime, stime };
}

/**
 * The thread groups as ProcessReadings (ticks of USER_HZ, fractional: the iterator's ns are finer than /proc's ticks),
 * lowest PIDs first and at most `max`. `previous` (the last reading, same pid and start) keeps the user/system split
 * monotonic. ppid, minflt, majflt and delayacct are not read by the iterator and are 0: pidstat -u uses none of them.
 */
export function taskGroupReadings(groups: ReadonlyMap<number, TaskGroup>, max: number, previous: ReadonlyMap<number, ProcessReading>): ProcessReading[] {
  const tgids = [...groups.keys()].sort((a, b) => a - b);
  const readings: ProcessReading[] = [];
  for (const tgid of tgids) {
    if (readings.length >= max) break;
    const group = groups.get(tgid) as TaskGroup;
    if (group.leaderRunDelayNs === null) continue; // the leader exited between threads: read next pass
    const starttime = Math.floor(group.startBoottimeNs / NS_PER_TICK);
    const last = previous.get(tgid);
    const prev = last !== undefined && last.starttime === starttime ? { utime: last.utime * NS_PER_TICK, stime: last.stime * NS_PER_TICK } : null;
    const split = cputimeAdjust(group.runtimeNs, group.rawUtimeNs, group.rawStimeNs, prev);
    readings.push({
      pid: tgid,
      comm: group.comm,
      state: group.state,
      ppid: 0,
      minflt: 0,
      majflt: 0,
      utime: split.utime / NS_PER_TICK,
      stime: split.stime / NS_PER_TICK,
      numThreads: group.threads,
      starttime,
      processor: group.processor,
      delayacctBlkioTicks: 0,
      guestTime: group.gtimeNs / NS_PER_TICK,
      runDelayNs: group.leaderRunDelayNs,
    });
  }
  return readings;
}

/** The taskstat iterator, loaded and attached once; each read() is one pass over every task. */
export class TaskstatReader {
  readonly #object: BpfObject;
  readonly #link: number;
  #buffer = Buffer.alloc(256 * 1024);

  private constructor(object: BpfObject, link: number) {
    this.#object = object;
    this.#link = link;
  }

  /** Loads and attaches the iterator; throws (BpfError, ToolError) where the kernel has no task iterators or no permission. */
  static open(objectPath: string = bpfObjectPath('taskstat.bpf.o')): TaskstatReader {
    const object = BpfObject.open(objectPath);
    try {
      object.load();
      return new TaskstatReader(object, object.attachIter('taskstat'));
    } catch (error) {
      object.close();
      throw error;
    }
  }

  /** Kernel ids of the iterator's program and link (leak tests). */
  ids(): { programs: number[]; links: number[] } {
    return { programs: this.#object.programIds(), links: this.#object.linkIds() };
  }

  /** One pass: the thread groups and their sums. */
  read(): Map<number, TaskGroup> {
    for (;;) {
      try {
        return groupTaskRecords(this.#buffer, this.#object.readIter(this.#link, this.#buffer));
      } catch (error) {
        // More tasks than the buffer holds: double it (bounded by the kernel's pid_max records) and read again.
        if (!(error instanceof BpfError && error.code === 'ENOSPC') || this.#buffer.length >= 64 * 1024 * 1024) throw error;
        this.#buffer = Buffer.alloc(this.#buffer.length * 2);
      }
    }
  }

  close(): void {
    this.#object.close();
  }
}
