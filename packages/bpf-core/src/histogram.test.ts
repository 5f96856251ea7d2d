import { describe, expect, it } from 'vitest';
import type { BpfObject } from './bpfObject.js';
import { sumPerCpu } from './encode.js';
import {
  decodeHistogramName,
  GrowingCountsReader,
  decodeHistogramSlots,
  log2Slot,
  mergeSeries,
  NAMED_HISTOGRAM_VALUE_SIZE,
  percentileFromLog2,
  RowHistogramAccumulator,
  subtractCounts,
  trimTrailingZeros,
} from './histogram.js';

describe('histogram helpers', () => {
  it('slots values like the kernel log2 (bcc print_log2_hist ranges)', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 1023, 1024].map(log2Slot)).toEqual([0, 0, 1, 1, 2, 2, 3, 9, 10]);
    expect(log2Slot(2 ** 40)).toBe(31);
    expect(log2Slot(Number.NaN)).toBe(0);
  });

  it('decodes u64 slots', () => {
    const value = Buffer.alloc(32 * 8);
    value.writeBigUInt64LE(5n, 0);
    value.writeBigUInt64LE(2n ** 40n, 31 * 8);
    const counts = decodeHistogramSlots(value);
    expect(counts).toHaveLength(32);
    expect([counts[0], counts[1], counts[31]]).toEqual([5, 0, 2 ** 40]);
  });

  it('decodes the name after the slots, up to its NUL; none when empty or absent', () => {
    const value = Buffer.alloc(NAMED_HISTOGRAM_VALUE_SIZE);
    expect(decodeHistogramName(value)).toBeUndefined();
    // A shorter name written over a longer one leaves the longer one's tail after the NUL.
    value.write('ab\0ss-ng-cpu', 32 * 8, 'latin1');
    expect(decodeHistogramName(value)).toBe('ab');
    value.write('a-fifteen-char!', 32 * 8, 'latin1');
    expect(decodeHistogramName(value)).toBe('a-fifteen-char!');
    expect(decodeHistogramName(Buffer.alloc(32 * 8))).toBeUndefined();
  });

  it('takes the interval difference of cumulative counts, restarting on a reset key', () => {
    expect(subtractCounts([5, 3, 1], undefined)).toEqual([5, 3, 1]);
    expect(subtractCounts([7, 3, 4], [5, 3, 1])).toEqual([2, 0, 3]);
    expect(subtractCounts([1, 0, 0], [5, 3, 1])).toEqual([1, 0, 0]);
    expect(trimTrailingZeros([0, 2, 0, 0])).toEqual([0, 2]);
    expect(trimTrailingZeros([0, 0])).toEqual([]);
  });

  it('keeps a series name through merging', () => {
    expect(
      mergeSeries([
        { label: '12', name: 'sh', counts: [1] },
        { label: '3', counts: [2] },
        { label: '12', name: 'sh', counts: [0, 1] },
      ]),
    ).toEqual([
      { label: '3', counts: [2] },
      { label: '12', name: 'sh', counts: [1, 1] },
    ]);
  });

  it('merges series by label in natural order', () => {
    expect(
      mergeSeries([
        { label: 'vdb', counts: [1] },
        { label: 'vda', counts: [0, 2] },
        { label: 'vdb', counts: [1, 0, 3] },
      ]),
    ).toEqual([
      { label: 'vda', counts: [0, 2] },
      { label: 'vdb', counts: [2, 0, 3] },
    ]);
  });

  it('bins row values and empties on take', () => {
    const accumulator = new RowHistogramAccumulator();
    for (const value of [0, 1, 5, 6, 1000]) accumulator.add(value);
    expect(accumulator.take()).toEqual([{ label: '', counts: [2, 0, 2, 0, 0, 0, 0, 0, 0, 1] }]);
    expect(accumulator.take()).toEqual([]);
  });
});

describe('RowHistogramAccumulator by row time', () => {
  it('counts a row in the frame its own time falls in, keeping later rows for the next frame', () => {
    const accumulator = new RowHistogramAccumulator();
    accumulator.add(5, 999);
    accumulator.add(5, 1000);
    // Decoded before the frame of 1000 was read, but it happened after it ended.
    accumulator.add(1000, 1003);
    expect(accumulator.take(1000)).toEqual([{ label: '', counts: [0, 0, 2] }]);
    expect(accumulator.take(2000)).toEqual([{ label: '', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }]);
    expect(accumulator.take(3000)).toEqual([]);
  });
});

describe('percentileFromLog2', () => {
  it('interpolates inside the slot the rank falls in', () => {
    // 100 values in 8..15 (slot 3): p50 is the middle of 8..16, p100 its top.
    expect(percentileFromLog2([0, 0, 0, 100], 50)).toBe(12);
    expect(percentileFromLog2([0, 0, 0, 100], 100)).toBe(16);
    // 90 fast (slot 1: 2..3), 10 slow (slot 10: 1024..2047): p50 fast, p99 slow.
    const counts = [0, 90, 0, 0, 0, 0, 0, 0, 0, 0, 10];
    expect(percentileFromLog2(counts, 50)).toBeGreaterThanOrEqual(2);
    expect(percentileFromLog2(counts, 50)).toBeLessThan(4);
    expect(percentileFromLog2(counts, 99)).toBe(1024 + 0.9 * 1024);
    // Slot 0 holds 0 and 1.
    expect(percentileFromLog2([4], 50)).toBe(1);
  });

  it('is undefined without counts and refuses a percentile outside 0..100', () => {
    expect(percentileFromLog2([], 99)).toBeUndefined();
    expect(percentileFromLog2([0, 0], 50)).toBeUndefined();
    expect(() => percentileFromLog2([1], 101)).toThrow(RangeError);
    expect(() => percentileFromLog2([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('GrowingCountsReader', () => {
  const u64s = (...counts: number[]) => Buffer.from(new BigUint64Array(counts.map(BigInt)).buffer);
  /** A map whose entries the test sets before each read, recording what the reader deletes. */
  function fakeMap() {
    const map = { entries: [] as Array<{ key: Buffer; value: Buffer }>, deleted: [] as number[] };
    const object = {
      entries: () => map.entries,
      delete: (_name: string, key: Buffer) => map.deleted.push(key.readUInt32LE(0)) > 0,
    } as unknown as BpfObject;
    return { map, object };
  }
  const key = (id: number) => Buffer.from(new Uint32Array([id]).buffer);

  it('reports what each key counted since the last read, a per-CPU value summed over its CPUs', () => {
    const { map, object } = fakeMap();
    // Two CPUs of a struct of two counters, as cachestat's per-CPU array holds them.
    const reader = new GrowingCountsReader(object, 'counts', { counts: (value) => sumPerCpu(value, 2) });
    map.entries = [{ key: key(0), value: u64s(1, 2, 10, 20) }];
    expect(reader.read().map(({ counts }) => counts)).toEqual([[11, 22]]);
    map.entries = [{ key: key(0), value: u64s(1, 5, 13, 20) }];
    expect(reader.read().map(({ counts }) => counts)).toEqual([[3, 3]]);
    expect(reader.read()).toEqual([]);
    expect(map.deleted).toEqual([]);
  });

  it('deletes keys idle for an interval once three quarters of maxKeys are taken', () => {
    const { map, object } = fakeMap();
    const reader = new GrowingCountsReader(object, 'counts', { maxKeys: 3 });
    map.entries = [1, 2, 3].map((id) => ({ key: key(id), value: u64s(id) }));
    expect(reader.read()).toHaveLength(3);
    map.entries = [1, 2, 3].map((id) => ({ key: key(id), value: u64s(id === 2 ? 5 : id) }));
    expect(reader.read().map(({ counts }) => counts)).toEqual([[3]]);
    expect(map.deleted).toEqual([1, 3]);
  });
});
