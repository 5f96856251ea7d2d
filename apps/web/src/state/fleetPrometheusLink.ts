// The fleet read from Prometheus, as a link says it: `#/fleet?prometheus=<base URL>|agent:<host:port>&job=<regex>&range=<…>`.
// Where PromQL goes (a Prometheus the browser fetches, or an agent that proxies it), which scrape jobs are the
// fleet, and the time range. Never a credential: a URL with a user or password, a query or a fragment is refused.
import { z } from 'zod';
import { hostPattern } from './hostAddress';

/** The ranges offered as buttons, ending now. */
export const FLEET_RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type FleetRangePreset = (typeof FLEET_RANGE_PRESETS)[number];

export const PRESET_SECONDS: Readonly<Record<FleetRangePreset, number>> = { '15m': 900, '1h': 3600, '6h': 21_600, '24h': 86_400, '7d': 604_800 };

/** The last few minutes up to now, or an absolute from–to in epoch ms (yesterday's incident). */
export type FleetRange = { last: FleetRangePreset } | { from: number; to: number };

/** Where the page's PromQL goes. */
export type PromqlSource = { url: string } | { agent: string };

/** The tools whose histograms the fleet heat map can add up. */
export const FLEET_HEATMAP_TOOLS = ['runqlat', 'biolatency'] as const;
export type FleetHeatmapTool = (typeof FLEET_HEATMAP_TOOLS)[number];

export interface FleetPrometheus {
  /** Absent: Prometheus mode chosen, its source not given yet. */
  source?: PromqlSource;
  /** A Prometheus regex over `job` (`job=~"…"`), anchored as Prometheus anchors it. */
  job: string;
  range: FleetRange;
  heatmap: FleetHeatmapTool;
}

export const DEFAULT_FLEET_JOB = 'bpfscope';
export const defaultFleetPrometheus: FleetPrometheus = { job: DEFAULT_FLEET_JOB, range: { last: '1h' }, heatmap: 'runqlat' };

/** The longest range asked for: what the agent's proxy allows (32 days). */
export const MAX_FLEET_RANGE_MS = 32 * 24 * 3600 * 1000;
/** Year 2200: anything later in a link is a typo or an attack. */
const MAX_EPOCH_MS = 7_258_118_400_000;
const MAX_URL = 512;
const MAX_JOB = 128;

/** Why a Prometheus base URL cannot be used, in words; undefined when it can. */
export function prometheusUrlProblem(text: string): string | undefined {
  if (text.length > MAX_URL) return `the Prometheus URL is longer than ${MAX_URL} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'the Prometheus URL must be a whole URL, http://host:9090 or https://…';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the Prometheus URL must be http or https';
  if (url.username !== '' || url.password !== '') return 'the Prometheus URL must not hold a user or password: a link is shared, a credential must not be';
  if (url.search !== '' || url.hash !== '') return 'the Prometheus URL is its base (http://host:9090/ or a path prefix), without ? or #';
  return undefined;
}

/** The base URL as stored in a link: no trailing slash (`http://prom:9090`, `https://example/prometheus`). */
export function normalPrometheusUrl(text: string): string {
  return new URL(text).href.replace(/\/+$/, '');
}

export const jobMatcherSchema = z
  .string()
  .min(1)
  .max(MAX_JOB)
  // Printable text only: it goes into a PromQL string, escaped, but a control character is never meant.
  .regex(/^[^\p{Cc}]+$/u);

const rangeSchema = z.union([
  z.object({ last: z.enum(FLEET_RANGE_PRESETS) }),
  z
    .object({ from: z.number().int().min(0).max(MAX_EPOCH_MS), to: z.number().int().min(0).max(MAX_EPOCH_MS) })
    .refine((range) => range.from < range.to && range.to - range.from <= MAX_FLEET_RANGE_MS),
]);

export const fleetPrometheusSchema = z.object({
  source: z
    .union([z.object({ url: z.string().refine((url) => prometheusUrlProblem(url) === undefined) }), z.object({ agent: z.string().regex(hostPattern) })])
    .optional(),
  job: jobMatcherSchema,
  range: rangeSchema,
  heatmap: z.enum(FLEET_HEATMAP_TOOLS),
});

/** The query parameters of a Prometheus fleet link, in a fixed order. */
export function encodeFleetPrometheus(prometheus: FleetPrometheus): string[] {
  const { source, job, range, heatmap } = prometheus;
  const sourceText = source === undefined ? '' : 'url' in source ? source.url : `agent:${source.agent}`;
  const query = [`prometheus=${encodeURIComponent(sourceText).replace(/%3A/g, ':')}`, `job=${encodeURIComponent(job)}`];
  query.push(`range=${'last' in range ? range.last : `${range.from}-${range.to}`}`);
  query.push(`heatmap=${heatmap}`);
  return query;
}

export const fleetPrometheusProblems = {
  source: 'prometheus must be a Prometheus base URL (http or https, no user, password, ? or #) or agent:<host:port>',
  job: `job must be a Prometheus regex over job names, 1 to ${MAX_JOB} printable characters`,
  range: `range must be ${FLEET_RANGE_PRESETS.join(', ')} or <from>-<to> in epoch milliseconds, at most 32 days`,
  heatmap: `heatmap must be ${FLEET_HEATMAP_TOOLS.join(' or ')}`,
} as const;

/**
 * The Prometheus part of a fleet link, when it has `prometheus=` (even empty: the mode without a source yet);
 * what is wrong is said (never quoting it: a pasted URL may hold a secret) and left at its default.
 */
export function decodeFleetPrometheus(query: URLSearchParams, problems: string[]): FleetPrometheus | undefined {
  const sourceText = query.get('prometheus');
  if (sourceText === null) return undefined;
  const prometheus: FleetPrometheus = { ...defaultFleetPrometheus };
  const trimmed = sourceText.trim();
  if (trimmed.startsWith('agent:')) {
    const agent = trimmed.slice('agent:'.length);
    if (hostPattern.test(agent)) prometheus.source = { agent };
    else problems.push(fleetPrometheusProblems.source);
  } else if (trimmed !== '') {
    if (prometheusUrlProblem(trimmed) === undefined) prometheus.source = { url: normalPrometheusUrl(trimmed) };
    else problems.push(fleetPrometheusProblems.source);
  }
  const job = query.get('job');
  if (job !== null) {
    if (jobMatcherSchema.safeParse(job).success) prometheus.job = job;
    else problems.push(fleetPrometheusProblems.job);
  }
  const range = query.get('range');
  if (range !== null) {
    const parsed = parseRange(range);
    if (parsed) prometheus.range = parsed;
    else problems.push(fleetPrometheusProblems.range);
  }
  const heatmap = query.get('heatmap');
  if (heatmap !== null) {
    if ((FLEET_HEATMAP_TOOLS as readonly string[]).includes(heatmap)) prometheus.heatmap = heatmap as FleetHeatmapTool;
    else problems.push(fleetPrometheusProblems.heatmap);
  }
  return prometheus;
}

function parseRange(text: string): FleetRange | undefined {
  if ((FLEET_RANGE_PRESETS as readonly string[]).includes(text)) return { last: text as FleetRangePreset };
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(text);
  if (!match) return undefined;
  const range = { from: Number(match[1]), to: Number(match[2]) };
  return rangeSchema.safeParse(range).success ? range : undefined;
}

/** The range's bounds in epoch ms, a preset ending at `now`. */
export function rangeBounds(range: FleetRange, now: number): { from: number; to: number } {
  return 'last' in range ? { from: now - PRESET_SECONDS[range.last] * 1000, to: now } : range;
}
