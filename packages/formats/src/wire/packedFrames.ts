// Histogram frames on the wire: times, units and series names once, the bucket
// bounds stated once, and every count of every frame in one flat typed array,
// instead of an object per frame and per series (an hour of 1 s frames is 3600).
import { z } from 'zod';
import type { HistogramBuckets, HistogramFrame, HistogramSeries } from '../histogramFrames.js';
import { decodeNumbers, packedNumbersSchema, packNumbers } from './packedNumbers.js';
import type { PackedNumbers, UnpackedArray } from './packedNumbers.js';
import { parseWire, WireFormatError } from './wireError.js';

export const PACKED_FRAMES_FORMAT = 'bpfscope.histogram-frames.v1';

/**
 * Frames as a matrix in compressed-row form: frame i holds the histograms (rows) seriesCount[i] after those of the
 * frames before it; row r is series seriesIndex[r] and its slotCount[r] counts are the next ones in `counts`.
 */
export interface PackedFrames {
  format: typeof PACKED_FRAMES_FORMAT;
  /** The bucket bounds the frames use, each once ('log2', or an argdist --linear session's buckets). */
  buckets: HistogramBuckets[];
  /** Per frame, its bounds' index in `buckets`. */
  bucketIndex: PackedNumbers;
  /** The units the frames use, each once (one, unless the attachment changed). */
  units: Array<HistogramFrame['unit']>;
  /** Per frame, its unit's index in `units`. */
  unitIndex: PackedNumbers;
  /** Per frame: the interval's end, epoch ms, as ms after timeBase (a small integer, so 4 bytes rather than 8). */
  timeBase: number;
  time: PackedNumbers;
  intervalMs: PackedNumbers;
  /** Each distinct series (label, and name where the kernel keeps one) once. */
  series: Array<{ label: string; name?: string }>;
  seriesCount: PackedNumbers;
  seriesIndex: PackedNumbers;
  /** Per row, its counts (trailing empty slots left off, as in the frames). */
  slotCount: PackedNumbers;
  /** Every row's counts, one after the other: one flat array. */
  counts: PackedNumbers;
}

/** Bounds on what a packed form may claim, so a bad one fails before it allocates. */
const MAX_FRAMES = 1_000_000;
const MAX_SERIES = 100_000;
const MAX_LABEL = 256;
/** Distinct bucket bounds in one answer: one per attachment, nearly always. */
const MAX_BUCKET_KINDS = 16;

const unitSchema = z.enum(['usecs', 'msecs', 'values']);
export const packedFramesSchema = z
  .object({
    format: z.literal(PACKED_FRAMES_FORMAT),
    buckets: z
      .array(
        z.union([
          z.literal('log2'),
          z.object({ kind: z.literal('linear'), min: z.number().finite(), max: z.number().finite(), step: z.number().finite().positive() }).strict(),
        ]),
      )
      .max(MAX_BUCKET_KINDS),
    bucketIndex: packedNumbersSchema,
    units: z.array(unitSchema).max(3),
    unitIndex: packedNumbersSchema,
    timeBase: z.number().finite(),
    time: packedNumbersSchema,
    intervalMs: packedNumbersSchema,
    series: z.array(z.object({ label: z.string().max(MAX_LABEL), name: z.string().max(MAX_LABEL).optional() }).strict()).max(MAX_SERIES),
    seriesCount: packedNumbersSchema,
    seriesIndex: packedNumbersSchema,
    slotCount: packedNumbersSchema,
    counts: packedNumbersSchema,
  })
  .strict();

export function packFrames(frames: readonly HistogramFrame[]): PackedFrames {
  const units: Array<HistogramFrame['unit']> = [];
  const seriesKeys = new Map<string, number>();
  const series: PackedFrames['series'] = [];
  const unitIndex: number[] = [];
  const buckets: HistogramBuckets[] = [];
  const bucketKeys: string[] = [];
  const bucketIndex: number[] = [];
  const seriesCount: number[] = [];
  const seriesIndex: number[] = [];
  const slotCount: number[] = [];
  const counts: number[] = [];
  // Whole ms after the first frame, the usual case, fit 4 bytes; other times (fractions, out of order) go as they are.
  let timeBase = frames[0]?.time ?? 0;
  let time = packNumbers(frames.map((frame) => frame.time - timeBase));
  if (time.type === 'f64') {
    timeBase = 0;
    time = packNumbers(frames.map((frame) => frame.time));
  }
  for (const frame of frames) {
    let unit = units.indexOf(frame.unit);
    if (unit < 0) unit = units.push(frame.unit) - 1;
    unitIndex.push(unit);
    const bounds: HistogramBuckets = frame.buckets ?? 'log2';
    const boundsKey = bounds === 'log2' ? bounds : `${bounds.min},${bounds.max},${bounds.step}`;
    let boundsIndex = bucketKeys.indexOf(boundsKey);
    if (boundsIndex < 0) {
      bucketKeys.push(boundsKey);
      boundsIndex = buckets.push(bounds) - 1;
    }
    bucketIndex.push(boundsIndex);
    seriesCount.push(frame.series.length);
    for (const entry of frame.series) {
      // The name is part of the key: a pid's comm can change while its label stays.
      const key = entry.name === undefined ? entry.label : `${entry.label}\0${entry.name}`;
      let index = seriesKeys.get(key);
      if (index === undefined) {
        index = series.push(entry.name === undefined ? { label: entry.label } : { label: entry.label, name: entry.name }) - 1;
        seriesKeys.set(key, index);
      }
      seriesIndex.push(index);
      slotCount.push(entry.counts.length);
      for (const count of entry.counts) counts.push(count);
    }
  }
  return {
    format: PACKED_FRAMES_FORMAT,
    buckets,
    bucketIndex: packNumbers(bucketIndex, 'u8'),
    units,
    unitIndex: packNumbers(unitIndex, 'u8'),
    timeBase,
    time,
    intervalMs: packNumbers(frames.map((frame) => frame.intervalMs)),
    series,
    seriesCount: packNumbers(seriesCount),
    seriesIndex: packNumbers(seriesIndex),
    slotCount: packNumbers(slotCount),
    counts: packNumbers(counts),
  };
}

/** The frames of a packed form; a form that is not one, or whose lengths disagree, throws WireFormatError. */
export function unpackFrames(input: unknown): HistogramFrame[] {
  const packed = parseWire(packedFramesSchema, input, 'histogram frames');
  const unitIndex = decodeNumbers(packed.unitIndex, 'unitIndex');
  const time = decodeNumbers(packed.time, 'time');
  const intervalMs = decodeNumbers(packed.intervalMs, 'intervalMs');
  const seriesCount = decodeNumbers(packed.seriesCount, 'seriesCount');
  const bucketIndex = decodeNumbers(packed.bucketIndex, 'bucketIndex');
  const frameCount = time.length;
  if (frameCount > MAX_FRAMES) throw new WireFormatError(`histogram frames: ${frameCount} frames, at most ${MAX_FRAMES}`);
  for (const [what, array] of [
    ['unitIndex', unitIndex],
    ['intervalMs', intervalMs],
    ['seriesCount', seriesCount],
    ['bucketIndex', bucketIndex],
  ] as const) {
    if (array.length !== frameCount) throw new WireFormatError(`histogram frames: ${array.length} ${what} for ${frameCount} frames`);
  }
  const seriesIndex = decodeNumbers(packed.seriesIndex, 'seriesIndex');
  const slotCount = decodeNumbers(packed.slotCount, 'slotCount');
  const counts = decodeNumbers(packed.counts, 'counts');
  const rows = sum(seriesCount);
  if (seriesIndex.length !== rows || slotCount.length !== rows) {
    throw new WireFormatError(`histogram frames: ${seriesIndex.length} series indexes and ${slotCount.length} slot counts for ${rows} rows`);
  }
  if (counts.length !== sum(slotCount)) throw new WireFormatError(`histogram frames: ${counts.length} counts for ${sum(slotCount)} slots`);
  const frames: HistogramFrame[] = [];
  let row = 0;
  let at = 0;
  for (let index = 0; index < frameCount; index++) {
    const unit = packed.units[unitIndex[index] as number];
    if (unit === undefined) throw new WireFormatError(`histogram frames: frame ${index} has unit ${unitIndex[index]} of ${packed.units.length}`);
    const bounds = packed.buckets[bucketIndex[index] as number];
    if (bounds === undefined) throw new WireFormatError(`histogram frames: frame ${index} has buckets ${bucketIndex[index]} of ${packed.buckets.length}`);
    const entries: HistogramSeries[] = [];
    for (const last = row + (seriesCount[index] as number); row < last; row++) {
      const known = packed.series[seriesIndex[row] as number];
      if (known === undefined) throw new WireFormatError(`histogram frames: row ${row} has series ${seriesIndex[row]} of ${packed.series.length}`);
      const end = at + (slotCount[row] as number);
      // A plain loop: Array.from over a subarray is several times slower here, and this is most of the decoding.
      const rowCounts: number[] = [];
      for (; at < end; at++) rowCounts.push(counts[at] as number);
      entries.push(known.name === undefined ? { label: known.label, counts: rowCounts } : { label: known.label, name: known.name, counts: rowCounts });
    }
    const when = { time: packed.timeBase + (time[index] as number), intervalMs: intervalMs[index] as number, unit };
    frames.push(bounds === 'log2' ? { ...when, series: entries } : { ...when, buckets: { ...bounds }, series: entries });
  }
  return frames;
}

function sum(values: UnpackedArray): number {
  let total = 0;
  for (let index = 0; index < values.length; index++) total += values[index] as number;
  return total;
}
