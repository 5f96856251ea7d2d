import { describe, expect, it } from 'vitest';
import { MAX_EXACT_LOG2_SLOT, formatLog2Label, log2BucketRange, log2SlotOf, bucketRange, linearSlotCount, slotBoundary } from './log2Buckets.js';

describe('log2BucketRange', () => {
  it('matches the rows bcc prints for a latency histogram', () => {
    expect(log2BucketRange(0)).toEqual({ low: 0, high: 1 });
    expect(log2BucketRange(1)).toEqual({ low: 2, high: 3 });
    expect(log2BucketRange(2)).toEqual({ low: 4, high: 7 });
    expect(log2BucketRange(3)).toEqual({ low: 8, high: 15 });
    expect(log2BucketRange(10)).toEqual({ low: 1024, high: 2047 });
    expect(log2BucketRange(26)).toEqual({ low: 67108864, high: 134217727 });
  });

  it('stays exact up to the last safe slot', () => {
    expect(log2BucketRange(MAX_EXACT_LOG2_SLOT)).toEqual({
      low: 4503599627370496,
      high: Number.MAX_SAFE_INTEGER,
    });
  });

  it('covers every value once: each slot starts right after the previous one ends', () => {
    for (let slot = 1; slot <= MAX_EXACT_LOG2_SLOT; slot++) {
      expect(log2BucketRange(slot).low).toBe(log2BucketRange(slot - 1).high + 1);
    }
  });

  it('rejects slots that are not small non-negative integers', () => {
    for (const slot of [-1, 1.5, Number.NaN, MAX_EXACT_LOG2_SLOT + 1]) {
      expect(() => log2BucketRange(slot)).toThrow(RangeError);
    }
  });
});

describe('formatLog2Label', () => {
  it('labels rows like bcc with the unit after the range', () => {
    expect(formatLog2Label(0, 'usecs')).toBe('0 -> 1 usecs');
    expect(formatLog2Label(3, 'kbytes')).toBe('8 -> 15 kbytes');
    expect(formatLog2Label(20, 'nsecs')).toBe('1048576 -> 2097151 nsecs');
  });

  it('leaves the unit out when there is none', () => {
    expect(formatLog2Label(2, '')).toBe('4 -> 7');
  });
});

describe('log2SlotOf', () => {
  it('counts a value where the kernel does: 0 and 1 in slot 0, [2^k, 2^(k+1)) in slot k', () => {
    expect([0, 1, 1.99, 2, 3.5, 4, 1023.9, 1024].map((value) => log2SlotOf(value))).toEqual([0, 0, 0, 1, 1, 2, 9, 10]);
    // The kernel's 32 slots: a 72-minute session (2^32 us) is counted in the last one.
    expect(log2SlotOf(2 ** 32, 31)).toBe(31);
  });
});

describe('linear buckets (bpftrace lhist)', () => {
  const buckets = { kind: 'linear', min: 0, max: 100, step: 10 } as const;

  it('has a slot below min, one per step, and one from max up', () => {
    expect(linearSlotCount(buckets)).toBe(12);
    expect(bucketRange(0, buckets)).toEqual({ low: -Infinity, high: -1 });
    expect(bucketRange(1, buckets)).toEqual({ low: 0, high: 9 });
    expect(bucketRange(10, buckets)).toEqual({ low: 90, high: 99 });
    expect(bucketRange(11, buckets)).toEqual({ low: 100, high: Infinity });
  });

  it('puts axis labels at the buckets edges only', () => {
    expect([0, 1, 2, 11, 12].map((slot) => slotBoundary(slot, buckets))).toEqual([undefined, 0, 10, 100, undefined]);
    expect([0, 1, 3].map((slot) => slotBoundary(slot))).toEqual([0, 2, 8]);
  });
});
