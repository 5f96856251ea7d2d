// pidstat 1: per-process CPU use between two readings of /proc/<pid>/stat, as sysstat's pidstat computes it.
import { counterIncrease } from './counters.js';
import type { PidStat } from './procPid.js';

/** Ticks per second of every time in /proc/stat and /proc/<pid>/stat: USER_HZ, 100 on every architecture Linux runs on today. */
export const USER_HZ = 100;

/** One process as the sampler read it: its stat, and (for processes active lately) its run-queue wait. */
export interface ProcessReading extends PidStat {
  /** ns waited on a run queue (second field of /proc/<pid>/schedstat); null when not read. */
  runDelayNs: number | null;
}

/** A `pidstat -u` row (per process, threads summed), its columns as pidstat prints them. */
export interface PidstatRow {
  UID: number | null;
  PID: number;
  '%usr': number;
  '%system': number;
  '%guest': number;
  /** Percent of the interval waiting on a run queue; null when the previous reading has no schedstat for it. */
  '%wait': number | null;
  /** %usr + %system, in percent of one CPU (pidstat's default IRIX mode: a busy 4-thread process can show 400). */
  '%CPU': number;
  /** The CPU it last ran on. */
  CPU: number;
  Command: string;
}

export interface PidstatReport {
  /** The busiest processes by %CPU, busiest first; only those that used CPU in the interval (pidstat shows no idle ones). */
  rows: PidstatRow[];
  /** Processes that used any CPU in the interval. */
  active: number;
}

/** The previous reading of the same process: same PID and same start time (a reused PID is a new process). */
function previousOf(prev: ReadonlyMap<number, ProcessReading>, curr: ProcessReading): ProcessReading | undefined {
  const before = prev.get(curr.pid);
  return before !== undefined && before.starttime === curr.starttime ? before : undefined;
}

/**
 * The processes that used CPU between the readings (pidstat's "active" test: utime or stime changed).
 * One that started after the previous reading counts from zero; one that was there but not read
 * (past the sampler's cap) is left out rather than credited with its whole life.
 */
export function activeProcesses(
  prev: ReadonlyMap<number, ProcessReading>,
  curr: readonly ProcessReading[],
  prevUptime: number | null,
): { curr: ProcessReading; prev: ProcessReading }[] {
  const active: { curr: ProcessReading; prev: ProcessReading }[] = [];
  for (const process of curr) {
    let before = previousOf(prev, process);
    if (before === undefined) {
      if (prevUptime === null || process.starttime < prevUptime * USER_HZ) continue;
      before = { ...process, utime: 0, stime: 0, guestTime: 0, runDelayNs: 0 };
    }
    if (before.utime !== process.utime || before.stime !== process.stime) active.push({ curr: process, prev: before });
  }
  return active;
}

export function pidstatRow(prev: ProcessReading, curr: ProcessReading, seconds: number, uid: number | null = null): PidstatRow {
  const ticks = seconds * USER_HZ;
  const pct = (increase: number): number => (ticks > 0 ? (increase / ticks) * 100 : 0);
  // User time holds guest time; pidstat shows it apart (0 when guest ran ahead of user for a moment).
  const usr = curr.utime < curr.guestTime || prev.utime < prev.guestTime ? 0 : counterIncrease(prev.utime - prev.guestTime, curr.utime - curr.guestTime);
  return {
    UID: uid,
    PID: curr.pid,
    '%usr': pct(usr),
    '%system': pct(counterIncrease(prev.stime, curr.stime)),
    '%guest': pct(counterIncrease(prev.guestTime, curr.guestTime)),
    '%wait':
      prev.runDelayNs !== null && curr.runDelayNs !== null && seconds > 0 ? (counterIncrease(prev.runDelayNs, curr.runDelayNs) / (seconds * 1e9)) * 100 : null,
    '%CPU': pct(counterIncrease(prev.utime + prev.stime, curr.utime + curr.stime)),
    CPU: curr.processor,
    Command: curr.comm,
  };
}

/** `pidstat 1` for the interval: the `top` busiest processes. `uidOf` looks up the owner of the few shown. */
export function computePidstat(
  prev: ReadonlyMap<number, ProcessReading>,
  curr: readonly ProcessReading[],
  seconds: number,
  prevUptime: number | null,
  top: number,
  uidOf: (pid: number) => number | null = () => null,
): PidstatReport {
  const active = activeProcesses(prev, curr, prevUptime);
  const rows = active
    .map(({ prev: before, curr: process }) => pidstatRow(before, process, seconds))
    .sort((a, b) => b['%CPU'] - a['%CPU'] || a.PID - b.PID)
    .slice(0, top);
  for (const row of rows) row.UID = uidOf(row.PID);
  return { rows, active: active.length };
}
