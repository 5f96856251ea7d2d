// A table's numeric columns over time (cachestat's HITS, MISSES...): rows in, one
// SVG path per column out, with the axes' ticks. Pure, so it is tested on rows.
import { scaleLinear } from 'd3-scale';

export interface TimeSeriesLine {
  /** The rows' field, or the line's own name when `field` says which field. */
  key: string;
  /** What the legend calls it (the column's header). */
  label: string;
  /** The rows' field the line draws, when it is not `key` (a line per series of one column). */
  field?: string;
  /** Only the rows whose `key` field is `value` (funccount's FUNC): one line per series of a column. */
  where?: { key: string; value: unknown };
}

/** Distinct times, oldest first, and each line's value at each (null: not counted, or no row). */
export interface TimeSeriesPoints {
  times: number[];
  values: Map<string, Array<number | null>>;
}

/**
 * Rows to points: rows of one time add up (a count mode's row per key makes one
 * total), a line is null at a time where none of its rows has a number (a column
 * the host cannot count), and rows without a numeric time are left out.
 */
export function timeSeriesPoints(rows: readonly Readonly<Record<string, unknown>>[], lines: readonly TimeSeriesLine[], timeKey = 'time'): TimeSeriesPoints {
  const byTime = new Map<number, Array<number | null>>();
  for (const row of rows) {
    const time = row[timeKey];
    if (typeof time !== 'number' || !Number.isFinite(time)) continue;
    let sums = byTime.get(time);
    if (!sums) byTime.set(time, (sums = lines.map(() => null)));
    lines.forEach((line, index) => {
      if (line.where && row[line.where.key] !== line.where.value) return;
      const value = row[line.field ?? line.key];
      if (typeof value === 'number' && Number.isFinite(value)) sums[index] = (sums[index] ?? 0) + value;
    });
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const values = new Map(lines.map((line, index) => [line.key, times.map((time) => byTime.get(time)?.[index] ?? null)]));
  return { times, values };
}

/**
 * A line per series of one column (funccount's COUNT per FUNC): the `max` series with the largest totals, largest
 * first, so a wildcard over hundreds of functions draws the ones that matter.
 */
export function linesPerSeries(rows: readonly Readonly<Record<string, unknown>>[], column: string, seriesBy: string, max = 10): TimeSeriesLine[] {
  const totals = new Map<unknown, number>();
  for (const row of rows) {
    const value = row[column];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    totals.set(row[seriesBy], (totals.get(row[seriesBy]) ?? 0) + value);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([series]) => ({ key: `${column}:${String(series)}`, label: String(series), field: column, where: { key: seriesBy, value: series } }));
}

export interface TimeSeriesOptions {
  width: number;
  height: number;
  /** The time range drawn, epoch ms; default the first to the last point. */
  from?: number;
  to?: number;
  /** Without `from`, the range spans at least this much before `to` (a live chart's first points start at the right). */
  minSpanMs?: number;
  timeKey?: string;
  /** Most ticks on the value axis (default 4). */
  valueTicks?: number;
}

export interface TimeSeriesLineModel extends TimeSeriesLine {
  /** The SVG path's `d` ('' when there is nothing to draw). */
  path: string;
  /** Whether any point in range has a value: a column never counted on this host is told apart from one at zero. */
  counted: boolean;
  /** Where the newest value in range is drawn, for a marker. */
  last?: { x: number; y: number };
}

export interface TimeSeriesModel {
  lines: TimeSeriesLineModel[];
  points: TimeSeriesPoints;
  from: number;
  to: number;
  /** The value at the top of the plot. */
  max: number;
  valueTicks: Array<{ value: number; y: number }>;
  timeTicks: Array<{ time: number; x: number }>;
}

/** Time-axis steps a tick may take: seconds up to hours. */
const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((seconds) => seconds * 1000);

/** Ticks on whole multiples of a step that leaves at least `minSpacing` px between labels. */
export function timeTicks(from: number, to: number, width: number, minSpacing = 70): number[] {
  if (!(to > from) || width <= 0) return [];
  const wanted = Math.max(1, Math.floor(width / minSpacing));
  const step = TIME_STEPS_MS.find((candidate) => (to - from) / candidate <= wanted) ?? Math.ceil((to - from) / wanted / 3600_000) * 3600_000;
  const ticks: number[] = [];
  for (let time = Math.ceil(from / step) * step; time <= to; time += step) ticks.push(time);
  return ticks;
}

/** The usual gap between points (the interval), so a longer one (the session was away) breaks the line. */
function typicalStep(times: readonly number[]): number {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) steps.push((times[i] as number) - (times[i - 1] as number));
  if (steps.length === 0) return Infinity;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] as number;
}

/**
 * One path per line. Where points are denser than pixels, each pixel column
 * keeps its lowest and highest value (drawn as a vertical stroke), so a
 * one-interval spike or dip survives an hour drawn in a few hundred pixels.
 */
export function timeSeriesModel(
  rows: readonly Readonly<Record<string, unknown>>[],
  lines: readonly TimeSeriesLine[],
  options: TimeSeriesOptions,
): TimeSeriesModel {
  const points = timeSeriesPoints(rows, lines, options.timeKey);
  const { times } = points;
  const newest = options.to ?? times[times.length - 1] ?? 0;
  const from = options.from ?? Math.min(times[0] ?? newest, newest - (options.minSpanMs ?? 0));
  const to = Math.max(newest, from + 1);
  const inRange = (time: number) => time >= from && time <= to;
  let top = 0;
  for (const values of points.values.values())
    values.forEach((value, index) => inRange(times[index] as number) && value !== null && (top = Math.max(top, value)));
  const y = scaleLinear()
    .domain([0, top > 0 ? top : 1])
    .range([options.height, 0])
    .nice(options.valueTicks ?? 4);
  const max = y.domain()[1] as number;
  const x = (time: number) => ((time - from) / (to - from)) * options.width;
  const gap = 2 * typicalStep(times);
  const round = (value: number) => Math.round(value * 10) / 10;

  const lineModels = lines.map((line): TimeSeriesLineModel => {
    const values = points.values.get(line.key) ?? [];
    let path = '';
    let counted = false;
    let drawing = false;
    /** Pixel columns in the subpath being drawn: a lone point is drawn as a dot (round caps on a zero-length line). */
    let columnsInPath = 0;
    let last: { x: number; y: number } | undefined;
    let column: { x: number; low: number; high: number; first: number; last: number } | undefined;
    let previousTime = -Infinity;
    const flush = () => {
      if (!column) return;
      const { x: left, low, high, first } = column;
      path += `${drawing ? 'L' : 'M'}${round(left)} ${round(y(first))}`;
      if (low !== high) path += `L${round(left)} ${round(y(low))}L${round(left)} ${round(y(high))}L${round(left)} ${round(y(column.last))}`;
      last = { x: round(left), y: round(y(column.last)) };
      drawing = true;
      columnsInPath++;
      column = undefined;
    };
    const endPath = () => {
      flush();
      if (columnsInPath === 1 && !path.endsWith('h0')) path += 'h0';
      columnsInPath = 0;
      drawing = false;
    };
    values.forEach((value, index) => {
      const time = times[index] as number;
      if (!inRange(time)) return;
      if (value === null || time - previousTime > gap) endPath();
      previousTime = time;
      if (value === null) return;
      counted = true;
      const pixel = Math.round(x(time));
      if (column && column.x !== pixel) flush();
      if (!column) column = { x: pixel, low: value, high: value, first: value, last: value };
      else {
        column.low = Math.min(column.low, value);
        column.high = Math.max(column.high, value);
        column.last = value;
      }
    });
    endPath();
    return { ...line, path, counted, ...(last === undefined ? {} : { last }) };
  });

  return {
    lines: lineModels,
    points,
    from,
    to,
    max,
    valueTicks: y.ticks(options.valueTicks ?? 4).map((value) => ({ value, y: y(value) })),
    timeTicks: timeTicks(from, to, options.width).map((time) => ({ time, x: x(time) })),
  };
}

/** The index in `times` (sorted) nearest `time`, or -1 when there are none: the point a pointer is over. */
export function nearestTimeIndex(times: readonly number[], time: number): number {
  if (times.length === 0) return -1;
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((times[middle] as number) < time) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && time - (times[low - 1] as number) <= (times[low] as number) - time) return low - 1;
  return low;
}
