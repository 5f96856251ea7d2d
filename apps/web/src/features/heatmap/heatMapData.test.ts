import { describe, expect, it } from 'vitest';
import { framesForSeries, liveRange, summarizePercentiles } from './heatMapData';

const frames = [
  {
    time: 1000,
    intervalMs: 1000,
    unit: 'usecs' as const,
    series: [
      { label: 'vdb', counts: [1] },
      { label: 'vda', counts: [0, 2] },
    ],
  },
  { time: 2000, intervalMs: 1000, unit: 'usecs' as const, series: [{ label: 'vda', counts: [3] }] },
];

describe('heat map data', () => {
  it('picks one series or adds them all up, frame by frame', () => {
    expect(framesForSeries(frames, undefined).map((frame) => frame.counts)).toEqual([[1, 2], [3]]);
    expect(framesForSeries(frames, 'vdb').map((frame) => frame.counts)).toEqual([[1], []]);
  });

  it('ends the live window at the newest frame, on a whole second', () => {
    expect(liveRange(frames, 60, 2100)).toEqual({ from: -58_000, to: 2000 });
    expect(liveRange([], 60, 5_500)).toEqual({ from: -54_000, to: 6000 });
  });
});

describe('summarizePercentiles', () => {
  it('names the log2 bucket of each percentile when only counts are known', () => {
    expect(summarizePercentiles([5, 0, 0, 4, 0, 0, 1])).toEqual({ exact: false, buckets: [0, 3, 6] });
    expect(summarizePercentiles([0, 0])).toBeUndefined();
  });

  it('is exact from the rows when there is one for every event counted, and only then', () => {
    const counts = [0, 0, 0, 0, 0, 0, 0, 3];
    expect(summarizePercentiles(counts, [184, 130, 250])).toEqual({ exact: true, values: [184, 250, 250], count: 3 });
    // A row short (the table's cap, a drop): the counts are all that can be trusted.
    expect(summarizePercentiles(counts, [184, 130])).toEqual({ exact: false, buckets: [7, 7, 7] });
  });
});
