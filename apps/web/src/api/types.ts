// Shapes of what agents send, inferred from the agent's router so a change there
// is a type error here rather than a blank cell.
import type { AppRouter } from '@bpfscope/agent';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>;

export type HostInfo = Outputs['host']['info'];
export type ToolInfo = Outputs['tools']['list'][number];
export type ColumnDisplay = ToolInfo['columns'][number]['display'];
export type StartedSession = Outputs['sessions']['start'];
export type { HistogramFrame } from '@bpfscope/agent';
export type Snapshot = Outputs['snapshots']['get'];
export type SnapshotSummary = Outputs['snapshots']['list'][number];
export type ProfileCapture = Outputs['profiles']['get'];
export type FoldedProfile = NonNullable<ProfileCapture['profile']>;

// TEMPORARY (issue 13): the host overview's shapes as the agent contract states them, until the agent branch
// with host.overview is merged; then these become Outputs['host']['overview'] and the stream's yield.
type Verdict = 'ok' | 'warning' | 'critical' | 'unknown';
export interface UseCell {
  value: number | null;
  unit: string;
  text: string;
  verdict: Verdict;
  threshold: string;
  drill: { tool: string; view: 'table' | 'heatmap' | 'profile'; params?: Record<string, unknown> } | null;
}
export interface UseRow {
  resource: string;
  kind: 'cpu' | 'memory' | 'disk' | 'network' | 'scheduler' | 'tcp' | 'fd';
  utilization: UseCell;
  saturation: UseCell;
  errors: UseCell;
}
type Numbers<K extends string> = Record<K, number>;
export interface OverviewSample {
  time: number;
  interval: number | null;
  uptime: number | null;
  cpus: number | null;
  loadavg: { load1: number; load5: number; load15: number; running: number; threads: number } | null;
  vmstat: Numbers<'r' | 'b' | 'swpd' | 'free' | 'buff' | 'cache' | 'si' | 'so' | 'bi' | 'bo' | 'in' | 'cs' | 'us' | 'sy' | 'id' | 'wa' | 'st' | 'gu'> | null;
  mpstat: { rows: Array<{ CPU: 'all' | number } & Numbers<'%usr' | '%nice' | '%sys' | '%iowait' | '%irq' | '%soft' | '%steal' | '%idle'>> } | null;
  iostat: Array<{ Device: string } & Numbers<'r/s' | 'w/s' | 'rkB/s' | 'wkB/s' | 'r_await' | 'w_await' | 'aqu-sz' | '%util'>> | null;
  free: { Mem: Numbers<'total' | 'used' | 'free' | 'shared' | 'buff/cache' | 'available'>; Swap: Numbers<'total' | 'used' | 'free'> } | null;
  sarDev: Array<{ IFACE: string } & Numbers<'rxpck/s' | 'txpck/s' | 'rxkB/s' | 'txkB/s' | '%ifutil'>> | null;
  sarEdev: Array<{ IFACE: string } & Numbers<'rxerr/s' | 'txerr/s' | 'rxdrop/s' | 'txdrop/s'>> | null;
  sarTcp: Numbers<'active/s' | 'passive/s' | 'iseg/s' | 'oseg/s'> | null;
  sarEtcp: Numbers<'atmptf/s' | 'estres/s' | 'retrans/s' | 'isegerr/s' | 'orsts/s'> | null;
  pidstat: {
    rows: Array<{ UID: number | null; PID: number; '%usr': number; '%system': number; '%wait': number | null; '%CPU': number; CPU: number; Command: string }>;
  } | null;
  kernelLog: {
    available: boolean;
    records: Array<{ seq: number; usec: number; level: number; facility: number; message: string; event: { kind: string } | null }>;
    lost: number;
  };
  bpf: { runqlatP99Us: number | null; biolatencyP99Us: number | null; tcpSessions: number | null; tcpSessionP99Ms: number | null };
}
export interface HostOverview {
  hostname: string;
  kernel: string;
  cpus: number | null;
  historySeconds: number;
  intervalMs: number;
  samples: OverviewSample[];
  use: UseRow[];
  sources: Array<{ source: string; ok: boolean; message?: string }>;
}
export interface OverviewTick {
  sample: OverviewSample;
  use: UseRow[];
}
