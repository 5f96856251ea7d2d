// From the agent's frames (several labelled histograms per interval) to what one
// heat map shows: one series, or all of them added up.
import { percentileBucket, percentileOfSorted } from '@bpfscope/charts';
import type { HeatMapFrame } from '@bpfscope/charts';
import type { HistogramFrame } from '../../api/types';

/** One histogram per frame: the named series, or the sum of all when `series` is undefined. */
export function framesForSeries(frames: readonly HistogramFrame[], series: string | undefined): HeatMapFrame[] {
  return frames.map((frame) => {
    const counts: number[] = [];
    for (const entry of frame.series) {
      if (series !== undefined && entry.label !== series) continue;
      entry.counts.forEach((count, slot) => (counts[slot] = (counts[slot] ?? 0) + count));
    }
    return { time: frame.time, intervalMs: frame.intervalMs, counts: Array.from(counts, (count) => count ?? 0) };
  });
}

/** The live window ends at the newest frame (or now), on a whole second so columns do not shimmer. */
export function liveRange(frames: readonly HistogramFrame[], windowSeconds: number, now: number): { from: number; to: number } {
  const newest = frames.length > 0 ? (frames[frames.length - 1] as HistogramFrame).time : now;
  const to = Math.ceil(Math.max(newest, now - 1000) / 1000) * 1000;
  return { from: to - windowSeconds * 1000, to };
}

const SUMMARY_PERCENTILES = [50, 90, 99] as const;

/**
 * The percentiles a heat map's summary states: exact, from the rows behind it,
 * when there is a row for every event counted (`values`, in the histogram's
 * unit); otherwise the log2 bucket each falls in, which is all the counts say.
 */
export type PercentileSummary = { exact: true; values: number[]; count: number } | { exact: false; buckets: number[] };

export function summarizePercentiles(counts: readonly number[], values?: readonly number[]): PercentileSummary | undefined {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  if (values && values.length === total) {
    const sorted = [...values].sort((a, b) => a - b);
    return { exact: true, values: SUMMARY_PERCENTILES.map((percentile) => percentileOfSorted(sorted, percentile) as number), count: sorted.length };
  }
  return { exact: false, buckets: SUMMARY_PERCENTILES.map((percentile) => percentileBucket(counts, percentile) as number) };
}
