// The seconds of a selected range as one sample, as sar prints its "Average:" line: each figure the mean of the
// seconds that have it (rates and percentages over equal 1 s intervals, gauges alike), except iostat's await and
// request sizes, which are weighted by the I/Os of each second as iostat computes them over a longer interval.
// What is not a figure (names, flags, processes, kernel-log records) is the newest second's.
import type { OverviewSample } from './types.js';

/** Rows of a table are matched across seconds by what names them: mpstat's CPU, iostat's Device, sar's IFACE. */
const ROW_KEYS = ['CPU', 'Device', 'IFACE'] as const;

/** iostat columns that are a mean per I/O, and the rate of the I/Os they are a mean of. */
const PER_IO_COLUMNS = [
  ['r_await', 'r/s'],
  ['rareq-sz', 'r/s'],
  ['w_await', 'w/s'],
  ['wareq-sz', 'w/s'],
  ['d_await', 'd/s'],
  ['dareq-sz', 'd/s'],
  ['f_await', 'f/s'],
] as const;

type Fields = Record<string, unknown>;

/** The running mean of one value of the newest second's shape, filled a second at a time (one pass, no copies: an hour is 3,600 seconds). */
type Mean =
  | { kind: 'number'; sum: number; count: number; newest: number }
  | { kind: 'fields'; names: string[]; means: Mean[] }
  | { kind: 'rows'; key: (typeof ROW_KEYS)[number]; rows: Map<unknown, Mean> }
  | { kind: 'kept'; value: unknown };

function isFields(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function meanOf(newest: unknown, kept: ReadonlySet<string> = new Set()): Mean {
  if (typeof newest === 'number') return { kind: 'number', sum: 0, count: 0, newest };
  if (Array.isArray(newest)) {
    const first: unknown = newest[0];
    const key = isFields(first) ? ROW_KEYS.find((candidate) => candidate in first) : undefined;
    if (key === undefined) return { kind: 'kept', value: newest };
    return { kind: 'rows', key, rows: new Map(newest.filter(isFields).map((row) => [row[key], meanOf(row)])) };
  }
  if (isFields(newest)) {
    const names = Object.keys(newest);
    return { kind: 'fields', names, means: names.map((name): Mean => (kept.has(name) ? { kind: 'kept', value: newest[name] } : meanOf(newest[name]))) };
  }
  return { kind: 'kept', value: newest };
}

/** Adds one second's value; a second without it (null, another shape, a row it lacks) adds nothing. */
function add(mean: Mean, value: unknown): void {
  switch (mean.kind) {
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) {
        mean.sum += value;
        mean.count++;
      }
      return;
    case 'fields':
      if (isFields(value)) for (let i = 0; i < mean.names.length; i++) add(mean.means[i] as Mean, value[mean.names[i] as string]);
      return;
    case 'rows':
      if (Array.isArray(value)) {
        for (const row of value as unknown[]) {
          const rowMean = isFields(row) ? mean.rows.get(row[mean.key]) : undefined;
          if (rowMean) add(rowMean, row);
        }
      }
      return;
    case 'kept':
      return;
    default:
      mean satisfies never;
  }
}

function result(mean: Mean): unknown {
  switch (mean.kind) {
    case 'number':
      return mean.count === 0 ? mean.newest : mean.sum / mean.count;
    case 'fields':
      return Object.fromEntries(mean.names.map((name, i) => [name, result(mean.means[i] as Mean)]));
    case 'rows':
      return [...mean.rows.values()].map(result);
    case 'kept':
      return mean.value;
    default:
      return mean satisfies never;
  }
}

/** Not figures, or not averaged: the newest second's. */
const NEWEST_FIELDS: ReadonlySet<string> = new Set(['time', 'uptime', 'interval', 'cpus', 'pidstat', 'kernelLog', 'errors']);

/** iostat's per-I/O columns of one device over the seconds: Σ(rate × mean) / Σ rate, 0 without I/O. */
function weightIostat(average: OverviewSample, samples: readonly OverviewSample[]): void {
  for (const row of average.iostat ?? []) {
    const seconds = samples.flatMap((sample) => sample.iostat?.filter((candidate) => candidate.Device === row.Device) ?? []);
    for (const [column, rate] of PER_IO_COLUMNS) {
      if (row[column] === null) continue;
      let ios = 0;
      let weighted = 0;
      for (const second of seconds) {
        ios += second[rate] ?? 0;
        weighted += (second[rate] ?? 0) * (second[column] ?? 0);
      }
      row[column] = ios > 0 ? weighted / ios : 0;
    }
  }
}

/** The range's samples (oldest first) as one, in the newest second's shape; undefined for none. */
export function averageSamples(samples: readonly OverviewSample[]): OverviewSample | undefined {
  const newest = samples.at(-1);
  if (!newest) return undefined;
  if (samples.length === 1) return newest;
  const mean = meanOf(newest, NEWEST_FIELDS);
  for (const sample of samples) add(mean, sample);
  const average = result(mean) as OverviewSample;
  weightIostat(average, samples);
  return average;
}
