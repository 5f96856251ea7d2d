// The host overview as the agent serves it (issue 13): one second of the host, and the USE table of it.
import type { HostSample } from '@bpfscope/bpf-core';

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

export type Verdict = 'ok' | 'warning' | 'critical' | 'unknown';

export interface UseDrill {
  tool: string;
  view: 'table' | 'heatmap' | 'profile';
  params?: Record<string, unknown>;
}

export interface UseCell {
  /** The figure. */
  value: number | null;
  /** '%', 'usecs', 'per s', 'count', 'ms'… */
  unit: string;
  /** The value with its unit as shown, e.g. '93 %', '12.4 ms', '—'. */
  text: string;
  verdict: Verdict;
  /** Shown on hover: the thresholds and where the figure comes from (or why it is unknown). */
  threshold: string;
  /** The tool that explains it, opened in one click; null when none. */
  drill: UseDrill | null;
}

export type UseKind = 'cpu' | 'memory' | 'disk' | 'network' | 'scheduler' | 'tcp' | 'fd';

export interface UseRow {
  /** 'CPUs', 'Memory', 'Disk sda', 'Network eth0', 'TCP', 'File descriptors'. */
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
  /** Oldest first, one per second, the last hour (or since sinceMs). */
  samples: OverviewSample[];
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
