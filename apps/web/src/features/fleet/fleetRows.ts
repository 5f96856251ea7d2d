// From what the host monitor says of each host and what its agent summarized, to the fleet's rows, worst first.
// Pure: statuses and summaries in, rows out.
import { formatLatency } from '@bpfscope/charts';
import type { HostSummary, UseKind, UseKindSummary } from '../../api/types';
import type { HostStatus } from '../../state/slices/hosts';
import type { SummaryEntry } from './summaryPoller';

/**
 * Where a host sorts, worst first: what its agent judges critical or warning; then hosts nobody can see into (no
 * answer, then no token: someone must act on either); then reachable hosts without a verdict yet, the healthy ones,
 * and last those still being checked.
 */
export const FLEET_ORDER = ['critical', 'warning', 'unreachable', 'needs-token', 'unknown', 'ok', 'checking'] as const;
export type FleetRank = (typeof FLEET_ORDER)[number];

/** The resource kinds the fleet shows a column for, in the USE table's order. */
export const FLEET_KINDS: ReadonlyArray<{ kind: UseKind; label: string }> = [
  { kind: 'cpu', label: 'CPU' },
  { kind: 'scheduler', label: 'Sched' },
  { kind: 'memory', label: 'Memory' },
  { kind: 'disk', label: 'Disk' },
  { kind: 'network', label: 'Network' },
  { kind: 'tcp', label: 'TCP' },
  { kind: 'fd', label: 'FDs' },
];

export interface FleetRow {
  address: string;
  rank: FleetRank;
  /** The host monitor's word for the host, as the sidebar says it: "reachable", "needs a token", "unreachable"… */
  reachability: string;
  /** The summary shown: only while the host is reachable (an old verdict of a host gone quiet would mislead). */
  summary?: HostSummary;
  /** Why there is no summary to show, in words. */
  problem?: string;
}

function rankOf(status: HostStatus | undefined, entry: SummaryEntry | undefined): Pick<FleetRow, 'rank' | 'reachability' | 'problem'> {
  if (status?.state === 'no-token')
    return { rank: 'needs-token', reachability: 'needs a token', problem: 'No token is stored for this host: open it to paste one.' };
  if (status?.state === 'error') {
    const { kind, message } = status.problem;
    if (kind === 'unauthorized') return { rank: 'needs-token', reachability: 'token refused', problem: message };
    if (kind === 'role') return { rank: 'needs-token', reachability: 'token not allowed', problem: message };
    return { rank: 'unreachable', reachability: kind === 'forbidden' ? 'origin refused' : kind === 'unreachable' ? 'unreachable' : kind, problem: message };
  }
  const reachability = status?.state === 'connected' ? 'reachable' : 'checking…';
  if (entry?.summary) return { rank: entry.summary.verdict, reachability };
  if (entry?.problem) return { rank: 'unknown', reachability, problem: entry.problem.message };
  return { rank: 'checking', reachability };
}

export function fleetRow(address: string, status: HostStatus | undefined, entry: SummaryEntry | undefined): FleetRow {
  const ranked = rankOf(status, entry);
  const reachable = ranked.rank !== 'unreachable' && ranked.rank !== 'needs-token';
  return { address, ...ranked, ...(reachable && entry?.summary ? { summary: entry.summary } : {}) };
}

/** What a row sorts by, whatever the fleet was read from (the agents' summaries, or Prometheus). */
export interface FleetOrderKey {
  rank: FleetRank;
  /** Its resource kinds' verdicts, and how many resources of each were flagged. */
  kinds: ReadonlyArray<{ verdict: UseKindSummary['verdict']; flagged: number }>;
  /** The newest runqlat and biolatency p99 (any unit, the same for every row); undefined when there is none. */
  p99: readonly [number | undefined, number | undefined];
  name: string;
  address: string;
}

/** How many resource kinds are at a verdict: more critical kinds sort first among critical hosts. */
function kindsAt(key: FleetOrderKey, verdict: 'critical' | 'warning'): number {
  return key.kinds.filter((kind) => kind.verdict === verdict).length;
}

function flagged(key: FleetOrderKey): number {
  return key.kinds.reduce((sum, kind) => sum + kind.flagged, 0);
}

/** Higher latency first; a host without one after those with one. */
function byLatency(a: number | undefined, b: number | undefined): number {
  return (b ?? -1) - (a ?? -1);
}

const collator = new Intl.Collator(undefined, { numeric: true });

/**
 * Worst first (FLEET_ORDER); within a rank, more critical then warning kinds, more flagged resources, the higher
 * runqlat then biolatency p99 now, then by name (db-2 before db-10).
 */
export function fleetOrder<Row>(rows: readonly Row[], keyOf: (row: Row) => FleetOrderKey): Row[] {
  const keyed = rows.map((row) => ({ row, key: keyOf(row) }));
  keyed.sort(
    ({ key: a }, { key: b }) =>
      FLEET_ORDER.indexOf(a.rank) - FLEET_ORDER.indexOf(b.rank) ||
      kindsAt(b, 'critical') - kindsAt(a, 'critical') ||
      kindsAt(b, 'warning') - kindsAt(a, 'warning') ||
      flagged(b) - flagged(a) ||
      byLatency(a.p99[0], b.p99[0]) ||
      byLatency(a.p99[1], b.p99[1]) ||
      collator.compare(a.name, b.name) ||
      collator.compare(a.address, b.address),
  );
  return keyed.map(({ row }) => row);
}

/** The newest point of a series that has one. */
export function newestPoint(points: ReadonlyArray<number | null> | undefined): number | undefined {
  if (!points) return undefined;
  for (let index = points.length - 1; index >= 0; index--) {
    const point = points[index];
    if (point !== null && point !== undefined) return point;
  }
  return undefined;
}

/** The agents' fleet, worst first (fleetOrder). */
export function orderFleet(rows: readonly FleetRow[]): FleetRow[] {
  return fleetOrder(rows, (row) => ({
    rank: row.rank,
    kinds: row.summary?.use ?? [],
    p99: [newestPoint(row.summary?.history.runqlatP99Us), newestPoint(row.summary?.history.biolatencyP99Us)],
    name: row.summary?.hostname ?? row.address,
    address: row.address,
  }));
}

/** Hosts at each rank, for the page's header ("1 critical, 2 warning, 8 ok"). */
export function rankCounts(rows: ReadonlyArray<{ rank: FleetRank }>): Array<{ rank: FleetRank; count: number }> {
  return FLEET_ORDER.map((rank) => ({ rank, count: rows.filter((row) => row.rank === rank).length })).filter(({ count }) => count > 0);
}

const COLUMN_WORDS: Record<UseKindSummary['column'], string> = { utilization: 'util', saturation: 'sat', errors: 'err' };

/** A kind's cell: its worst figure ("100 %"), what it is ("sda util", "established"), and on hover the whole of it with the threshold. */
export function kindCell(summary: UseKindSummary): { figure: string; what: string; title: string } {
  // "38 (await 120 ms)" → "38", "0 retrans/s, InErrs 0/s…" → "0 retrans/s": the rest is on hover.
  const shown = summary.text.split(/ \(|, /, 1)[0] ?? summary.text;
  // "8 established", "0 retrans/s": the number alone is the figure, the words say what it counts.
  const counted = /^(\d[\d.]*) ([a-z][a-z/ ]*)$/i.exec(shown);
  const figure = counted?.[1] ?? shown;
  const resource = summary.resource.replace(/^(Disk|Network) /, '');
  const word = counted?.[2] ?? COLUMN_WORDS[summary.column];
  const what = resource === summary.resource ? word : `${resource} ${word}`;
  const others = summary.resources > 1 ? `; ${summary.flagged} of ${summary.resources} flagged` : '';
  return { figure, what, title: `${summary.resource} ${summary.column}: ${summary.text} (${summary.verdict}). ${summary.threshold}${others}` };
}

/**
 * A latency series' figures as shown beside its sparkline: now (the newest two points: the current one has only
 * begun) and the hour's highest, with units; undefined when the hour has no point at all.
 */
export function latencyFigures(points: ReadonlyArray<number | null>): { now: string; max: string } | undefined {
  let max: number | null = null;
  for (const point of points) if (point !== null) max = max === null ? point : Math.max(max, point);
  if (max === null) return undefined;
  const recent = points.slice(-2).filter((point): point is number => point !== null);
  return { now: recent.length > 0 ? formatLatency(Math.max(...recent), 'usecs') : '—', max: formatLatency(max, 'usecs') };
}
