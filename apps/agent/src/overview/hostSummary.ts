// host.summary, what the fleet view shows of a host: its name and kernel, the worst USE cell of each resource
// kind (the overview's own USE table, so the fleet and the overview never disagree), and the last hour of
// runqlat and biolatency p99 in a fixed number of points. A few KB whatever the host: never the hour of samples.
import type { AgentServices } from '../context.js';
import { hostIdentity, recordedBpfTools, useOf } from './hostOverview.js';
import type { HostSummary, OverviewSample, SummarySeries, UseKind, UseKindSummary, UseRow } from './types.js';
import { VERDICT_RANK, worstVerdict } from './use.js';

/** Points of each series by default: 30 s each over the hour. */
export const SUMMARY_POINTS = 120;
export const MIN_SUMMARY_POINTS = 10;
export const MAX_SUMMARY_POINTS = 360;

const USE_COLUMNS = ['utilization', 'saturation', 'errors'] as const;

/** The worst cell of each resource kind, kinds in the order the table has them. */
export function useByKind(rows: readonly UseRow[]): UseKindSummary[] {
  const kinds = new Map<UseKind, UseKindSummary>();
  for (const row of rows) {
    let summary = kinds.get(row.kind);
    for (const column of USE_COLUMNS) {
      const cell = row[column];
      if (summary && VERDICT_RANK[cell.verdict] <= VERDICT_RANK[summary.verdict]) continue;
      const worse = { verdict: cell.verdict, resource: row.resource, column, text: cell.text, threshold: cell.threshold };
      if (summary) Object.assign(summary, worse);
      else {
        summary = { kind: row.kind, ...worse, resources: 0, flagged: 0 };
        kinds.set(row.kind, summary);
      }
    }
    if (!summary) continue;
    summary.resources++;
    const verdict = worstVerdict(...USE_COLUMNS.map((column) => row[column].verdict));
    if (verdict === 'warning' || verdict === 'critical') summary.flagged++;
  }
  return [...kinds.values()];
}

/** The points of a window ending with the point that holds `end`, aligned to whole points so a refresh moves them by whole points. */
export function summaryWindow(end: number, historyMs: number, points: number, intervalMs: number): Pick<SummarySeries, 'from' | 'pointMs'> {
  const pointMs = Math.ceil(historyMs / points / intervalMs) * intervalMs;
  const to = (Math.floor(end / pointMs) + 1) * pointMs;
  return { from: to - points * pointMs, pointMs };
}

/**
 * Each point is the highest per-second figure of its seconds (the max, not the mean: a latency spike of one second
 * must survive being drawn as one of 120 points); null where no second had the figure.
 */
export function maxPerPoint<Sample extends Pick<OverviewSample, 'time'>>(
  samples: readonly Sample[],
  pick: (sample: Sample) => number | null,
  window: Pick<SummarySeries, 'from' | 'pointMs'> & { points: number },
): Array<number | null> {
  const points = new Array<number | null>(window.points).fill(null);
  for (const sample of samples) {
    const value = pick(sample);
    if (value === null || !Number.isFinite(value)) continue;
    const index = Math.floor((sample.time - window.from) / window.pointMs);
    if (index < 0 || index >= window.points) continue;
    const peak = points[index] ?? null;
    points[index] = peak === null ? value : Math.max(peak, value);
  }
  return points;
}

function wholeOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

export function hostSummary(services: AgentServices, options: { points: number; now?: number }): HostSummary {
  const { host: recorder, recorder: statuses } = services;
  const use = useOf(recorder, statuses);
  const newest = recorder.latest(1)[0];
  const window = summaryWindow(newest?.time ?? options.now ?? Date.now(), recorder.capacity * recorder.intervalMs, options.points, recorder.intervalMs);
  const samples = recorder.latencyP99s(window.from);
  const series = (pick: (sample: (typeof samples)[number]) => number | null) => maxPerPoint(samples, pick, { ...window, points: options.points });
  const recorded = recordedBpfTools(statuses);
  return {
    ...hostIdentity(services.config),
    cpus: newest?.cpus ?? null,
    agentVersion: services.version,
    agentUptimeSeconds: Math.round((Date.now() - services.startedAt) / 1000),
    time: newest?.time ?? null,
    verdict: worstVerdict(...use.flatMap((row) => USE_COLUMNS.map((column) => row[column].verdict))),
    use: useByKind(use),
    recorded: { runqlat: recorded.includes('runqlat'), biolatency: recorded.includes('biolatency') },
    history: {
      ...window,
      // Whole microseconds: finer says nothing of a log2 percentile, and keeps the answer small.
      runqlatP99Us: series((sample) => wholeOrNull(sample.bpf.runqlatP99Us)),
      biolatencyP99Us: series((sample) => wholeOrNull(sample.bpf.biolatencyP99Us)),
    },
  };
}
