import { describe, expect, it } from 'vitest';
import {
  buildHeatMapMatrix,
  columnCounts,
  formatDateTime,
  formatLatency,
  formatSlotRange,
  formatTimeTick,
  percentileBucket,
  percentileFromLog2,
  percentileOfSorted,
  percentileLinePaths,
  percentilePositions,
  sumFrames,
} from './heatMapModel.js';

const frame = (time: number, counts: number[]) => ({ time, intervalMs: 1000, counts });

describe('buildHeatMapMatrix', () => {
  it('puts each frame in the column holding its end time and leaves gaps empty', () => {
    const frames = [frame(1000, [1]), frame(2000, [0, 2]), frame(4000, [0, 0, 0, 5])];
    const matrix = buildHeatMapMatrix(frames, { from: 0, to: 4000, maxColumns: 100 });
    expect(matrix.columnMs).toBe(1000);
    expect(Array.from({ length: matrix.columnCount }, (_, column) => Array.from(columnCounts(matrix, column)))).toEqual([
      [1, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 5],
    ]);
    expect(Array.from(matrix.columnTotals)).toEqual([1, 2, 0, 5]);
    expect([matrix.slotCount, matrix.maxCount, matrix.total]).toEqual([4, 5, 8]);
  });

  it('adds frames up into wider columns when there are more frames than columns', () => {
    const frames = Array.from({ length: 3600 }, (_, index) => frame((index + 1) * 1000, [1, index % 2]));
    const matrix = buildHeatMapMatrix(frames, { from: 0, to: 3_600_000, maxColumns: 900 });
    expect(matrix.columnCount).toBe(900);
    expect(matrix.columnMs).toBe(4000);
    expect(Array.from(columnCounts(matrix, 0))).toEqual([4, 2]);
    expect(matrix.total).toBe(3600 + 1800);
  });

  it("adds a column's frames up whatever comes first: an empty frame, a shorter one, trailing zeros", () => {
    const frames = [frame(500, [0, 0, 0]), frame(1000, [2, 1, 0, 0]), frame(1500, [3, 4, 5, 0]), frame(2000, [0, 6])];
    const matrix = buildHeatMapMatrix(frames, { from: 0, to: 2000, maxColumns: 1 });
    expect(matrix.columnCount).toBe(1);
    expect(Array.from(matrix.cells)).toEqual([5, 11, 5]);
    expect([matrix.slotCount, matrix.maxCount, matrix.total]).toEqual([3, 11, 21]);
    expect(Array.from(matrix.columnTotals)).toEqual([21]);
  });

  it("cuts off slots above the highest count of any frame in range, whatever the arrays' lengths", () => {
    const matrix = buildHeatMapMatrix([frame(1000, [1, 0, 0, 0, 0, 0]), frame(2000, [0, 3, 0]), frame(9000, [0, 0, 0, 0, 0, 0, 0, 7])], {
      from: 0,
      to: 2000,
      maxColumns: 10,
    });
    expect(matrix.slotCount).toBe(2);
    expect(Array.from(matrix.cells)).toEqual([1, 0, 0, 3]);
    expect(matrix.maxCount).toBe(3);
  });

  it("takes a timer's late or early intervals as the second they stand for: one frame a column", () => {
    const frames = Array.from({ length: 1500 }, (_, index) => ({ time: (index + 1) * 1000, intervalMs: [1001, 999, 1002][index % 3] as number, counts: [1] }));
    const matrix = buildHeatMapMatrix(frames, { from: 0, to: 1_500_000, maxColumns: 2000 });
    expect(matrix.columnMs).toBe(1000);
    expect(Array.from(matrix.columnTotals).every((count) => count === 1)).toBe(true);
    // A steadily late timer is still a second; an interval of its own (125 ms) is kept as it is.
    const columnMsOf = (intervalMs: number, spacing: number) =>
      buildHeatMapMatrix(
        Array.from({ length: 400 }, (_, index) => ({ time: (index + 1) * spacing, intervalMs, counts: [1] })),
        { from: 0, to: 400 * spacing, maxColumns: 4000 },
      );
    expect(columnMsOf(1006, 1000).columnMs).toBe(1000);
    const eighths = columnMsOf(125, 125);
    expect(eighths.columnMs).toBe(125);
    expect(Array.from(eighths.columnTotals).every((count) => count === 1)).toBe(true);
  });

  it('ignores frames outside the range and keeps a minimum axis', () => {
    const matrix = buildHeatMapMatrix([frame(500, [9]), frame(9000, [9])], { from: 1000, to: 3000, maxColumns: 10, minSlots: 8 });
    expect(matrix.maxCount).toBe(0);
    expect(matrix.slotCount).toBe(8);
  });
});

describe('percentiles from log2 buckets', () => {
  it('interpolates inside the bucket the rank falls in', () => {
    // 100 values in 8..15 (slot 3): p50 is the middle of 8..16.
    expect(percentileFromLog2([0, 0, 0, 100], 50)).toBe(12);
    expect(percentileFromLog2([0, 0, 0, 100], 100)).toBe(16);
    // 90 fast (slot 1: 2..3), 10 slow (slot 10: 1024..2047): p50 fast, p99 slow.
    const counts = [0, 90, 0, 0, 0, 0, 0, 0, 0, 0, 10];
    expect(percentileFromLog2(counts, 50)).toBeGreaterThanOrEqual(2);
    expect(percentileFromLog2(counts, 50)).toBeLessThan(4);
    expect(percentileFromLog2(counts, 99)).toBeGreaterThanOrEqual(1024);
    expect(percentileFromLog2(counts, 99)).toBeLessThanOrEqual(2048);
    expect(percentileFromLog2([0, 0], 50)).toBeUndefined();
    expect(() => percentileFromLog2([1], 101)).toThrow(RangeError);
  });

  it('gives a line per percentile with gaps where a column is empty', () => {
    const matrix = buildHeatMapMatrix([frame(1000, [0, 0, 0, 4]), frame(3000, [0, 4])], { from: 0, to: 3000, maxColumns: 3 });
    const [p50, p99] = percentilePositions(matrix, [50, 99]);
    // Slot 3 holds 8..15 µs: its middle, 12 µs, is position 3.5; slot 1 (2..3 µs) halfway is 1.5.
    expect(Array.from(p50 ?? [])).toEqual([3.5, Number.NaN, 1.5]);
    expect(Array.from(p99 ?? [])).toEqual([3.99, Number.NaN, 1.99]);
    // Two columns a point: the empty second column joins the first, the third stands alone.
    expect(Array.from(percentilePositions(matrix, [50], 2)[0] ?? [])).toEqual([3.5, 1.5]);
    // Counts added up across a group: slot 0 ×4 and slot 2 ×4 put the median at the top of slot 0.
    const mixed = buildHeatMapMatrix([frame(1000, [4]), frame(2000, [0, 0, 4])], { from: 0, to: 2000, maxColumns: 2 });
    expect(Array.from(percentilePositions(mixed, [50, 100], 2).map((line) => line[0]))).toEqual([1, 3]);
    // The position and percentileFromLog2's latency name the same point of the bucket.
    expect(percentileFromLog2([0, 0, 0, 4], 50)).toBe(12);
  });
});

describe('percentileLinePaths', () => {
  it('draws each line in hundredths of a pixel, with gaps where columns are empty', () => {
    const matrix = buildHeatMapMatrix([frame(1000, [0, 0, 0, 4]), frame(3000, [0, 4])], { from: 0, to: 3000, maxColumns: 3 });
    // 3 px a column, a point each; 10 px a slot: p50 at 3.5 and 1.5 slots up (as percentilePositions), p99 at 3.99 and 1.99.
    expect(percentileLinePaths(matrix, [50, 99], { width: 9, height: 40 })).toEqual(['M150 500M750 2500', 'M150 10M750 2010']);
  });

  it('keeps only the ends of a flat run, adds columns up under a point, and draws nothing without counts', () => {
    const flat = buildHeatMapMatrix(
      Array.from({ length: 4 }, (_, index) => frame((index + 1) * 1000, [0, 4])),
      { from: 0, to: 4000, maxColumns: 4 },
    );
    expect(percentileLinePaths(flat, [50], { width: 12, height: 20 })).toEqual(['M150 500 1050 500']);
    // 1.5 px a column: two columns a point (3 px), its x at their centre; the last point holds one column.
    const narrow = buildHeatMapMatrix([frame(1000, [4]), frame(2000, [0, 0, 4]), frame(3000, [0, 4])], { from: 0, to: 3000, maxColumns: 3 });
    expect(percentileLinePaths(narrow, [50], { width: 4.5, height: 30 })).toEqual(['M150 2000 375 1500']);
    expect(percentileLinePaths(buildHeatMapMatrix([], { from: 0, to: 3000, maxColumns: 3 }), [50, 99], { width: 9, height: 40 })).toEqual(['', '']);
  });
});

describe('range histogram and units', () => {
  it('sums the frames of a selected range', () => {
    expect(sumFrames([frame(1000, [1, 2]), frame(2000, [0, 1, 7]), frame(3000, [5])], 1000, 2000)).toEqual([0, 1, 7]);
    expect(sumFrames([frame(1000, [1, 2]), frame(2000, [3])])).toEqual([4, 2]);
  });

  it('formats latencies in readable units', () => {
    expect(formatLatency(512, 'usecs')).toBe('512 µs');
    expect(formatLatency(1536, 'usecs')).toBe('1.54 ms');
    expect(formatLatency(2_000_000, 'usecs')).toBe('2 s');
    expect(formatLatency(3, 'msecs')).toBe('3 ms');
    expect(formatLatency(0, 'usecs')).toBe('0 µs');
    expect(formatSlotRange(10, 'usecs')).toBe('1.02 ms – 2.05 ms');
    expect(formatSlotRange(0, 'msecs')).toBe('0 ms – 2 ms');
    // Plain values (argdist -H of a size) have no time unit: SI prefixes only.
    expect(formatLatency(100, 'values')).toBe('100');
    expect(formatLatency(20_480, 'values')).toBe('20.5 K');
    expect(formatSlotRange(20, 'values')).toBe('1.05 M – 2.1 M');
  });

  it('names linear buckets and their percentiles, open ends included', () => {
    const buckets = { kind: 'linear', min: 1000, max: 5000, step: 1000 } as const;
    expect(formatSlotRange(0, 'values', buckets)).toBe('< 1 K');
    expect(formatSlotRange(2, 'values', buckets)).toBe('2 K – 3 K');
    expect(formatSlotRange(5, 'values', buckets)).toBe('≥ 5 K');
    expect(formatSlotRange(1, 'usecs', buckets)).toBe('1 ms – 2 ms');
    // 4 in [1,000, 2,000), 4 in [2,000, 3,000): the median is the top of the first, interpolated within.
    expect(percentileFromLog2([0, 4, 4], 50, buckets)).toBe(2000);
    expect(percentileFromLog2([0, 4, 4], 25, buckets)).toBe(1500);
    // In an open end a percentile is only known to be below min or from max up.
    expect(percentileFromLog2([4], 50, buckets)).toBe(1000);
    expect(percentileFromLog2([0, 0, 0, 0, 0, 4], 99, buckets)).toBe(5000);
  });

  it('writes axis ticks on a 24-hour clock', () => {
    const at = new Date(2026, 10, 25, 17, 7, 5).getTime();
    expect(formatTimeTick(at)).toBe(':05');
    expect(formatTimeTick(new Date(2026, 10, 25, 17, 7, 0).getTime())).toBe('17:07');
  });

  it('copes with slots past the exact range of doubles', () => {
    const counts = Array.from({ length: 64 }, () => 1);
    expect(percentileFromLog2(counts, 99)).toBeGreaterThan(2 ** 52);
    expect(formatSlotRange(63, 'usecs')).toMatch(/s$/);
  });
});

describe('formatDateTime', () => {
  it('writes a local moment as YYYY-MM-DD HH:MM:SS, 24-hour, like the clock column', () => {
    expect(formatDateTime(new Date(2026, 11, 4, 3, 3, 52).getTime())).toBe('2026-12-04 03:03:52');
    expect(formatDateTime(new Date(2026, 0, 9, 15, 4, 5).getTime())).toBe('2026-01-09 15:04:05');
  });
});

describe('percentileBucket', () => {
  it('names the log2 bucket a percentile falls in, by nearest rank', () => {
    // 10 events: 5 in slot 0, 4 in slot 3, 1 in slot 6.
    const counts = [5, 0, 0, 4, 0, 0, 1];
    expect(percentileBucket(counts, 50)).toBe(0);
    expect(percentileBucket(counts, 51)).toBe(3);
    expect(percentileBucket(counts, 90)).toBe(3);
    expect(percentileBucket(counts, 99)).toBe(6);
    expect(percentileBucket([], 50)).toBeUndefined();
  });
});

describe('percentileOfSorted', () => {
  it('takes the nearest rank of exact values', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([50, 90, 99, 100, 0].map((p) => percentileOfSorted(values, p))).toEqual([5, 9, 10, 10, 1]);
    expect(percentileOfSorted([], 50)).toBeUndefined();
  });
});
