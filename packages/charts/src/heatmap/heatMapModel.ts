// Pure transforms behind the latency heat map: frames of log2 histograms over time
// become a matrix of cells (time column × latency slot), percentiles come from the
// buckets, and a selected time range becomes one histogram.
import { formatClockTime } from '@bpfscope/formats';
import { bucketRange, log2BucketRange, MAX_EXACT_LOG2_SLOT } from '../histogram/log2Buckets.js';
import type { LinearBuckets } from '../histogram/log2Buckets.js';

/** One interval's histogram, as the agent streams it (one series, or several added up). */
export interface HeatMapFrame {
  /** End of the interval, epoch ms. */
  time: number;
  intervalMs: number;
  /** Count per log2 slot; trailing empty slots may be left off. */
  counts: readonly number[];
}

/**
 * Frames binned into cells: time column × latency slot. Flat typed arrays, not
 * an object and an array per column: a 3,600 × 64 map is built, painted and
 * searched for percentiles on every live update, and on a page's first paint.
 */
export interface HeatMapMatrix {
  /** Columns of `columnMs` each, from `from`: column c covers [from + c × columnMs, from + (c + 1) × columnMs). */
  columnCount: number;
  /** Slots 0..slotCount-1 are shown (at least up to the highest non-empty one). */
  slotCount: number;
  /** Count per cell, column after column: cell (column, slot) is cells[column × slotCount + slot]. */
  cells: Float64Array;
  /** Count per column. */
  columnTotals: Float64Array;
  /** Count over all cells. */
  total: number;
  /** Largest cell count, for the colour scale. */
  maxCount: number;
  from: number;
  to: number;
  columnMs: number;
}

export interface MatrixOptions {
  /** Time range shown, epoch ms. */
  from: number;
  to: number;
  /** At most this many columns (about one per pixel); frames are added up into wider columns. */
  maxColumns: number;
  /** Shown slots at least (so an idle map keeps its axis). */
  minSlots?: number;
}

/**
 * Bins frames into fixed-width columns over [from, to). A frame belongs to the column
 * holding its end time; columns without frames stay empty (no data is not zero).
 */
export function buildHeatMapMatrix(frames: readonly HeatMapFrame[], options: MatrixOptions): HeatMapMatrix {
  const span = Math.max(1, options.to - options.from);
  const typicalInterval = medianInterval(frames);
  // No narrower than a frame's interval: a column per frame at most.
  const columnMs = Math.max(typicalInterval, Math.ceil(span / Math.max(1, options.maxColumns)));
  const columnCount = Math.max(1, Math.ceil(span / columnMs));
  // One pass adds the frames up at the widest stride any frame needs; the slots
  // above the highest non-empty one are cut off afterwards.
  let stride = options.minSlots ?? 1;
  for (let index = 0; index < frames.length; index++) stride = Math.max(stride, (frames[index] as HeatMapFrame).counts.length);
  let cells = new Float64Array(columnCount * stride);
  const columnTotals = new Float64Array(columnCount);
  let highestSlot = -1;
  let maxCount = 0;
  let total = 0;
  for (let index = 0; index < frames.length; index++) {
    const frame = frames[index] as HeatMapFrame;
    if (frame.time <= options.from || frame.time > options.to) continue;
    const column = Math.min(columnCount - 1, Math.floor((frame.time - 1 - options.from) / columnMs));
    if (column < 0) continue;
    const counts = frame.counts;
    const base = column * stride;
    let frameTotal = 0;
    if (columnTotals[column] === 0) {
      // The column's first frame with events, nearly always its only one: copied whole (one call, not a loop).
      cells.set(counts, base);
      for (let slot = 0; slot < counts.length; slot++) {
        const count = counts[slot] as number;
        frameTotal += count;
        if (count > maxCount) maxCount = count;
      }
    } else {
      for (let slot = 0; slot < counts.length; slot++) {
        const count = counts[slot] as number;
        const cell = (cells[base + slot] as number) + count;
        cells[base + slot] = cell;
        if (cell > maxCount) maxCount = cell;
        frameTotal += count;
      }
    }
    if (frameTotal === 0) continue;
    let top = counts.length - 1;
    while ((counts[top] as number) === 0) top--;
    if (top > highestSlot) highestSlot = top;
    columnTotals[column] = (columnTotals[column] as number) + frameTotal;
    total += frameTotal;
  }
  const slotCount = Math.max(options.minSlots ?? 1, highestSlot + 1);
  if (slotCount < stride) {
    const narrow = new Float64Array(columnCount * slotCount);
    for (let column = 0; column < columnCount; column++) narrow.set(cells.subarray(column * stride, column * stride + slotCount), column * slotCount);
    cells = narrow;
  }
  return { columnCount, slotCount, cells, columnTotals, total, maxCount, from: options.from, to: options.from + columnCount * columnMs, columnMs };
}

/** One column's counts, slot 0 first: a view into the matrix, not a copy. */
export function columnCounts(matrix: HeatMapMatrix, column: number): Float64Array {
  return matrix.cells.subarray(column * matrix.slotCount, (column + 1) * matrix.slotCount);
}

/** Sum of the frames ending in (from, to]: the histogram of a selected range. */
export function sumFrames(frames: readonly HeatMapFrame[], from = -Infinity, to = Infinity): number[] {
  const sum: number[] = [];
  for (const frame of frames) {
    if (frame.time <= from || frame.time > to) continue;
    frame.counts.forEach((count, slot) => {
      sum[slot] = (sum[slot] ?? 0) + count;
    });
  }
  return Array.from(sum, (count) => count ?? 0);
}

/**
 * The value below which `percentile`% of the counts fall, interpolating linearly
 * inside the bucket it lands in (log2 buckets say no more than that). Undefined
 * when there are no counts.
 */
export function percentileFromLog2(counts: readonly number[], percentile: number, buckets?: LinearBuckets): number | undefined {
  if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be within 0..100, got ${percentile}`);
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = (percentile / 100) * total;
  let below = 0;
  for (let slot = 0; slot < counts.length; slot++) {
    const count = counts[slot] ?? 0;
    if (count > 0 && below + count >= rank) {
      const { low, high } = bucketRange(slot, buckets);
      // Linear buckets' open ends say only that: below min, or max and above.
      if (!Number.isFinite(low)) return high + 1;
      if (!Number.isFinite(high)) return low;
      const within = count === 0 ? 0 : (rank - below) / count;
      return low + within * (high + 1 - low);
    }
    below += count;
  }
  const last = lastNonZero(counts);
  if (buckets) return Math.min(bucketRange(Math.max(0, last), buckets).high, buckets.max);
  return log2BucketRange(Math.min(Math.max(0, last), MAX_EXACT_LOG2_SLOT)).high;
}

/**
 * Where a percentile of log2 counts lies: the bucket, not a value inside it, since
 * log2 counts say no more than that. Undefined when there are no counts.
 */
export function percentileBucket(counts: readonly number[], percentile: number): number | undefined {
  if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be within 0..100, got ${percentile}`);
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((percentile / 100) * total));
  let below = 0;
  for (let slot = 0; slot < counts.length; slot++) {
    below += counts[slot] ?? 0;
    if (below >= rank) return slot;
  }
  return lastNonZero(counts);
}

/** The nearest-rank percentile of exact values (sorted ascending); undefined for none. */
export function percentileOfSorted(sorted: readonly number[], percentile: number): number | undefined {
  if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be within 0..100, got ${percentile}`);
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1))];
}

/**
 * One line per percentile, in the order asked: a point per `columnsPerPoint`
 * adjacent columns (their counts added up), holding the percentile's position on
 * the slot axis (slot + fraction within it, as percentileFromLog2 interpolates;
 * slot s spans s .. s + 1), NaN where those columns have no counts. Positions,
 * not latencies: what a chart plots, with no object per point.
 */
export function percentilePositions(matrix: HeatMapMatrix, percentiles: readonly number[], columnsPerPoint = 1): Float64Array[] {
  for (const percentile of percentiles) {
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be within 0..100, got ${percentile}`);
  }
  const { columnCount, slotCount, cells, columnTotals } = matrix;
  const group = Math.max(1, Math.floor(columnsPerPoint));
  const pointCount = Math.ceil(columnCount / group);
  // All lines in one array (line after line), and plain number arrays in the
  // loop below: nothing whose shape the compiler must check per point.
  const positions = new Float64Array(percentiles.length * pointCount).fill(Number.NaN);
  // Ascending, so one walk up the slots serves every percentile.
  const order = Int32Array.from(percentiles.keys()).sort((a, b) => (percentiles[a] as number) - (percentiles[b] as number));
  const fractions = Float64Array.from(order, (index) => (percentiles[index] as number) / 100);
  const lineStarts = Int32Array.from(order, (index) => index * pointCount);
  const lastSlot = slotCount - 1;
  const percentileCount = fractions.length;
  for (let point = 0; point < pointCount; point++) {
    const firstColumn = point * group;
    const endColumn = Math.min(columnCount, firstColumn + group);
    let total = 0;
    for (let column = firstColumn; column < endColumn; column++) total += columnTotals[column] as number;
    if (total === 0) continue;
    // Up the slots, the group's counts added up slot by slot, only as far as the
    // highest percentile: most of a latency histogram lies above its p99. The
    // loop runs once per slot, often before the engine has compiled it: as few
    // steps as it can, the rare work (a percentile reached) apart.
    let index = 0;
    let rank = (fractions[0] as number) * total;
    let below = 0;
    const first = firstColumn * slotCount;
    const end = endColumn * slotCount;
    for (let slot = 0; ; slot++) {
      let count = cells[first + slot] as number;
      for (let cell = first + slotCount + slot; cell < end; cell += slotCount) count += cells[cell] as number;
      const upTo = below + count;
      if ((upTo >= rank && count !== 0) || slot >= lastSlot) {
        while (index < percentileCount && ((count !== 0 && upTo >= rank) || slot >= lastSlot)) {
          positions[(lineStarts[index] as number) + point] = slot + (count === 0 ? 1 : Math.min(1, Math.max(0, (rank - below) / count)));
          index++;
          rank = (fractions[index] ?? 0) * total;
        }
        if (index === percentileCount) break;
      }
      below = upTo;
    }
  }
  return percentiles.map((_, index) => positions.subarray(index * pointCount, (index + 1) * pointCount));
}

/** Percentile lines get a point about every this many px. */
export const PERCENTILE_POINT_SPACING = 3;
/** percentileLinePaths' units: hundredths of a pixel. */
export const PATH_UNITS_PER_PX = 100;

/**
 * SVG path data of each percentile's line over a plot `width` × `height` px (y
 * down from its top), in hundredths of a pixel (whole numbers: they are
 * written several times faster than fractions, finer than any stroke shows),
 * in the order asked: a point about every PERCENTILE_POINT_SPACING px at the
 * centre of the columns under it (added up), a gap where they have no counts,
 * and a run of equal heights one segment. Per-second percentiles at a pixel
 * each are noise to the eye.
 */
export function percentileLinePaths(matrix: HeatMapMatrix, percentiles: readonly number[], { width, height }: { width: number; height: number }): string[] {
  if (matrix.total === 0) return percentiles.map(() => '');
  const slotHeight = height / matrix.slotCount;
  const columnWidth = width / matrix.columnCount;
  const columnsPerPoint = Math.max(1, Math.ceil(PERCENTILE_POINT_SPACING / columnWidth));
  const pointWidth = columnsPerPoint * columnWidth;
  return percentilePositions(matrix, percentiles, columnsPerPoint).map((positions) => {
    const last = positions.length - 1;
    // Each unbroken run is "M x y x y …" (pairs after a moveto are linetos), its
    // numbers written by one native join rather than one by one.
    const coordinates = new Int32Array(2 * positions.length);
    let at = 0;
    let runStart = -1;
    let path = '';
    for (let point = 0; point <= last; point++) {
      const position = positions[point] as number;
      if (Number.isNaN(position)) {
        if (runStart >= 0) path += `M${coordinates.subarray(runStart, at).join(' ')}`;
        runStart = -1;
        continue;
      }
      // Inside a flat run only its two ends matter.
      if (runStart >= 0 && point < last && positions[point - 1] === position && positions[point + 1] === position) continue;
      if (runStart < 0) runStart = at;
      // The centre of the point's columns (the last point may hold fewer).
      const columns = Math.min(columnsPerPoint, matrix.columnCount - point * columnsPerPoint);
      coordinates[at++] = Math.round((point * pointWidth + (columns * columnWidth) / 2) * PATH_UNITS_PER_PX);
      coordinates[at++] = Math.round((height - position * slotHeight) * PATH_UNITS_PER_PX);
    }
    if (runStart >= 0) path += `M${coordinates.subarray(runStart, at).join(' ')}`;
    return path;
  });
}

/** What a histogram's slots count: a latency in µs or ms, or plain values (sizes, counts: argdist -H). */
export type HistogramUnit = 'usecs' | 'msecs' | 'values';

const unitSteps: Record<HistogramUnit, Array<[number, string]>> = {
  usecs: [
    [1e6, 's'],
    [1e3, 'ms'],
    [1, 'µs'],
  ],
  msecs: [
    [1e3, 's'],
    [1, 'ms'],
  ],
  // SI prefixes, as values with no unit of their own are shown (a size in bytes reads 4 K, 1 M).
  values: [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
    [1, ''],
  ],
};

/** Local date and time, YYYY-MM-DD HH:MM:SS: one way of writing a moment across the app (titles, banners, lists). */
export function formatDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (part: number) => String(part).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClockTime(epochMs)}`;
}

/** Axis tick text: ":SS" between whole minutes, "HH:MM" on them. */
export function formatTimeTick(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (part: number) => String(part).padStart(2, '0');
  return date.getSeconds() !== 0 || date.getMilliseconds() !== 0 ? `:${pad(date.getSeconds())}` : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A latency in the histogram's unit as people read it: "512 µs", "1.5 ms", "2 s". */
export function formatLatency(value: number, unit: HistogramUnit): string {
  const steps = unitSteps[unit];
  const [divisor, suffix] = steps.find(([size]) => value >= size) ?? (steps[steps.length - 1] as [number, string]);
  const scaled = value / divisor;
  const text = scaled >= 100 || Number.isInteger(scaled) ? String(Math.round(scaled)) : scaled.toFixed(scaled >= 10 ? 1 : 2).replace(/\.?0+$/, '');
  return suffix ? `${text} ${suffix}` : text;
}

/** "2 → 3 µs", "1 → 2 ms": a slot's range in readable units; linear buckets' open ends as "< 0", "≥ 100". */
export function formatSlotRange(slot: number, unit: HistogramUnit, buckets?: LinearBuckets): string {
  const { low, high } = bucketRange(slot, buckets);
  if (!Number.isFinite(low)) return `< ${formatLatency(high + 1, unit)}`;
  if (!Number.isFinite(high)) return `≥ ${formatLatency(low, unit)}`;
  return `${formatLatency(low, unit)} – ${formatLatency(high + 1, unit)}`;
}

function lastNonZero(counts: readonly number[]): number {
  for (let slot = counts.length - 1; slot >= 0; slot--) if ((counts[slot] ?? 0) > 0) return slot;
  return -1;
}

function medianInterval(frames: readonly HeatMapFrame[]): number {
  if (frames.length === 0) return 1000;
  // Nearly always every frame has the same interval: no sort for that.
  const first = (frames[0] as HeatMapFrame).intervalMs;
  let same = first > 0;
  for (let index = 1; index < frames.length && same; index++) same = (frames[index] as HeatMapFrame).intervalMs === first;
  if (same) return nominalInterval(first);
  const intervals = frames
    .map((frame) => frame.intervalMs)
    .filter((interval) => interval > 0)
    .sort((a, b) => a - b);
  return nominalInterval(intervals[Math.floor(intervals.length / 2)] ?? 1000);
}

/**
 * A measured interval as the interval meant: 1,001 or 1,006 ms from a timer
 * that fired late is 1,000 ms. Snapped to whole seconds, tenths or hundredths
 * when within 2 % of one, else kept to the millisecond (125 ms stays 125):
 * columns a little off the frames' spacing would alias, one column in so many
 * holding two frames and another none.
 */
function nominalInterval(measured: number): number {
  for (const unit of [1000, 100, 10]) {
    const nearest = Math.round(measured / unit) * unit;
    if (nearest > 0 && Math.abs(measured - nearest) <= 0.02 * nearest) return nearest;
  }
  return Math.max(1, Math.round(measured));
}
