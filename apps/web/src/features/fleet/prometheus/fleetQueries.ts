// The PromQL of the fleet read from Prometheus: a fixed handful of queries for the whole fleet, whatever its size
// (never one per host), each over the scrape jobs the page was given. Pure: a job matcher and a range in, text out.
import type { FleetHeatmapTool } from '../../../state/fleetPrometheusLink';

/** Columns the fleet heat map has at most over its range. */
export const MAX_POINTS = 300;
/**
 * Points a host's sparkline has at most: one a pixel of its 64. Per-host series are what a fleet's PromQL costs
 * (200 hosts × 32 buckets rated at every point), so they get no more points than can be drawn.
 */
export const MAX_SPARKLINE_POINTS = 64;

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
 * Seconds between points: the range over at most `points`, rounded up to a whole second (for the heat map's 300,
 * 15 min → 3 s, 1 h → 12 s, 7 d → 2016 s).
 */
export function stepFor(rangeSeconds: number, points = MAX_POINTS): number {
  return Math.max(1, Math.ceil(rangeSeconds / points));
}

/**
 * The window a p99 point is worked out over: two steps, and at least a minute so that a Prometheus scraping every
 * 15 or 30 s still has two samples in it (rate() needs two).
 */
export function rateWindow(step: number): number {
  return Math.max(2 * step, 60);
}

/** One host's scrapes over the 10 minutes before the instant asked: their timestamps say the scrape interval. */
export function scrapeIntervalQuery(job: string, instance: string): string {
  return `up${jobSelector(job, `, instance=${promqlString(instance)}`)}[10m]`;
}

/** The median time between samples of a range vector's first series, in whole seconds; undefined under two samples. */
export function scrapeIntervalOf(matrix: ReadonlyArray<{ values: ReadonlyArray<readonly [number, string]> }>): number | undefined {
  const times = matrix[0]?.values.map(([time]) => time) ?? [];
  const gaps = times
    .slice(1)
    .map((time, index) => time - (times[index] as number))
    .sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  return median === undefined ? undefined : Math.max(1, Math.round(median));
}

/** A heat-map step of at least `step`, a whole number of scrapes when the interval is known. */
export function columnStep(step: number, scrapeSeconds: number | undefined): number {
  return scrapeSeconds === undefined ? step : Math.ceil(step / scrapeSeconds) * scrapeSeconds;
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

/**
 * The p99 of a tool over the range, a series per histogram the agents export: one per host for runqlat, one per disk
 * for biolatency (the page shows a host's worst). Without a sum by instance first: that aggregation over every
 * host's buckets at every point costs Prometheus more than the quantiles themselves (200 hosts: 2 s against 0.8 s).
 */
export function p99Query(tool: FleetHeatmapTool, job: string, step: number): string {
  return `histogram_quantile(0.99, rate(${bucketMetric(tool)}${jobSelector(job)}[${rateWindow(step)}s]))`;
}

/**
 * How much each series of a counter grew in the `seconds` before the instant asked: the difference of the counter
 * then and now (exact, whatever the scrape interval; increase() over a window shorter than two scrapes has nothing),
 * 0 for a counter that went down (an agent restarted), and increase() over the window for a series with no sample
 * `seconds` before (scraped since).
 */
export function growth(series: string, seconds: number): string {
  return `(clamp_min(${series} - ${series} offset ${seconds}s, 0) or increase(${series}[${seconds}s]))`;
}

/**
 * The fleet heat map: how much every host's buckets grew in the step before each point, added up. The sums a step
 * apart, subtracted: they add up exactly over the range (no window to fall between), and summing first makes it
 * one subtraction of 32 series a point, not one per host and bucket (200 hosts: 0.8 s instead of 6 s). The cost: a
 * step in which an agent restarts or a host appears or leaves counts its whole cumulative change (clamped at 0).
 */
export function heatmapQuery(tool: FleetHeatmapTool, job: string, step: number): string {
  const series = `${bucketMetric(tool)}${jobSelector(job)}`;
  return `clamp_min(sum by (le) (${series}) - sum by (le) (${series} offset ${step}s), 0)`;
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
