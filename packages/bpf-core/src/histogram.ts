// Log2 histograms over time: decoding the kernel's cumulative counts into
// per-interval differences, and binning row values the same way in user space.
import type { BpfObject } from './bpfObject.js';
import { cString } from './encode.js';
import type { MapHistogramOutput, StructLayout } from './tools/types.js';
import { linearSlotCount } from '@bpfscope/formats';
import type { HistogramFrame, HistogramSeries, LinearBuckets } from '@bpfscope/formats';

/** One interval's histograms and their buckets: @bpfscope/formats' types, which every layer shares. */
export type { HistogramFrame, HistogramSeries, LinearBuckets };
export { linearSlotCount };

/** Mirrors HISTOGRAM_SLOTS and HISTOGRAM_NAME_LEN in bpf/histogram.h. */
export const HISTOGRAM_SLOTS = 32;
const HISTOGRAM_NAME_LEN = 16;
const HISTOGRAM_VALUE_SIZE = HISTOGRAM_SLOTS * 8;
/** struct named_histogram: the slots, then the name. */
const NamedHistogramOffset = { histogram: 0, name: HISTOGRAM_VALUE_SIZE } as const;
export const NAMED_HISTOGRAM_VALUE_SIZE = HISTOGRAM_VALUE_SIZE + HISTOGRAM_NAME_LEN;
/** struct histogram and struct named_histogram, for the structs of the tools whose maps hold them. */
export const histogramStruct: StructLayout = { struct: 'histogram', size: HISTOGRAM_VALUE_SIZE };
export const namedHistogramStruct: StructLayout = { struct: 'named_histogram', offsets: NamedHistogramOffset, size: NAMED_HISTOGRAM_VALUE_SIZE };

/** Slot of a value, as the kernel's log2: slot k holds [2^k, 2^(k+1)), slot 0 also holds 0. */
export function log2Slot(value: number): number {
  if (!(value >= 2)) return 0;
  return Math.min(HISTOGRAM_SLOTS - 1, Math.floor(Math.log2(value)));
}

/**
 * A percentile of log2 counts (slot k holds 2^k..2^(k+1)-1, slot 0 holds 0..1), interpolated linearly inside
 * the slot the rank falls in, as the web's heat-map percentile lines are; undefined when there are no counts.
 */
export function percentileFromLog2(counts: readonly number[], percentile: number): number | undefined {
  if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be within 0..100, got ${percentile}`);
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = (percentile / 100) * total;
  let below = 0;
  let last = 0;
  for (let slot = 0; slot < counts.length; slot++) {
    const count = counts[slot] ?? 0;
    if (count === 0) continue;
    last = slot;
    if (below + count >= rank) {
      const low = slot === 0 ? 0 : 2 ** slot;
      return low + ((rank - below) / count) * (2 ** (slot + 1) - low);
    }
    below += count;
  }
  return 2 ** (last + 1) - 1;
}

/** The u64 counts of a histogram value: HISTOGRAM_SLOTS of a struct histogram, or `slots` of a linear one. */
export function decodeHistogramSlots(value: Buffer, slots = HISTOGRAM_SLOTS): number[] {
  const counts: number[] = [];
  for (let slot = 0; slot < slots && (slot + 1) * 8 <= value.length; slot++) counts.push(Number(value.readBigUInt64LE(slot * 8)));
  return counts;
}

/** The name of a struct named_histogram, undefined when it has none (the single histogram). */
export function decodeHistogramName(value: Buffer): string | undefined {
  if (value.length < NAMED_HISTOGRAM_VALUE_SIZE) return undefined;
  return cString(value, NamedHistogramOffset.name, HISTOGRAM_NAME_LEN) || undefined;
}

/** This interval's counts from two cumulative readings; a reset key (smaller now) counts from zero. */
export function subtractCounts(current: readonly number[], previous: readonly number[] | undefined): number[] {
  const reset = previous !== undefined && current.some((count, slot) => count < (previous[slot] ?? 0));
  return current.map((count, slot) => (reset || previous === undefined ? count : count - (previous[slot] ?? 0)));
}

export function trimTrailingZeros(counts: readonly number[]): number[] {
  let end = counts.length;
  while (end > 0 && counts[end - 1] === 0) end--;
  return counts.slice(0, end);
}

/** Adds series with the same label together (keys that map to one label), keeping the first name. */
export function mergeSeries(series: readonly HistogramSeries[]): HistogramSeries[] {
  const byLabel = new Map<string, { counts: number[]; name: string | undefined }>();
  for (const { label, name, counts } of series) {
    const sum = byLabel.get(label) ?? { counts: [], name: undefined };
    counts.forEach((count, slot) => (sum.counts[slot] = (sum.counts[slot] ?? 0) + count));
    sum.name ??= name;
    byLabel.set(label, sum);
  }
  return [...byLabel.entries()]
    .map(([label, { counts, name }]) => ({ label, ...(name === undefined ? {} : { name }), counts: Array.from(counts, (count) => count ?? 0) }))
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}

/** A key whose counts grew over the interval: its key and value as the map holds them, and the increase. */
export interface CountsIncrease {
  key: Buffer;
  value: Buffer;
  /** The increase of each u64 count since the previous read. */
  counts: number[];
}

export interface GrowingCountsOptions {
  /**
   * The keys the map holds at most: keys idle for the interval are deleted when
   * three quarters are taken. Without it nothing is deleted (an array's keys cannot be).
   */
  maxKeys?: number;
  /** A value's counts (default: a struct histogram's slots; a per-CPU value summed with sumPerCpu). */
  counts?: (value: Buffer) => number[];
}

/**
 * Reads a map of u64 counts that only grow (log2 slots, connects per flow,
 * cachestat's calls) every interval. It keeps the previous reading per key and
 * reports the difference, so nothing is lost between a read and a clear. When the
 * map fills up (per-process or per-flow keys), keys that were idle for the
 * interval are deleted to make room.
 */
export class GrowingCountsReader {
  readonly #previous = new Map<string, number[]>();

  constructor(
    private readonly object: BpfObject,
    private readonly map: string,
    private readonly options: GrowingCountsOptions = {},
  ) {}

  /** The keys whose counts grew since the last read. */
  read(): CountsIncrease[] {
    const entries = this.object.entries(this.map);
    const increases: CountsIncrease[] = [];
    const idle: Buffer[] = [];
    const seen = new Set<string>();
    for (const { key, value } of entries) {
      const id = key.toString('hex');
      seen.add(id);
      const counts = (this.options.counts ?? decodeHistogramSlots)(value);
      const delta = subtractCounts(counts, this.#previous.get(id));
      this.#previous.set(id, counts);
      if (delta.every((count) => count === 0)) idle.push(key);
      else increases.push({ key, value, counts: delta });
    }
    for (const id of this.#previous.keys()) if (!seen.has(id)) this.#previous.delete(id);
    const { maxKeys } = this.options;
    if (maxKeys !== undefined && entries.length > maxKeys * 0.75) {
      for (const key of idle) {
        this.object.delete(this.map, key);
        this.#previous.delete(key.toString('hex'));
      }
    }
    return increases;
  }
}

/** Reads a histogram map every interval (see GrowingCountsReader) into one series per label. */
export class MapHistogramReader<Params> {
  readonly #counts: GrowingCountsReader;

  constructor(
    object: BpfObject,
    private readonly output: MapHistogramOutput<Params>,
    private readonly params: Params,
    maxKeys: number,
  ) {
    const linear = output.linear?.buckets(params);
    this.#counts = linear
      ? new GrowingCountsReader(object, output.linear?.map ?? output.map, { maxKeys, counts: (value) => decodeHistogramSlots(value, linearSlotCount(linear)) })
      : new GrowingCountsReader(object, output.map, { maxKeys });
  }

  read(): HistogramSeries[] {
    const series = this.#counts.read().map(({ key, value, counts }): HistogramSeries => {
      const name = this.output.valueName?.(value, this.params);
      return { label: this.output.keyLabel(key, this.params), ...(name === undefined ? {} : { name }), counts: trimTrailingZeros(counts) };
    });
    return mergeSeries(series);
  }
}

/**
 * Bins row values (already in the histogram's unit) into log2 slots until taken.
 * A row goes in the frame its own time falls in, not the one being filled when it
 * was decoded, so a heat-map cell and the rows behind it agree at every edge.
 */
export class RowHistogramAccumulator {
  #pending: Array<{ value: number; time: number }> = [];

  /** `time`: the row's epoch ms (a row without one goes in the next frame taken). */
  add(value: number, time = -Infinity): void {
    this.#pending.push({ value, time });
  }

  /** The counts of the values whose time is at most `upTo`; later ones wait for the next frame. */
  take(upTo = Infinity): HistogramSeries[] {
    const counts: number[] = [];
    const later: Array<{ value: number; time: number }> = [];
    for (const entry of this.#pending) {
      if (entry.time > upTo) {
        later.push(entry);
        continue;
      }
      const slot = log2Slot(entry.value);
      while (counts.length <= slot) counts.push(0);
      counts[slot] = (counts[slot] as number) + 1;
    }
    this.#pending = later;
    return counts.length > 0 ? [{ label: '', counts }] : [];
  }
}
