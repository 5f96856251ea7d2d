// Shapes of what agents send, inferred from the agent's router so a change there
// is a type error here rather than a blank cell.
import type { AppRouter, OverviewUpdate } from '@bpfscope/agent';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>;

export type HostInfo = Outputs['host']['info'];
export type ToolInfo = Outputs['tools']['list'][number];
export type ColumnDisplay = ToolInfo['columns'][number]['display'];
export type StartedSession = Outputs['sessions']['start'];
export type { BpfCost, HistogramFrame, SessionLimits, StreamBatch, StreamEnd } from '@bpfscope/agent';
export type Snapshot = Outputs['snapshots']['get'];
export type SnapshotSummary = Outputs['snapshots']['list'][number];
export type ProfileCapture = Outputs['profiles']['get'];
export type FoldedProfile = NonNullable<ProfileCapture['profile']>;

export type HostOverview = Outputs['host']['overview'];
/** A second of the host as the checklist panels read it (what host.overview sends). */
export type OverviewSample = HostOverview['samples'][number];
export type UseRow = HostOverview['use'][number];
export type UseCell = UseRow['utilization'];
export type { OverviewUpdate };
/** Every field of a second of the host, as host.overviewStream sends it (the checklist's and the USE table's). */
export type FullOverviewSample = OverviewUpdate['sample'];
export type HostSummary = Outputs['host']['summary'];
export type RangeUse = Outputs['host']['use'];
export type ProbeCheck = Outputs['probes']['check'];
export type UsdtProbe = Outputs['probes']['usdt']['probes'][number];
/** A PromQL answer as the agent's proxy checks it; a Prometheus the page asks itself is checked to the same shape. */
export type PromqlAnswer = Outputs['prometheus']['query'];
export type UseKindSummary = HostSummary['use'][number];
export type { UseKind } from '@bpfscope/agent';
