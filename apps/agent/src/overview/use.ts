// The USE table (Brendan Gregg's Utilization, Saturation, Errors) of the newest second, with a few seconds or a
// minute of history where one second says too little; or of a selected range, its seconds averaged and its errors
// counted within it. Pure: samples in, rows out. The thresholds below are the one table the overview and the fleet use.
import type { IostatRow, KernelEvent } from '@bpfscope/bpf-core';
import { averageSamples } from './rangeAverage.js';
import type { OverviewSample, UseCell, UseDrill, UseKind, UseRow, Verdict } from './types.js';

/** Warning and critical levels of one figure: a verdict is the highest level the figure reaches. */
export interface Threshold {
  warning: number;
  critical: number;
}

/** A figure the USE table judges: its levels, in `unit`, and the cell it judges. The Prometheus rules are generated from these. */
export interface UseThreshold extends Threshold {
  kind: UseKind;
  column: 'utilization' | 'saturation' | 'errors';
  /** The unit of the levels, as the overview shows the figure: '%', 'usecs', 'ms', 'KiB/s', 'per s', 'per CPU', 'requests', 'count'. */
  unit: 'percent' | 'usecs' | 'ms' | 'KiB/s' | 'per s' | 'per CPU' | 'requests' | 'count';
  /** What the figure is, and where it comes from. */
  what: string;
}

/**
 * The one table of thresholds, after Gregg's USE method: the overview, the fleet (host.summary) and the Prometheus
 * rules (metrics/prometheusRules.ts) all judge by it.
 */
export const USE_THRESHOLDS = {
  /** Gregg: sustained above 70 % queueing starts to show. */
  cpuUtilization: { warning: 70, critical: 90, kind: 'cpu', column: 'utilization', unit: 'percent', what: 'mpstat 100 − %idle, all CPUs' },
  /**
   * The CPU saturation verdict where the kernel has PSI. It tells load from idle cleanly where runqlat's p99 does not:
   * on this 2-CPU VM idle seconds read 0–3 % (p99 0.06–7 ms, vCPU wake-up tails), 4 CPU hogs 92–100 % (p99 6–14 ms).
   * runqlat's p99 is shown beside it.
   */
  cpuPressure: {
    warning: 10,
    critical: 40,
    kind: 'cpu',
    column: 'saturation',
    unit: 'percent',
    what: 'PSI cpu some: share of the time a runnable task waited for a CPU',
  },
  /**
   * The scheduler's saturation, and the CPUs' where the kernel has no PSI: one level for one figure. Above the idle
   * wake-up tails of this 2-CPU VM (a 3-second median of 0.06–7 ms): 10 ms is felt by interactive work, 50 ms by everyone.
   */
  runqLatencyP99: {
    warning: 10_000,
    critical: 50_000,
    kind: 'scheduler',
    column: 'saturation',
    unit: 'usecs',
    what: 'runqlat p99 run-queue latency',
  },
  /** Without PSI or runqlat: above 1 tasks wait (Linux counts D-state tasks too, so it reads high with I/O). */
  loadPerCpu: { warning: 1, critical: 2, kind: 'cpu', column: 'saturation', unit: 'per CPU', what: '1-minute load average per CPU' },
  memoryUtilization: { warning: 80, critical: 95, kind: 'memory', column: 'utilization', unit: 'percent', what: 'free: used / total' },
  /** Reclaim, swap-in, refaults. */
  memoryPressure: {
    warning: 5,
    critical: 20,
    kind: 'memory',
    column: 'saturation',
    unit: 'percent',
    what: 'PSI memory some: share of the time a task stalled on memory',
  },
  /** Without PSI: any sustained swapping is saturation. */
  swap: { warning: 1, critical: 1024, kind: 'memory', column: 'saturation', unit: 'KiB/s', what: 'vmstat si + so' },
  /** Any lockup, stall or machine check is worth a look; a few in a minute, a sick CPU or hypervisor. */
  cpuErrors: {
    warning: 1,
    critical: 3,
    kind: 'cpu',
    column: 'errors',
    unit: 'count',
    what: 'soft and hard lockups, RCU stalls and machine checks in the kernel log in the error window',
  },
  /** Gregg's task capacity: past the limit fork() and clone() fail with EAGAIN. */
  taskUtilization: {
    warning: 70,
    critical: 90,
    kind: 'scheduler',
    column: 'utilization',
    unit: 'percent',
    what: 'threads against the nearer of kernel.threads-max and kernel.pid_max',
  },
  /** khungtaskd reports a task in D state past kernel.hung_task_timeout_secs (120 s by default). */
  hungTasks: {
    warning: 1,
    critical: 5,
    kind: 'scheduler',
    column: 'errors',
    unit: 'count',
    what: 'hung tasks ("blocked for more than N seconds") in the kernel log in the error window',
  },
  oomKills: {
    warning: 1,
    critical: 5,
    kind: 'memory',
    column: 'errors',
    unit: 'count',
    what: 'OOM kills in the error window (/proc/vmstat oom_kill and the kernel log)',
  },
  /** Over 100 % can still be fine for a parallel SSD, not for a single disk. */
  diskUtilization: { warning: 70, critical: 90, kind: 'disk', column: 'utilization', unit: 'percent', what: 'iostat -x %util: busy time of the device' },
  diskQueue: {
    warning: 2,
    critical: 8,
    kind: 'disk',
    column: 'saturation',
    unit: 'requests',
    what: 'iostat -x aqu-sz: requests queued or in flight on average',
  },
  diskAwait: { warning: 20, critical: 100, kind: 'disk', column: 'saturation', unit: 'ms', what: 'iostat -x await, reads and writes together' },
  diskIoErrors: {
    warning: 1,
    critical: 10,
    kind: 'disk',
    column: 'errors',
    unit: 'count',
    what: 'I/O errors of the device in the kernel log in the error window',
  },
  networkUtilization: {
    warning: 70,
    critical: 90,
    kind: 'network',
    column: 'utilization',
    unit: 'percent',
    what: 'sar -n DEV %ifutil: throughput against link speed',
  },
  networkDrops: { warning: 1, critical: 100, kind: 'network', column: 'saturation', unit: 'per s', what: 'sar -n EDEV rxdrop/s + txdrop/s' },
  networkErrors: { warning: 1, critical: 10, kind: 'network', column: 'errors', unit: 'per s', what: 'sar -n EDEV rxerr/s + txerr/s' },
  /** The accept queue is full. */
  tcpListenDrops: {
    warning: 1,
    critical: 100,
    kind: 'tcp',
    column: 'saturation',
    unit: 'per s',
    what: 'TcpExt ListenOverflows/s or ListenDrops/s, the larger',
  },
  /** Once there are enough segments to tell (TCP_RETRANS_MIN_OSEG). */
  tcpRetrans: { warning: 1, critical: 5, kind: 'tcp', column: 'errors', unit: 'percent', what: 'sar -n ETCP retrans/s as a share of oseg/s' },
  tcpErrors: { warning: 1, critical: 100, kind: 'tcp', column: 'errors', unit: 'per s', what: 'isegerr/s (Tcp InErrs) and TCPTimeouts/s, each' },
  fdUtilization: {
    warning: 70,
    critical: 90,
    kind: 'fd',
    column: 'utilization',
    unit: 'percent',
    what: '/proc/sys/fs/file-nr: allocated − unused, of fs.file-max',
  },
} as const satisfies Record<string, UseThreshold>;

export type UseThresholdName = keyof typeof USE_THRESHOLDS;

// The names the table's figures had before it was one table, used by the functions below.
export const CPU_UTILIZATION: Threshold = USE_THRESHOLDS.cpuUtilization;
export const CPU_PRESSURE: Threshold = USE_THRESHOLDS.cpuPressure;
export const RUNQ_LATENCY_P99_US: Threshold = USE_THRESHOLDS.runqLatencyP99;
export const LOAD_PER_CPU: Threshold = USE_THRESHOLDS.loadPerCpu;
export const CPU_ERRORS: Threshold = USE_THRESHOLDS.cpuErrors;
export const TASK_UTILIZATION: Threshold = USE_THRESHOLDS.taskUtilization;
export const HUNG_TASKS: Threshold = USE_THRESHOLDS.hungTasks;
export const MEMORY_UTILIZATION: Threshold = USE_THRESHOLDS.memoryUtilization;
export const MEMORY_PRESSURE: Threshold = USE_THRESHOLDS.memoryPressure;
export const SWAP_KIB_PER_SECOND: Threshold = USE_THRESHOLDS.swap;
export const OOM_KILLS: Threshold = USE_THRESHOLDS.oomKills;
export const DISK_UTILIZATION: Threshold = USE_THRESHOLDS.diskUtilization;
export const DISK_QUEUE: Threshold = USE_THRESHOLDS.diskQueue;
export const DISK_AWAIT_MS: Threshold = USE_THRESHOLDS.diskAwait;
export const DISK_IO_ERRORS: Threshold = USE_THRESHOLDS.diskIoErrors;
export const NETWORK_UTILIZATION: Threshold = USE_THRESHOLDS.networkUtilization;
export const NETWORK_DROPS_PER_SECOND: Threshold = USE_THRESHOLDS.networkDrops;
export const NETWORK_ERRORS_PER_SECOND: Threshold = USE_THRESHOLDS.networkErrors;
export const TCP_LISTEN_DROPS_PER_SECOND: Threshold = USE_THRESHOLDS.tcpListenDrops;
export const TCP_RETRANS_PERCENT: Threshold = USE_THRESHOLDS.tcpRetrans;
export const TCP_ERRORS_PER_SECOND: Threshold = USE_THRESHOLDS.tcpErrors;
export const FD_UTILIZATION: Threshold = USE_THRESHOLDS.fdUtilization;
/** Segments out per second below which the retransmit share says nothing. */
export const TCP_RETRANS_MIN_OSEG = 100;
/** Errors are counted over this window: one second would let an OOM kill flash by. */
export const ERROR_WINDOW_SECONDS = 60;
/** BPF p99s and PSI shares are the median of this many seconds: one second's p99 of a few hundred events is noisy. */
export const SATURATION_SMOOTHING_SECONDS = 3;

export interface UseOptions {
  /** Whether runqlat / biolatency / tcplife are being recorded (an unrecorded tool's figure is not a missing one). */
  recorded: { runqlat: boolean; biolatency: boolean; tcplife: boolean };
  /**
   * What the table judges. 'newest' (the default): the newest sample, saturation smoothed over the last few seconds
   * and errors counted over the minute before it. 'range': every sample given is the range; its figures are their
   * mean (as sar's "Average:" line) and its errors are counted within it.
   */
  basis?: 'newest' | 'range';
}

/** Verdicts from least to most telling: an unknown figure never hides a known one. */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = { unknown: 0, ok: 1, warning: 2, critical: 3 };

export function grade(value: number, threshold: Threshold): Verdict {
  if (value >= threshold.critical) return 'critical';
  if (value >= threshold.warning) return 'warning';
  return 'ok';
}

export function worstVerdict(...verdicts: Verdict[]): Verdict {
  return verdicts.reduce((a, b) => (VERDICT_RANK[b] > VERDICT_RANK[a] ? b : a), 'unknown');
}

function round(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1).replace(/\.0$/, '');
  return value.toFixed(2).replace(/\.?0+$/, '');
}

function levels(threshold: Threshold, unit: string): string {
  // '/s' goes on the number, as sar prints rates; other units after a space.
  const u = unit === '' || unit.startsWith('/') ? unit : ` ${unit}`;
  return `warning ≥ ${round(threshold.warning)}${u}, critical ≥ ${round(threshold.critical)}${u}`;
}

function duration(us: number): string {
  return us >= 1000 ? `${round(us / 1000)} ms` : `${round(us)} µs`;
}

/** A p99 from log2 counts: the counts say its bucket; where inside it is an estimate, and is marked as one. */
function estimatedDuration(us: number): string {
  return `≈${duration(us)}`;
}
const ESTIMATE_NOTE = 'p99 placed inside its log2 bucket, an estimate';

function cell(value: number, unit: string, text: string, verdict: Verdict, threshold: string, drill: UseDrill, detail?: string): UseCell {
  return detail === undefined ? { value, unit, text, verdict, threshold, drill } : { value, unit, text, detail, verdict, threshold, drill };
}

function unknown(unit: string, reason: string, drill: UseDrill): UseCell {
  return { value: null, unit, text: '—', verdict: 'unknown', threshold: reason, drill };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The seconds a USE table is made of: the figures it judges, and the seconds behind its smoothing and its error counts. */
interface UseBasis {
  /** The newest sample, or the range's mean. */
  figures: OverviewSample;
  /** Saturation figures are the median of these: the last few seconds, or the range's mean alone. */
  recent: readonly OverviewSample[];
  /** How `recent` was taken, for the threshold text: 'median of the last 3 s'. */
  smoothing: string;
  /** The seconds whose errors count, and the kernel-log time (µs since boot) from which a record counts. */
  errorSamples: readonly OverviewSample[];
  errorFromUsec: number;
  /** Where errors were counted, for the threshold text: 'in the last 60 s'. */
  errorSpan: string;
}

function newestBasis(samples: readonly OverviewSample[]): UseBasis | undefined {
  const newest = samples.at(-1);
  if (!newest) return undefined;
  return {
    figures: newest,
    recent: samples.slice(-SATURATION_SMOOTHING_SECONDS),
    smoothing: `median of the last ${SATURATION_SMOOTHING_SECONDS} s`,
    errorSamples: samples.filter((sample) => sample.time > newest.time - ERROR_WINDOW_SECONDS * 1000),
    // By the record's own time, since the first sample brings the ring buffer so far.
    errorFromUsec: newest.uptime === null ? -Infinity : (newest.uptime - ERROR_WINDOW_SECONDS) * 1e6,
    errorSpan: `in the last ${ERROR_WINDOW_SECONDS} s`,
  };
}

function rangeBasis(samples: readonly OverviewSample[]): UseBasis | undefined {
  const figures = averageSamples(samples);
  const first = samples[0];
  if (!figures || !first) return undefined;
  const seconds = Math.round((figures.time - first.time) / 1000) + (first.interval ?? 1);
  return {
    figures,
    recent: [figures],
    smoothing: `mean of the ${seconds} s selected`,
    errorSamples: samples,
    errorFromUsec: first.uptime === null ? -Infinity : (first.uptime - (first.interval ?? 1)) * 1e6,
    errorSpan: `in the ${seconds} s selected`,
  };
}

/** The median of a figure over the basis's recent seconds that have it (null when none do). */
function smoothed(basis: UseBasis, pick: (sample: OverviewSample) => number | null | undefined): number | null {
  const values: number[] = [];
  for (const sample of basis.recent) {
    const value = pick(sample);
    if (value !== null && value !== undefined) values.push(value);
  }
  return median(values);
}

/** Events of the kinds given logged within the basis's error span. */
function kernelEvents(basis: UseBasis, ...kinds: Array<KernelEvent['kind']>): KernelEvent[] {
  return basis.errorSamples.flatMap((sample) =>
    sample.kernelLog.records.flatMap((record) =>
      record.event !== null && kinds.includes(record.event.kind) && record.usec > basis.errorFromUsec ? [record.event] : [],
    ),
  );
}

/** The kernel log's errors of the CPUs themselves: Linux counts none in /proc, but logs these. */
const CPU_ERROR_KINDS = ['soft-lockup', 'hard-lockup', 'rcu-stall', 'machine-check'] as const;

const profileDrill: UseDrill = { tool: 'profile', view: 'profile' };
const runqlatDrill: UseDrill = { tool: 'runqlat', view: 'heatmap' };
const biolatencyDrill: UseDrill = { tool: 'biolatency', view: 'heatmap' };
const tcplifeDrill: UseDrill = { tool: 'tcplife', view: 'table' };
/** Retransmits, one row each with its connection and state, as bcc's tcpretrans prints them. */
const tcpretransDrill: UseDrill = { tool: 'tcpretrans', view: 'table' };
/** A full accept queue: who accepts, and how fast. */
const tcpacceptDrill: UseDrill = { tool: 'tcpaccept', view: 'table' };
/** Memory in use is mostly page cache on a busy host: its hits, misses and dirtied pages over time. */
const cachestatDrill: UseDrill = { tool: 'cachestat', view: 'timeseries' };
const offcputimeDrill: UseDrill = { tool: 'offcputime', view: 'profile' };
/** Who is starting processes: a fork storm filling the task table shows there. */
const execsnoopDrill: UseDrill = { tool: 'execsnoop', view: 'table' };
/** Who opens files; its failed opens carry the errno (ENFILE past fs.file-max, EMFILE past a process's limit). */
const opensnoopDrill: UseDrill = { tool: 'opensnoop', view: 'table' };
const failedOpensDrill: UseDrill = { tool: 'opensnoop', view: 'table', params: { failedOnly: true } };
/** The errors the kernel logs (OOM kills, I/O errors, lockups) are counted from the kernel log: the dmesg panel shows them. */
const kernelLogDrill: UseDrill = { panel: 'dmesg' };

/** runqlat's p99 judged at the one level: the scheduler's saturation, and the CPUs' where there is no PSI (`why`). */
function runqLatencyCell(runqP99: number, basis: UseBasis, what: string, why?: string): UseCell {
  const inMs = { warning: RUNQ_LATENCY_P99_US.warning / 1000, critical: RUNQ_LATENCY_P99_US.critical / 1000 };
  return cell(
    runqP99,
    'usecs',
    estimatedDuration(runqP99),
    grade(runqP99, RUNQ_LATENCY_P99_US),
    `${levels(inMs, 'ms')} (${what}, ${basis.smoothing}, ${ESTIMATE_NOTE}${why === undefined ? '' : `; ${why}`})`,
    runqlatDrill,
  );
}

function cpuRow(basis: UseBasis, options: UseOptions): UseRow {
  const newest = basis.figures;
  const all = newest.mpstat?.rows.find((row) => row.CPU === 'all');
  const utilization = all
    ? (() => {
        const busy = Math.max(0, 100 - all['%idle']);
        return cell(
          busy,
          '%',
          `${round(busy)} %`,
          grade(busy, CPU_UTILIZATION),
          `${levels(CPU_UTILIZATION, '%')} (mpstat 100 − %idle, all CPUs)`,
          profileDrill,
        );
      })()
    : unknown('%', 'no /proc/stat interval yet (the first second), or /proc/stat unreadable', profileDrill);

  let saturation: UseCell;
  const runqP99 = options.recorded.runqlat ? smoothed(basis, (sample) => sample.bpf.runqlatP99Us) : null;
  const runqDetail = runqP99 === null ? undefined : `runqlat p99 ${estimatedDuration(runqP99)}`;
  const cpuPressure = newest.pressure.cpu;
  if (cpuPressure.available) {
    const share = smoothed(basis, (sample) => (sample.pressure.cpu.available ? (sample.pressure.cpu.some.interval ?? sample.pressure.cpu.some.avg10) : null));
    const value = share ?? cpuPressure.some.avg10;
    saturation = cell(
      value,
      '%',
      `${round(value)} %`,
      grade(value, CPU_PRESSURE),
      `${levels(CPU_PRESSURE, '%')} (PSI cpu some: share of the time a runnable task waited for a CPU, ${basis.smoothing})`,
      runqlatDrill,
      runqDetail,
    );
  } else if (runqP99 !== null) {
    saturation = runqLatencyCell(runqP99, basis, `the scheduler row's runqlat p99 run-queue latency`, cpuPressure.reason);
  } else if (newest.loadavg && newest.cpus) {
    const perCpu = newest.loadavg.load1 / newest.cpus;
    saturation = cell(
      perCpu,
      'per CPU',
      `${round(perCpu)} per CPU`,
      grade(perCpu, LOAD_PER_CPU),
      `${levels(LOAD_PER_CPU, '')} (1-minute load average per CPU; runqlat not recorded, ${cpuPressure.reason})`,
      runqlatDrill,
    );
  } else saturation = unknown('usecs', `runqlat not recorded, ${cpuPressure.reason}, no /proc/loadavg`, runqlatDrill);

  const errors = newest.kernelLog.available
    ? (() => {
        const count = kernelEvents(basis, ...CPU_ERROR_KINDS).length;
        return cell(
          count,
          'count',
          String(count),
          grade(count, CPU_ERRORS),
          `${levels(CPU_ERRORS, '')} soft and hard lockups, RCU stalls and machine checks in the kernel log ${basis.errorSpan} (Linux counts no CPU errors in /proc)`,
          kernelLogDrill,
        );
      })()
    : unknown('count', 'the kernel log is not readable: lockups, RCU stalls and machine checks are unknown', kernelLogDrill);
  return { resource: 'CPUs', kind: 'cpu', utilization, saturation, errors };
}

/** Gregg's scheduler row: task capacity, run-queue latency, and tasks the kernel found hung. */
function schedulerRow(basis: UseBasis, options: UseOptions): UseRow {
  const newest = basis.figures;
  const tasks = newest.tasks;
  const utilization = tasks
    ? cell(
        tasks.percent,
        '%',
        `${round(tasks.percent)} %`,
        grade(tasks.percent, TASK_UTILIZATION),
        `${levels(TASK_UTILIZATION, '%')} (threads in /proc/loadavg against kernel.${tasks.limitName}, the nearer of threads-max and pid_max: fork() fails past it)`,
        execsnoopDrill,
        `${Math.round(tasks.tasks)} of ${tasks.limitName} ${tasks.limit}`,
      )
    : unknown('%', 'no /proc/loadavg, /proc/sys/kernel/threads-max or /proc/sys/kernel/pid_max', execsnoopDrill);
  const runqP99 = options.recorded.runqlat ? smoothed(basis, (sample) => sample.bpf.runqlatP99Us) : null;
  const saturation =
    runqP99 === null
      ? unknown('usecs', options.recorded.runqlat ? 'no runqlat frame yet' : 'runqlat is not recorded by this agent (its --record list)', runqlatDrill)
      : runqLatencyCell(runqP99, basis, 'runqlat p99 run-queue latency');
  const errors = newest.kernelLog.available
    ? (() => {
        const hung = kernelEvents(basis, 'hung-task').length;
        return cell(
          hung,
          'count',
          String(hung),
          grade(hung, HUNG_TASKS),
          `${levels(HUNG_TASKS, '')} hung tasks ("blocked for more than N seconds") in the kernel log ${basis.errorSpan}`,
          offcputimeDrill,
        );
      })()
    : unknown('count', 'the kernel log is not readable: hung tasks are unknown', offcputimeDrill);
  return { resource: 'Scheduler', kind: 'scheduler', utilization, saturation, errors };
}

function memoryRow(basis: UseBasis): UseRow {
  const newest = basis.figures;
  const mem = newest.free?.Mem;
  const utilization =
    mem && mem.total > 0
      ? (() => {
          const used = (mem.used / mem.total) * 100;
          return cell(
            used,
            '%',
            `${round(used)} %`,
            grade(used, MEMORY_UTILIZATION),
            `${levels(MEMORY_UTILIZATION, '%')} (free: used / total)`,
            cachestatDrill,
          );
        })()
      : unknown('%', 'no /proc/meminfo', cachestatDrill);

  let saturation: UseCell;
  const pressure = newest.pressure.memory;
  if (pressure.available) {
    const value =
      smoothed(basis, (sample) => (sample.pressure.memory.available ? (sample.pressure.memory.some.interval ?? sample.pressure.memory.some.avg10) : null)) ??
      pressure.some.avg10;
    const majflt = newest.paging?.['majflt/s'];
    saturation = cell(
      value,
      '%',
      `${round(value)} %`,
      grade(value, MEMORY_PRESSURE),
      `${levels(MEMORY_PRESSURE, '%')} (PSI memory some: share of the time a task stalled on memory, ${basis.smoothing}${majflt === undefined ? '' : `; majflt/s ${round(majflt)}`})`,
      offcputimeDrill,
    );
  } else if (newest.vmstat) {
    const swap = newest.vmstat.si + newest.vmstat.so;
    saturation = cell(
      swap,
      'KiB/s',
      `${round(swap)} KiB/s`,
      grade(swap, SWAP_KIB_PER_SECOND),
      `${levels(SWAP_KIB_PER_SECOND, 'KiB/s')} (vmstat si + so; ${pressure.reason})`,
      offcputimeDrill,
    );
  } else saturation = unknown('%', `${pressure.reason}; no vmstat interval yet`, offcputimeDrill);

  const counted = basis.errorSamples.filter((sample) => sample.oomKills !== null);
  const fromVmstat = counted.reduce((sum, sample) => sum + (sample.oomKills ?? 0), 0);
  const fromLog = kernelEvents(basis, 'oom-kill').length;
  const logReadable = newest.kernelLog.available;
  let errors: UseCell;
  if (counted.length === 0 && !logReadable)
    errors = unknown('count', 'no /proc/vmstat oom_kill (before Linux 4.13) and the kernel log is not readable', kernelLogDrill);
  else {
    // The same kills counted twice: the larger, since each source can miss some (log records lost, a kernel without oom_kill).
    const kills = Math.max(fromVmstat, fromLog);
    errors = cell(
      kills,
      'count',
      String(kills),
      grade(kills, OOM_KILLS),
      `${levels(OOM_KILLS, '')} OOM kills ${basis.errorSpan} (/proc/vmstat oom_kill and the kernel log)`,
      kernelLogDrill,
    );
  }
  return { resource: 'Memory', kind: 'memory', utilization, saturation, errors };
}

/** Reads and writes together, as iostat's old await column was. */
function awaitMs(row: IostatRow): number {
  const ios = row['r/s'] + row['w/s'];
  return ios > 0 ? (row['r/s'] * row.r_await + row['w/s'] * row.w_await) / ios : 0;
}

function isBusy(row: IostatRow): boolean {
  return row['r/s'] + row['w/s'] + (row['d/s'] ?? 0) + (row['f/s'] ?? 0) > 0 || row['%util'] > 0;
}

function diskRows(basis: UseBasis): UseRow[] {
  const newest = basis.figures;
  if (!newest.iostat) return [];
  const ioErrors = kernelEvents(basis, 'io-error');
  const activeInWindow = new Set(basis.errorSamples.flatMap((sample) => (sample.iostat ?? []).filter(isBusy).map((row) => row.Device)));
  return newest.iostat
    .filter((row) => !/^(loop|ram|zram)\d/.test(row.Device) || activeInWindow.has(row.Device))
    .map((row): UseRow => {
      const util = row['%util'];
      const wait = awaitMs(row);
      const queue = row['aqu-sz'];
      const errorCount = ioErrors.filter((event) => event.kind === 'io-error' && event.dev !== null && event.dev.startsWith(row.Device)).length;
      return {
        resource: `Disk ${row.Device}`,
        kind: 'disk',
        utilization: cell(util, '%', `${round(util)} %`, grade(util, DISK_UTILIZATION), `${levels(DISK_UTILIZATION, '%')} (iostat -x %util)`, biolatencyDrill),
        saturation: cell(
          queue,
          'requests',
          `aqu-sz ${round(queue)}`,
          worstVerdict(grade(queue, DISK_QUEUE), grade(wait, DISK_AWAIT_MS)),
          `aqu-sz ${levels(DISK_QUEUE, '')}; await ${levels(DISK_AWAIT_MS, 'ms')} (iostat -x)`,
          biolatencyDrill,
          `await ${round(wait)} ms`,
        ),
        errors: newest.kernelLog.available
          ? cell(
              errorCount,
              'count',
              String(errorCount),
              grade(errorCount, DISK_IO_ERRORS),
              `${levels(DISK_IO_ERRORS, '')} I/O errors in the kernel log ${basis.errorSpan}`,
              kernelLogDrill,
            )
          : unknown('count', 'the kernel log is not readable: I/O errors are unknown', kernelLogDrill),
      };
    });
}

function networkRows(newest: OverviewSample): UseRow[] {
  if (!newest.sarDev) return [];
  return newest.sarDev.map((row): UseRow => {
    const edev = newest.sarEdev?.find((candidate) => candidate.IFACE === row.IFACE);
    const throughput = row['rxkB/s'] + row['txkB/s'];
    const speedKnown = row['%ifutil'] > 0 || throughput === 0;
    const utilization = speedKnown
      ? cell(
          row['%ifutil'],
          '%',
          `${round(row['%ifutil'])} %`,
          grade(row['%ifutil'], NETWORK_UTILIZATION),
          `${levels(NETWORK_UTILIZATION, '%')} (sar -n DEV %ifutil: throughput against link speed; tcplife: the sessions moving the bytes)`,
          tcplifeDrill,
        )
      : {
          ...unknown(
            '%',
            `link speed unknown (loopback or a virtual interface): ${round(throughput)} kB/s rx+tx; tcplife: the sessions moving the bytes`,
            tcplifeDrill,
          ),
          text: `${round(throughput)} kB/s`,
        };
    const drops = edev ? edev['rxdrop/s'] + edev['txdrop/s'] : null;
    const errors = edev ? edev['rxerr/s'] + edev['txerr/s'] : null;
    return {
      resource: `Network ${row.IFACE}`,
      kind: 'network',
      utilization,
      saturation:
        drops === null
          ? unknown('per s', 'no sar -n EDEV figures', tcpretransDrill)
          : cell(
              drops,
              'per s',
              `${round(drops)}/s`,
              grade(drops, NETWORK_DROPS_PER_SECOND),
              `${levels(NETWORK_DROPS_PER_SECOND, '/s')} (sar -n EDEV rxdrop/s + txdrop/s; tcpretrans: the connections a lost packet costs a retransmit)`,
              tcpretransDrill,
            ),
      errors:
        errors === null
          ? unknown('per s', 'no sar -n EDEV figures', tcpretransDrill)
          : cell(
              errors,
              'per s',
              `${round(errors)}/s`,
              grade(errors, NETWORK_ERRORS_PER_SECOND),
              `${levels(NETWORK_ERRORS_PER_SECOND, '/s')} (sar -n EDEV rxerr/s + txerr/s; tcpretrans: the connections a bad packet costs a retransmit)`,
              tcpretransDrill,
            ),
    };
  });
}

function tcpRow(newest: OverviewSample): UseRow | null {
  if (newest.currEstab === null && !newest.sarEtcp && !newest.tcpExt) return null;
  const utilization =
    newest.currEstab === null
      ? unknown('count', 'no /proc/net/snmp', tcplifeDrill)
      : cell(newest.currEstab, 'count', `${newest.currEstab} established`, 'ok', 'no limit to judge against: Tcp CurrEstab, for context', tcplifeDrill);
  const ext = newest.tcpExt;
  const listen = ext ? Math.max(ext.ListenOverflows ?? 0, ext.ListenDrops ?? 0) : null;
  const saturation =
    listen === null
      ? unknown('per s', 'no /proc/net/netstat interval yet', tcpacceptDrill)
      : cell(
          listen,
          'per s',
          `${round(listen)}/s`,
          grade(listen, TCP_LISTEN_DROPS_PER_SECOND),
          `${levels(TCP_LISTEN_DROPS_PER_SECOND, '/s')} (TcpExt ListenOverflows, ListenDrops: accept queue full)`,
          tcpacceptDrill,
        );
  let errors: UseCell;
  const etcp = newest.sarEtcp;
  if (!etcp) errors = unknown('per s', 'no /proc/net/snmp interval yet', tcpretransDrill);
  else {
    const retrans = etcp['retrans/s'];
    const oseg = newest.sarTcp?.['oseg/s'] ?? 0;
    const share = oseg >= TCP_RETRANS_MIN_OSEG ? (retrans / oseg) * 100 : null;
    const timeouts = ext?.TCPTimeouts ?? 0;
    const inErrs = etcp['isegerr/s'];
    const verdict = worstVerdict(
      share === null ? 'ok' : grade(share, TCP_RETRANS_PERCENT),
      grade(inErrs, TCP_ERRORS_PER_SECOND),
      grade(timeouts, TCP_ERRORS_PER_SECOND),
    );
    errors = cell(
      retrans,
      'per s',
      `${round(retrans)} retrans/s`,
      verdict,
      `retransmits ${levels(TCP_RETRANS_PERCENT, '%')} of segments out (from ${TCP_RETRANS_MIN_OSEG} oseg/s); InErrs and TCPTimeouts ${levels(TCP_ERRORS_PER_SECOND, '/s')} (sar -n ETCP, TcpExt)`,
      tcpretransDrill,
      `${share === null ? '' : `${round(share)} % of oseg/s, `}InErrs ${round(inErrs)}/s, timeouts ${round(timeouts)}/s`,
    );
  }
  return { resource: 'TCP', kind: 'tcp', utilization, saturation, errors };
}

function fdRow(newest: OverviewSample): UseRow | null {
  const fileNr = newest.fileNr;
  if (!fileNr) return null;
  const used = fileNr.max > 0 ? ((fileNr.allocated - fileNr.unused) / fileNr.max) * 100 : 0;
  return {
    resource: 'File descriptors',
    kind: 'fd',
    utilization: cell(
      used,
      '%',
      `${round(used)} %`,
      grade(used, FD_UTILIZATION),
      `${levels(FD_UTILIZATION, '%')} (/proc/sys/fs/file-nr: allocated − unused, of fs.file-max; opensnoop: who opens files)`,
      opensnoopDrill,
      `${fileNr.allocated - fileNr.unused} of ${fileNr.max}`,
    ),
    saturation: unknown('count', 'nothing queues for a file handle: past fs.file-max open() fails with ENFILE (opensnoop: failed opens)', failedOpensDrill),
    errors: unknown('count', 'the kernel does not count ENFILE failures: opensnoop shows failed opens with their errno', failedOpensDrill),
  };
}

/**
 * The USE table of the newest sample (`samples` oldest first; the last minute is enough), or with `basis: 'range'`
 * of all the samples given, a selected range. Empty for no samples.
 */
export function computeUse(samples: readonly OverviewSample[], options: UseOptions): UseRow[] {
  const basis = options.basis === 'range' ? rangeBasis(samples) : newestBasis(samples);
  if (!basis) return [];
  const rows: Array<UseRow | null> = [
    cpuRow(basis, options),
    schedulerRow(basis, options),
    memoryRow(basis),
    ...diskRows(basis),
    ...networkRows(basis.figures),
    tcpRow(basis.figures),
    fdRow(basis.figures),
  ];
  return rows.filter((row): row is UseRow => row !== null);
}
