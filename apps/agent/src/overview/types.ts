// The host overview as the agent serves it (issue 13): one second of the host, and the USE table of it.
import type { HostSample } from '@bpfscope/bpf-core';
import type { PackedRecords } from '@bpfscope/formats';

/** The flight recorder's figures for the same second; null when the tool is not recorded (or had no frame that second). */
export interface OverviewBpf {
  /** runqlat: p99 run-queue latency, microseconds. */
  runqlatP99Us: number | null;
  /** biolatency: p99 block I/O latency, microseconds. */
  biolatencyP99Us: number | null;
  /** tcplife: TCP sessions that ended this second. */
  tcpSessions: number | null;
  /** tcplife: p99 duration of those sessions, milliseconds. */
  tcpSessionP99Ms: number | null;
}

/**
 * One second of the host, as the 60-second checklist tools print it: bpf-core's HostSample kept as it is, compacted
 * (pidstat: the 10 busiest processes; kernelLog: only the new classified records of the second, at most
 * MAX_KERNEL_RECORDS_PER_SAMPLE), plus the flight recorder's figures for that second.
 */
export type OverviewSample = HostSample & { bpf: OverviewBpf };

/**
 * What the 60-second checklist panels read of a sample: host.overview sends only these unless asked for all,
 * about 60 % of a sample's bytes (an hour of samples is ~15 MB of JSON, ~9 MB packed; the rest feeds the USE table, sent whole).
 */
export const CHECKLIST_FIELDS = [
  'time',
  'uptime',
  'cpus',
  'loadavg',
  'vmstat',
  'mpstat',
  'iostat',
  'free',
  'sarDev',
  'sarTcp',
  'sarEtcp',
  'pidstat',
  'kernelLog',
] as const;
export type ChecklistSample = Pick<OverviewSample, (typeof CHECKLIST_FIELDS)[number]>;

export type Verdict = 'ok' | 'warning' | 'critical' | 'unknown';

/** The tool that explains a cell, opened in one click on its host with the overview's time range. */
export interface UseToolDrill {
  tool: string;
  view: 'table' | 'heatmap' | 'timeseries' | 'profile';
  params?: Record<string, unknown>;
}

/** The overview panel on the same page that shows a cell's source figures (the kernel log for errors it counts). */
export interface UsePanelDrill {
  panel: 'dmesg' | 'vmstat' | 'mpstat' | 'pidstat' | 'iostat' | 'free' | 'sar-dev' | 'sar-tcp';
}

export type UseDrill = UseToolDrill | UsePanelDrill;

export interface UseCell {
  /** The figure. */
  value: number | null;
  /** '%', 'usecs', 'per s', 'count', 'ms'… */
  unit: string;
  /** The value with its unit as shown, e.g. '93 %', '12.4 ms', '—'. */
  text: string;
  /** What goes with the figure, shown under it: 'runqlat p99 ≈9 ms', 'await 1.05 ms', '1675 of 2437286'. */
  detail?: string;
  verdict: Verdict;
  /** Shown on hover: the thresholds and where the figure comes from (or why it is unknown). */
  threshold: string;
  /** The tool (or the overview panel) that explains it, one click away; null only in simulated tables. */
  drill: UseDrill | null;
}

export type UseKind = 'cpu' | 'memory' | 'disk' | 'network' | 'scheduler' | 'tcp' | 'fd';

export interface UseRow {
  /** 'CPUs', 'Scheduler', 'Memory', 'Disk sda', 'Network eth0', 'TCP', 'File descriptors'. */
  resource: string;
  kind: UseKind;
  utilization: UseCell;
  saturation: UseCell;
  errors: UseCell;
}

export interface OverviewSource {
  source: string;
  ok: boolean;
  message?: string;
}

export interface HostOverview {
  hostname: string;
  kernel: string;
  cpus: number | null;
  /** Seconds of history kept (3600) and the sampling interval (1000 ms). */
  historySeconds: number;
  intervalMs: number;
  /** Oldest first, one per second, the last hour (or since sinceMs): the checklist's fields, or all of them when asked; empty when packed. */
  samples: ChecklistSample[];
  /** `form: 'packed'`: the samples as the recorder keeps them, naming the fields asked for (unpackRecords reads those). */
  packedSamples?: PackedRecords;
  /** The USE table for the newest sample. */
  use: UseRow[];
  /** Where each source came from or why it is missing (PSI absent, kmsg not readable...). */
  sources: OverviewSource[];
}

/** What host.overviewStream yields each second. */
export interface OverviewUpdate {
  sample: OverviewSample;
  use: UseRow[];
}

/** host.use: the USE table of a selected range, its seconds averaged and its errors counted within it. */
export interface RangeUse {
  from: number;
  to: number;
  /** Seconds of the range the recorder had (0: nothing recorded then, and `use` is empty). */
  seconds: number;
  use: UseRow[];
}

/** One resource kind of a host at a glance, for the fleet: the worst of its cells in the USE table. */
export interface UseKindSummary {
  kind: UseKind;
  verdict: Verdict;
  /** The cell that gave the verdict (the first of the worst): its row, column, figure and threshold. */
  resource: string;
  column: 'utilization' | 'saturation' | 'errors';
  text: string;
  threshold: string;
  /** Resources of this kind in the table (disks, interfaces…), and how many of them have a warning or critical cell. */
  resources: number;
  flagged: number;
}

/** A run of the last hour's per-second figures in a fixed number of points, each the highest of its seconds. */
export interface SummarySeries {
  /** Epoch ms where the first point starts; point i covers [from + i·pointMs, from + (i + 1)·pointMs). */
  from: number;
  pointMs: number;
  /** Oldest first; null where no second of the point had the figure. */
  runqlatP99Us: Array<number | null>;
  biolatencyP99Us: Array<number | null>;
}

/** host.summary: what the fleet view shows of a host, a few KB whatever the host (never the hour of samples). */
export interface HostSummary {
  hostname: string;
  kernel: string;
  cpus: number | null;
  agentVersion: string;
  agentUptimeSeconds: number;
  /** Epoch ms of the newest sample; null before the first. */
  time: number | null;
  /** The worst verdict of the whole USE table. */
  verdict: Verdict;
  /** Each resource kind in the USE table, in its order (CPUs, the scheduler, memory, disks, network, TCP, file descriptors). */
  use: UseKindSummary[];
  /** Whether the flight recorder records runqlat and biolatency (a missing line is then no I/O, not no data). */
  recorded: { runqlat: boolean; biolatency: boolean };
  history: SummarySeries;
}
