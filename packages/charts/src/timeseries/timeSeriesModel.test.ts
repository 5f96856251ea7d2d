import { describe, expect, it } from 'vitest';
import { linesPerSeries, nearestTimeIndex, timeSeriesModel, timeSeriesPoints, timeTicks } from './timeSeriesModel.js';

const lines = [
  { key: 'hits', label: 'HITS' },
  { key: 'misses', label: 'MISSES' },
];

/** cachestat rows on a host without a probe on page accesses: HITS is never counted. */
const rows = [
  { time: 1000, hits: null, misses: 10 },
  { time: 2000, hits: null, misses: 0 },
  { time: 3000, hits: null, misses: 20 },
];

describe('timeSeriesPoints', () => {
  it('adds up the rows of one time, and keeps null apart from 0', () => {
    const points = timeSeriesPoints(
      [
        { time: 2000, hits: 1, misses: null },
        { time: 1000, hits: 2, misses: null },
        { time: 2000, hits: 3, misses: null },
        { time: 'bad', hits: 9, misses: 9 },
      ],
      lines,
    );
    expect(points.times).toEqual([1000, 2000]);
    expect(points.values.get('hits')).toEqual([2, 4]);
    expect(points.values.get('misses')).toEqual([null, null]);
  });
});

describe('timeSeriesModel', () => {
  it('draws a line per column across the range, the highest value at the top of a nice scale', () => {
    const model = timeSeriesModel(rows, lines, { width: 200, height: 100 });
    expect(model.max).toBe(20);
    expect(model.lines.map((line) => [line.label, line.path, line.counted])).toEqual([
      ['HITS', '', false],
      ['MISSES', 'M0 50L100 100L200 0', true],
    ]);
    expect(model.valueTicks.map((tick) => [tick.value, tick.y])).toEqual([
      [0, 100],
      [5, 75],
      [10, 50],
      [15, 25],
      [20, 0],
    ]);
  });

  it('breaks the line at a null and at a gap longer than two intervals, a lone point drawn as a dot', () => {
    const gappy = [
      { time: 0, misses: 1 },
      { time: 1000, misses: null },
      { time: 2000, misses: 1 },
      { time: 3000, misses: 1 },
      { time: 9000, misses: 1 },
    ];
    const [, misses] = timeSeriesModel(gappy, lines, { width: 90, height: 10 }).lines;
    expect(misses?.path).toBe('M0 0h0M20 0L30 0M90 0h0');
    expect(misses?.last).toEqual({ x: 90, y: 0 });
  });

  it('keeps the lowest and highest value of each pixel column, so a spike survives', () => {
    const dense = Array.from({ length: 100 }, (_, index) => ({ time: index * 1000, misses: index === 57 ? 50 : 10 }));
    const [, misses] = timeSeriesModel(dense, lines, { width: 10, height: 50 }).lines;
    expect(misses?.path).toContain('L6 40L6 0');
    expect(misses?.path.split(/[ML]/).filter(Boolean).length).toBeLessThan(60);
  });

  it('spans at least minSpanMs, so the first points of a live chart start at the right', () => {
    const model = timeSeriesModel([{ time: 100_000, misses: 4 }], lines, { width: 60, height: 10, minSpanMs: 60_000 });
    expect([model.from, model.to]).toEqual([40_000, 100_000]);
    expect(model.lines[1]?.path).toBe('M60 0h0');
  });

  it('draws only the time range asked for', () => {
    const model = timeSeriesModel(rows, lines, { width: 100, height: 10, from: 2000, to: 3000 });
    expect(model.lines[1]?.path).toBe('M0 10L100 0');
  });
});

describe('timeTicks and nearestTimeIndex', () => {
  it('puts ticks on whole steps that fit the width', () => {
    expect(timeTicks(0, 60_000, 600)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(timeTicks(500, 3_500, 1000)).toEqual([1000, 2000, 3000]);
    expect(timeTicks(5, 5, 100)).toEqual([]);
  });

  it('finds the point nearest a time', () => {
    expect(nearestTimeIndex([1000, 2000, 3000], 1400)).toBe(0);
    expect(nearestTimeIndex([1000, 2000, 3000], 1600)).toBe(1);
    expect(nearestTimeIndex([1000, 2000, 3000], 9000)).toBe(2);
    expect(nearestTimeIndex([], 1)).toBe(-1);
  });
});

describe('a line per series of one column', () => {
  it("splits funccount's COUNT by FUNC, the busiest first, each line only its own rows", () => {
    const rows = [
      { time: 1000, func: 'getpid', count: 10 },
      { time: 1000, func: 'read', count: 3 },
      { time: 2000, func: 'getpid', count: 20 },
      { time: 2000, func: 'write', count: 1 },
    ];
    const lines = linesPerSeries(rows, 'count', 'func', 2);
    expect(lines.map((line) => line.label)).toEqual(['getpid', 'read']);
    const points = timeSeriesPoints(rows, lines);
    expect(points.times).toEqual([1000, 2000]);
    expect(points.values.get('count:getpid')).toEqual([10, 20]);
    expect(points.values.get('count:read')).toEqual([3, null]);
  });
});
