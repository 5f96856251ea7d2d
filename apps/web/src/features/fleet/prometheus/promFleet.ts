// From Prometheus's answers to the fleet's rows and heat map. Pure: checked answers in, rows and frames out.
import type { HeatMapFrame } from '@bpfscope/charts';
import type { PromqlMatrix, PromqlVector } from '../../../api/promql';
import type { UseKind, UseKindSummary } from '../../../api/types';
import type { FleetRank } from '../fleetRows';
import { FLEET_KINDS, fleetOrder, newestPoint } from '../fleetRows';

type Verdict = UseKindSummary['verdict'];

/** The answers of the fleet's queries, each absent until it arrives. */
export interface PromFleetAnswers {
  up?: PromqlVector;
  info?: PromqlVector;
  verdicts?: PromqlVector;
  flagged?: PromqlVector;
  runqlat?: PromqlMatrix;
  biolatency?: PromqlMatrix;
}

/** The points of a range query: start, start + step, … up to end, in seconds since the epoch. */
export interface PointGrid {
  start: number;
  end: number;
  step: number;
}

export interface PromKind {
  kind: UseKind;
  verdict: Verdict;
  /** Cells (device × utilization/saturation/errors) at warning or worse. */
  flagged: number;
  /** The worst of them: which device and column (absent for ok and unknown). */
  worst?: { device?: string; column: string };
}

export interface PromFleetRow {
  /** Prometheus's instance label: the agent's host:port. */
  instance: string;
  jobs: string[];
  hostname?: string;
  kernel?: string;
  version?: string;
  /** up = 1 for at least one of its jobs at the range's end. */
  up: boolean;
  rank: FleetRank;
  /** Its resource kinds, in the USE table's order; undefined until the verdicts arrive. */
  kinds?: PromKind[];
  /** p99 in µs per point of the grid (null: none then); undefined until the query answers. */
  runqlat?: Array<number | null>;
  biolatency?: Array<number | null>;
  /** The verdicts and both sparklines have arrived. */
  filled: boolean;
}

/** bpfscope_use_verdict's value as the verdict it stands for (agentMetrics.ts VERDICT_VALUE). */
export function verdictOf(value: number): Verdict {
  if (value >= 2) return 'critical';
  if (value >= 1) return 'warning';
  if (value >= 0) return 'ok';
  return 'unknown';
}

const VERDICT_ORDER: readonly Verdict[] = ['unknown', 'ok', 'warning', 'critical'];

function worse(a: Verdict, b: Verdict): Verdict {
  return VERDICT_ORDER.indexOf(a) >= VERDICT_ORDER.indexOf(b) ? a : b;
}

function sampleValue(text: string): number {
  // Prometheus writes NaN, +Inf and -Inf as such; Number() reads the first as NaN and the others not at all.
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Each instance's series of a range query, as values on the grid (× `scale`); NaN and gaps are null. An instance
 * with several series (a p99 per disk, or the same agent in two jobs) gets their highest at each point: its worst.
 */
export function seriesByInstance(matrix: PromqlMatrix, grid: PointGrid, scale = 1): Map<string, Array<number | null>> {
  const count = Math.floor((grid.end - grid.start) / grid.step) + 1;
  const byInstance = new Map<string, Array<number | null>>();
  for (const series of matrix) {
    const instance = series.metric.instance;
    if (instance === undefined) continue;
    const points = byInstance.get(instance) ?? new Array<number | null>(count).fill(null);
    for (const [time, text] of series.values) {
      const index = Math.round((time - grid.start) / grid.step);
      const value = sampleValue(text);
      const current = points[index];
      if (index >= 0 && index < count && Number.isFinite(value))
        points[index] = current === null || current === undefined ? value * scale : Math.max(current, value * scale);
    }
    byInstance.set(instance, points);
  }
  return byInstance;
}

function kindsOf(instance: string, verdicts: PromqlVector, flaggedCells: readonly PromqlVector[number][]): PromKind[] {
  const found: PromKind[] = [];
  for (const { kind } of FLEET_KINDS) {
    const sample = verdicts.find((candidate) => candidate.metric.instance === instance && candidate.metric.kind === kind);
    if (!sample) continue;
    const cells = flaggedCells.filter((cell) => cell.metric.kind === kind);
    let worst: PromqlVector[number] | undefined;
    for (const cell of cells) if (!worst || sampleValue(cell.value[1]) > sampleValue(worst.value[1])) worst = cell;
    const entry: PromKind = { kind, verdict: verdictOf(sampleValue(sample.value[1])), flagged: cells.length };
    if (worst) entry.worst = { column: worst.metric.column ?? '', ...(worst.metric.device === undefined ? {} : { device: worst.metric.device }) };
    found.push(entry);
  }
  return found;
}

/**
 * The fleet's rows, worst first as the agents' fleet orders them (fleetOrder): a host per instance of `up`, down
 * when up is 0, its name from bpfscope_agent_info, its verdicts and p99 series as they arrive.
 */
export function promFleetRows(answers: PromFleetAnswers, grid: PointGrid): PromFleetRow[] {
  if (!answers.up) return [];
  const hosts = new Map<string, { jobs: Set<string>; up: boolean }>();
  for (const sample of answers.up) {
    const instance = sample.metric.instance;
    if (instance === undefined) continue;
    const host = hosts.get(instance) ?? { jobs: new Set<string>(), up: false };
    if (sample.metric.job !== undefined) host.jobs.add(sample.metric.job);
    host.up ||= sampleValue(sample.value[1]) === 1;
    hosts.set(instance, host);
  }
  const info = new Map((answers.info ?? []).map((sample) => [sample.metric.instance, sample.metric]));
  // Per instance once, not a scan of every answer per row: 200 hosts × 40 cells stays cheap.
  const flaggedByInstance = new Map<string, PromqlVector[number][]>();
  for (const cell of answers.flagged ?? []) {
    const instance = cell.metric.instance ?? '';
    flaggedByInstance.set(instance, [...(flaggedByInstance.get(instance) ?? []), cell]);
  }
  const verdictsByInstance = new Map<string, PromqlVector[number][]>();
  for (const sample of answers.verdicts ?? []) {
    const instance = sample.metric.instance ?? '';
    verdictsByInstance.set(instance, [...(verdictsByInstance.get(instance) ?? []), sample]);
  }
  const runqlat = answers.runqlat && seriesByInstance(answers.runqlat, grid, 1e6);
  const biolatency = answers.biolatency && seriesByInstance(answers.biolatency, grid, 1e6);
  const count = Math.floor((grid.end - grid.start) / grid.step) + 1;
  const empty = () => new Array<number | null>(count).fill(null);

  const rows: PromFleetRow[] = [...hosts].map(([instance, host]) => {
    const labels = info.get(instance);
    const kinds =
      answers.verdicts && answers.flagged ? kindsOf(instance, verdictsByInstance.get(instance) ?? [], flaggedByInstance.get(instance) ?? []) : undefined;
    const row: PromFleetRow = { instance, jobs: [...host.jobs].sort(), up: host.up, rank: 'checking', filled: false };
    if (labels?.hostname !== undefined) row.hostname = labels.hostname;
    if (labels?.kernel !== undefined) row.kernel = labels.kernel;
    if (labels?.version !== undefined) row.version = labels.version;
    if (kinds) row.kinds = kinds;
    if (runqlat) row.runqlat = runqlat.get(instance) ?? empty();
    if (biolatency) row.biolatency = biolatency.get(instance) ?? empty();
    row.rank = rankOf(row);
    row.filled = kinds !== undefined && row.runqlat !== undefined && row.biolatency !== undefined;
    return row;
  });
  return fleetOrder(rows, (row) => ({
    rank: row.rank,
    kinds: row.kinds ?? [],
    p99: [newestPoint(row.runqlat), newestPoint(row.biolatency)],
    name: row.hostname ?? row.instance,
    address: row.instance,
  }));
}

function rankOf(row: PromFleetRow): FleetRank {
  if (!row.up) return 'unreachable';
  if (!row.kinds) return 'checking';
  const verdict = row.kinds.reduce<Verdict>((worst, kind) => worse(worst, kind.verdict), 'unknown');
  return verdict === 'unknown' ? 'unknown' : verdict;
}

/** A Prometheus `le` bound in seconds as the kernel's log2 slot it closes: le = 2^(slot+1) µs (agentMetrics.ts log2Bounds). */
export function slotOfBound(le: string, slots: number): number | undefined {
  if (le === '+Inf') return slots - 1;
  const micros = Number(le) * 1e6;
  if (!(micros >= 2)) return undefined;
  const exponent = Math.round(Math.log2(micros));
  // A float's last digit aside, the bound is a power of two of µs, or not one of the kernel's slots.
  if (Math.abs(micros / 2 ** exponent - 1) > 1e-6 || exponent > slots - 1) return undefined;
  return exponent - 1;
}

export interface FleetHeatmap {
  frames: HeatMapFrame[];
  /** The `le` label of each slot's bound as Prometheus stores it (to ask for a cell's hosts). */
  bounds: Array<string | undefined>;
  /** Series whose `le` is not a bound of bpfscope's log2 slots (another exporter's histogram in the jobs). */
  foreign: number;
}

/** The kernel's log2 slots of a bpfscope histogram: 31 powers of two and the last, open-ended, under +Inf. */
export const LOG2_SLOTS = 32;

/**
 * `sum by (le)` of the buckets' growth per step (cumulative under each `le`) as heat-map frames of per-slot counts:
 * each slot's count is its bound's minus the bound below's. A frame ends at its point and covers the step before it.
 */
export function heatmapFrames(matrix: PromqlMatrix, grid: PointGrid, slots = LOG2_SLOTS): FleetHeatmap {
  const bounds: Array<string | undefined> = new Array<string | undefined>(slots).fill(undefined);
  const cumulative = new Map<number, Float64Array>();
  let foreign = 0;
  for (const series of matrix) {
    const le = series.metric.le;
    const slot = le === undefined ? undefined : slotOfBound(le, slots);
    if (slot === undefined || le === undefined) {
      foreign++;
      continue;
    }
    bounds[slot] = le;
    for (const [time, text] of series.values) {
      const value = sampleValue(text);
      if (!Number.isFinite(value)) continue;
      let column = cumulative.get(time);
      if (!column) {
        column = new Float64Array(slots).fill(Number.NaN);
        cumulative.set(time, column);
      }
      column[slot] = value;
    }
  }
  const frames: HeatMapFrame[] = [];
  for (const [time, column] of [...cumulative].sort(([a], [b]) => a - b)) {
    const counts = new Array<number>(slots).fill(0);
    // A bound missing at this point (not scraped yet) adds nothing; the next one present counts from the last seen.
    let below = 0;
    for (let slot = 0; slot < slots; slot++) {
      const value = column[slot] as number;
      if (Number.isNaN(value)) continue;
      // Each series was clamped at 0 on its own: the difference of two can dip a hair below 0 only by rounding.
      counts[slot] = Math.max(0, Math.round(value - below));
      below = Math.max(below, value);
    }
    while (counts.length > 0 && counts[counts.length - 1] === 0) counts.pop();
    frames.push({ time: Math.round(time * 1000), intervalMs: grid.step * 1000, counts });
  }
  return { frames, bounds, foreign };
}

export interface HostShare {
  instance: string;
  count: number;
  /** Of the cell's count over every host, 0..1. */
  share: number;
}

/**
 * Each host's count in a heat-map cell, from `sum by (instance, le)` under the cell's bound and the one below
 * (`upper`, `lower`: their le labels; lower absent for the lowest slot or a whole column): most first, the hosts
 * with none left out.
 */
export function hostShares(vector: PromqlVector, upper: string, lower?: string): HostShare[] {
  const counts = new Map<string, number>();
  for (const sample of vector) {
    const instance = sample.metric.instance;
    if (instance === undefined) continue;
    const value = sampleValue(sample.value[1]);
    if (!Number.isFinite(value)) continue;
    const sign = sample.metric.le === upper ? 1 : sample.metric.le === lower ? -1 : 0;
    counts.set(instance, (counts.get(instance) ?? 0) + sign * value);
  }
  const positive = [...counts].map(([instance, count]) => ({ instance, count: Math.max(0, Math.round(count)) })).filter(({ count }) => count > 0);
  const total = positive.reduce((sum, { count }) => sum + count, 0);
  return positive.map((entry) => ({ ...entry, share: entry.count / total })).sort((a, b) => b.count - a.count || a.instance.localeCompare(b.instance));
}
