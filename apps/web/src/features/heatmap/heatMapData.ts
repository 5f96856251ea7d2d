// From the agent's frames (several labelled histograms per interval) to what one
// heat map shows: one series, or all of them added up.
import type { HistogramFrame as ChartFrame } from '@bpfscope/charts';
import type { HistogramFrame } from '../../api/types';

/** One histogram per frame: the named series, or the sum of all when `series` is undefined. */
export function framesForSeries(frames: readonly HistogramFrame[], series: string | undefined): ChartFrame[] {
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
