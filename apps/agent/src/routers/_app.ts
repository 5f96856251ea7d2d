import { router } from '../trpc.js';
import { hostRouter } from './host.js';
import { probesRouter } from './probes.js';
import { profilesRouter } from './profiles.js';
import { prometheusRouter } from './prometheus.js';
import { sessionsRouter } from './sessions.js';
import { snapshotsRouter } from './snapshots.js';
import { toolsRouter } from './tools.js';

export const appRouter = router({
  host: hostRouter,
  tools: toolsRouter,
  sessions: sessionsRouter,
  snapshots: snapshotsRouter,
  profiles: profilesRouter,
  probes: probesRouter,
  prometheus: prometheusRouter,
});

/** What prometheus.query and prometheus.queryRange answer. */
export type { PromqlResult } from '../prometheus/promqlProxy.js';

export type AppRouter = typeof appRouter;

/** One interval's histograms, as sessions.stream batches carry them. */
export type { HistogramFrame } from '../sessions/backend.js';

/** A sessions.stream batch, its measured BPF cost, and what the agent holds a session to. */
export type { BpfCost, CpuBudget, SessionLimits, StreamBatch, StreamEnd } from '../sessions/sessionTypes.js';

/** The host overview (host.overview, host.overviewStream). */
export type {
  HostOverview,
  HostSummary,
  OverviewBpf,
  OverviewSample,
  OverviewSource,
  OverviewUpdate,
  RangeUse,
  SummarySeries,
  UseCell,
  UseDrill,
  UsePanelDrill,
  UseToolDrill,
  UseKind,
  UseKindSummary,
  UseRow,
  Verdict,
} from '../overview/types.js';
