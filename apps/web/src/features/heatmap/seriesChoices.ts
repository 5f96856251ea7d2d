// Which series a heat map offers to pick: each one's events and p99 over the
// shown window, ranked by either, narrowed by a search, cut to the first few.
// Thousands of pids fit no list; the few that matter (busiest, slowest) do.
import { percentileBucket, textMatcher } from '@bpfscope/charts';
import type { HistogramFrame } from '../../api/types';

export type SeriesRank = 'count' | 'p99';

/** One series over a window. */
interface SeriesSummary {
  /** What identifies it (pid, disk): what a link's series= holds. */
  label: string;
  /** Its newest name in the window, where the kernel keeps one (a pid's comm). */
  name?: string;
  /** Events in the window. */
  count: number;
  /** The log2 slot the window's 99th percentile falls in (all the counts say); undefined without events. */
  p99Slot: number | undefined;
}

interface SeriesChoices {
  /** Every series added up, over the same window. */
  all: { count: number; p99Slot: number | undefined };
  /** The first `limit` of those matching the search, best first. */
  shown: SeriesSummary[];
  /** Series matching the search, shown or not. */
  matching: number;
  /** Series with events in the window. */
  total: number;
}

interface SeriesChoiceOptions {
  /** The shown window, as the heat map's (from, to]. */
  range: { from: number; to: number };
  rank: SeriesRank;
  /** Matches "comm (pid)" (or the label alone), as every other search box: substring or /regex/. */
  query: string;
  limit: number;
}

/** "comm (pid)" where the series has a name, else its label ("vda", "vda Write"). */
export function seriesDisplayName(series: { label: string; name?: string }): string {
  return series.name === undefined ? series.label : `${series.name} (${series.label})`;
}

/** True when the frames have labelled series (per disk, per pid): there is something to pick. */
export function hasSeries(frames: readonly HistogramFrame[]): boolean {
  // Every frame of a session is keyed alike: the newest with any series says.
  for (let index = frames.length - 1; index >= 0; index--) {
    const series = (frames[index] as HistogramFrame).series;
    if (series.length > 0) return series.some((entry) => entry.label !== '');
  }
  return false;
}

/** The newest name a label had in any frame, to name a picked series that is quiet in the window. */
export function seriesName(frames: readonly HistogramFrame[], label: string): string | undefined {
  for (let index = frames.length - 1; index >= 0; index--) {
    const found = (frames[index] as HistogramFrame).series.find((entry) => entry.label === label);
    if (found?.name !== undefined) return found.name;
  }
  return undefined;
}

/** Log2 slots a kernel histogram has (bpf-core's HISTOGRAM_SLOTS). */
const SLOTS = 32;

/** Each labelled series' events, p99 and newest name over the window (frames after `from`, up to `to`). */
export function summarizeSeries(
  frames: readonly HistogramFrame[],
  range: { from: number; to: number },
): { all: SeriesChoices['all']; series: SeriesSummary[] } {
  // An hour of 1 s frames of hundreds of pids is millions of counts: plain loops into typed arrays.
  const byLabel = new Map<string, { counts: Float64Array; name: string | undefined }>();
  const allCounts = new Float64Array(SLOTS);
  for (const frame of frames) {
    if (frame.time <= range.from || frame.time > range.to) continue;
    for (const entry of frame.series) {
      const counts = entry.counts;
      const length = Math.min(counts.length, SLOTS);
      let sum = entry.label === '' ? undefined : byLabel.get(entry.label);
      if (entry.label !== '' && !sum) {
        sum = { counts: new Float64Array(SLOTS), name: undefined };
        byLabel.set(entry.label, sum);
      }
      const into = sum?.counts;
      for (let slot = 0; slot < length; slot++) {
        const count = counts[slot] as number;
        allCounts[slot] = (allCounts[slot] as number) + count;
        if (into) into[slot] = (into[slot] as number) + count;
      }
      // Frames are oldest first: the last name seen is the newest.
      if (sum && entry.name !== undefined) sum.name = entry.name;
    }
  }
  const summary = (counts: Float64Array) => {
    let count = 0;
    for (let slot = 0; slot < SLOTS; slot++) count += counts[slot] as number;
    return { count, p99Slot: count > 0 ? percentileBucket(Array.from(counts), 99) : undefined };
  };
  const series: SeriesSummary[] = [];
  for (const [label, { counts, name }] of byLabel) {
    const { count, p99Slot } = summary(counts);
    if (count > 0) series.push({ label, ...(name === undefined ? {} : { name }), count, p99Slot });
  }
  return { all: summary(allCounts), series };
}

const naturalOrder = (a: SeriesSummary, b: SeriesSummary) => a.label.localeCompare(b.label, undefined, { numeric: true });
const byCount = (a: SeriesSummary, b: SeriesSummary) => b.count - a.count || naturalOrder(a, b);
// Slowest first; within one bucket, the busier (a p99 of 3 events says little).
const byP99 = (a: SeriesSummary, b: SeriesSummary) => (b.p99Slot ?? -1) - (a.p99Slot ?? -1) || byCount(a, b);
const comparators: Record<SeriesRank, (a: SeriesSummary, b: SeriesSummary) => number> = { count: byCount, p99: byP99 };

/** Orders and narrows summaries: matches of `query` by `rank`, the first `limit` of them. */
export function rankSeries(
  series: readonly SeriesSummary[],
  options: Pick<SeriesChoiceOptions, 'rank' | 'query' | 'limit'>,
): Pick<SeriesChoices, 'shown' | 'matching'> {
  const matches = textMatcher(options.query);
  const matching = matches ? series.filter((entry) => matches(seriesDisplayName(entry))) : [...series];
  matching.sort(comparators[options.rank]);
  return { shown: matching.slice(0, options.limit), matching: matching.length };
}

/** What the series picker lists for these frames: "all, added up", then the best few matches. */
export function seriesChoices(frames: readonly HistogramFrame[], options: SeriesChoiceOptions): SeriesChoices {
  const { all, series } = summarizeSeries(frames, options.range);
  return { all, ...rankSeries(series, options), total: series.length };
}
