// The PromQL of the fleet read from Prometheus: a fixed handful of queries for the whole fleet, whatever its size
// (never one per host), each over the scrape jobs the page was given. Pure: a job matcher and a range in, text out.
import type { FleetHeatmapTool } from '../../../state/fleetPrometheusLink';

/** Points a sparkline or the heat map has at most over its range. */
export const MAX_POINTS = 300;

/** A PromQL string literal of `text`: "…" with \ and " escaped, and the control characters a link refuses anyway. */
export function promqlString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** The selector's matchers for the fleet's jobs: `job=~"…"` (Prometheus anchors the regex at both ends). */
export function jobSelector(job: string, extra = ''): string {
  return `{job=~${promqlString(job)}${extra}}`;
}

/** The histogram of a recorded tool, as the agent exposes it (agentMetrics.ts histogramMetricName). */
export function bucketMetric(tool: FleetHeatmapTool): string {
  return `bpfscope_${tool}_seconds_bucket`;
}

/**
 * Seconds between points: the range over at most MAX_POINTS, rounded up to a whole second (15 min → 3 s, 1 h → 12 s,
 * 7 d → 2016 s).
 */
export function stepFor(rangeSeconds: number): number {
  return Math.max(1, Math.ceil(rangeSeconds / MAX_POINTS));
}

/**
 * The window a p99 point is worked out over: two steps, and at least a minute so that a Prometheus scraping every
 * 15 or 30 s still has two samples in it (rate() needs two).
 */
export function rateWindow(step: number): number {
  return Math.max(2 * step, 60);
}

/** The instant queries, at the range's end. */
export function instantQueries(job: string) {
  const jobs = jobSelector(job);
  return {
    /** The hosts: every target of the jobs, 1 up, 0 down. */
    up: `up${jobs}`,
    /** Their names and kernels (an agent that is down has none). */
    info: `bpfscope_agent_info${jobs}`,
    /** The worst verdict of each resource kind of each host (-1 unknown, 0 ok, 1 warning, 2 critical). */
    verdicts: `max by (instance, kind) (bpfscope_use_verdict${jobs})`,
    /** The cells at warning or worse, with their device and column: what a kind's verdict is about. */
    flagged: `bpfscope_use_verdict${jobs} >= 1`,
  };
}

/** The p99 of a tool per host over the range: one series per instance. */
export function p99Query(tool: FleetHeatmapTool, job: string, step: number): string {
  return `histogram_quantile(0.99, sum by (instance, le) (rate(${bucketMetric(tool)}${jobSelector(job)}[${rateWindow(step)}s])))`;
}

/**
 * How much a counter grew in the `seconds` before each point: the difference of the counter then and now, not
 * increase(…[step]): increase() over back-to-back windows of a step leaves out what happened between the last
 * sample of one window and the first of the next, so a burst scraped there would vanish; the differences add up
 * exactly over the range. A counter that went down (an agent restarted) counts 0 for that step; one with no sample
 * `seconds` before (scraped since) counts its increase() over the window instead.
 */
export function growth(series: string, seconds: number): string {
  return `(clamp_min(${series} - ${series} offset ${seconds}s, 0) or increase(${series}[${seconds}s]))`;
}

/** How much each bucket grew in the step before each point, added up per `by` labels. */
export function bucketIncreaseQuery(tool: FleetHeatmapTool, job: string, seconds: number, by: string): string {
  return `sum by (${by}) ${growth(`${bucketMetric(tool)}${jobSelector(job)}`, seconds)}`;
}

/** The fleet heat map: every host's buckets added up, per step. */
export function heatmapQuery(tool: FleetHeatmapTool, job: string, step: number): string {
  return bucketIncreaseQuery(tool, job, step, 'le');
}

/**
 * Each host's part of a heat-map cell: its count under the cell's two bounds (the one below, the cell's own) over
 * `seconds` before the instant asked; one bound for the lowest bucket, +Inf alone for a whole column. Each bound by
 * an exact matcher (le="…", as Prometheus stored it), so no float is ever written into a regex.
 */
export function shareQuery(tool: FleetHeatmapTool, job: string, seconds: number, bounds: readonly string[]): string {
  const parts = bounds.map((le) => growth(`${bucketMetric(tool)}${jobSelector(job, `, le=${promqlString(le)}`)}`, seconds));
  return `sum by (instance, le) (${parts.join(' or ')})`;
}
