// mpstat -P ALL: per-CPU utilization from two /proc/stat readings, as sysstat's mpstat computes it.
import { counterIncrease } from './counters.js';
import type { CpuTimes, ProcStat } from './procStat.js';

/** One row of `mpstat -P ALL`, its columns as mpstat prints them (percent of the CPU's time in the interval). */
export interface MpstatRow {
  CPU: 'all' | number;
  '%usr': number;
  '%nice': number;
  '%sys': number;
  '%iowait': number;
  '%irq': number;
  '%soft': number;
  '%steal': number;
  '%guest': number;
  '%gnice': number;
  '%idle': number;
}

export interface MpstatReport {
  /** `all` first, then each CPU online at both readings, by number. */
  rows: MpstatRow[];
  /** CPUs that had a line at the previous reading and none now (went offline): no row, nothing in `all`. */
  offline: number[];
  /** CPUs with a line now but none at the previous reading (came online): no row until the next interval, as mpstat does. */
  cameOnline: number[];
}

/**
 * sysstat's get_per_cpu_interval: the ticks that passed on one CPU. It may lower the previous idle and
 * iowait it is given (returned as `prev`): a CPU back from offline restarts those two from zero.
 */
export function perCpuInterval(curr: CpuTimes, previous: CpuTimes): { ticks: number; prev: CpuTimes } {
  const prev = { ...previous };
  let shift = 0;
  // guest can run slightly ahead of user, which includes it: widen the interval by the difference.
  if (curr.user >= prev.user && curr.user - curr.guest < prev.user - prev.guest) shift += prev.user - prev.guest - (curr.user - curr.guest);
  if (curr.nice >= prev.nice && curr.nice - curr.guestNice < prev.nice - prev.guestNice) shift += prev.nice - prev.guestNice - (curr.nice - curr.guestNice);
  if (curr.iowait < prev.iowait) {
    // iowait moved back while idle rose: inaccurate iowait tracking, not a CPU coming back online.
    prev.iowait = curr.idle > prev.idle ? curr.iowait : 0;
  }
  if (curr.idle < prev.idle) prev.idle = 0;
  const delta = (field: keyof CpuTimes): number => (curr[field] > prev[field] ? curr[field] - prev[field] : 0);
  // guest and guestNice are inside user and nice already.
  const ticks = delta('user') + delta('nice') + delta('system') + delta('iowait') + delta('idle') + delta('steal') + delta('irq') + delta('softirq');
  return { ticks: ticks + shift, prev };
}

function sum(a: CpuTimes, b: CpuTimes): CpuTimes {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof CpuTimes)[]) out[key] += b[key];
  return out;
}

/** mpstat's percentages of `ticks`; a tickless CPU (no tick passed) reads 100 % idle, as mpstat prints it. */
export function mpstatRow(cpu: MpstatRow['CPU'], curr: CpuTimes, prev: CpuTimes, ticks: number): MpstatRow {
  if (ticks <= 0) {
    return { CPU: cpu, '%usr': 0, '%nice': 0, '%sys': 0, '%iowait': 0, '%irq': 0, '%soft': 0, '%steal': 0, '%guest': 0, '%gnice': 0, '%idle': 100 };
  }
  const pct = (increase: number): number => (increase / ticks) * 100;
  const field = (name: keyof CpuTimes): number => pct(counterIncrease(prev[name], curr[name]));
  // %usr and %nice leave out guest time (mpstat, like the kernel's own top, shows it in %guest and %gnice).
  const usr = curr.user - curr.guest - (prev.user - prev.guest);
  const nice = curr.nice - curr.guestNice - (prev.nice - prev.guestNice);
  return {
    CPU: cpu,
    '%usr': usr > 0 ? pct(usr) : 0,
    '%nice': nice > 0 ? pct(nice) : 0,
    '%sys': field('system'),
    '%iowait': field('iowait'),
    '%irq': field('irq'),
    '%soft': field('softirq'),
    '%steal': field('steal'),
    '%guest': field('guest'),
    '%gnice': field('guestNice'),
    '%idle': field('idle'),
  };
}

/**
 * `mpstat -P ALL` for the interval between two /proc/stat readings. Like mpstat, `all` is the sum of the
 * CPUs online at both readings over the sum of their own intervals (not the `cpu` line), so a CPU going
 * offline or coming online does not make `all` jump.
 */
export function computeMpstat(prev: ProcStat, curr: ProcStat): MpstatReport {
  const previous = new Map(prev.cpus.map(({ cpu, times }) => [cpu, times]));
  const current = new Set(curr.cpus.map(({ cpu }) => cpu));
  const rows: MpstatRow[] = [];
  const cameOnline: number[] = [];
  let allCurr: CpuTimes | undefined;
  let allPrev: CpuTimes | undefined;
  let allTicks = 0;
  for (const { cpu, times } of curr.cpus) {
    const before = previous.get(cpu);
    if (before === undefined) {
      cameOnline.push(cpu);
      continue;
    }
    const { ticks, prev: adjusted } = perCpuInterval(times, before);
    rows.push(mpstatRow(cpu, times, adjusted, ticks));
    allCurr = allCurr === undefined ? { ...times } : sum(allCurr, times);
    allPrev = allPrev === undefined ? { ...adjusted } : sum(allPrev, adjusted);
    allTicks += ticks;
  }
  const offline = prev.cpus.map(({ cpu }) => cpu).filter((cpu) => !current.has(cpu));
  let all: MpstatRow;
  if (allCurr !== undefined && allPrev !== undefined) all = mpstatRow('all', allCurr, allPrev, allTicks);
  else {
    // No CPU online at both readings: the `cpu` lines are all there is, as mpstat reads them on a uniprocessor.
    const { ticks, prev: adjusted } = perCpuInterval(curr.total, prev.total);
    all = mpstatRow('all', curr.total, adjusted, ticks);
  }
  return { rows: [all, ...rows], offline, cameOnline };
}
