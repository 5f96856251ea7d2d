import { describe, expect, it } from 'vitest';
import { framesForSeries, liveRange } from './heatMapData';

const frames = [
  { time: 1000, intervalMs: 1000, unit: 'usecs' as const, series: [{ label: 'vdb', counts: [1] }, { label: 'vda', counts: [0, 2] }] },
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
