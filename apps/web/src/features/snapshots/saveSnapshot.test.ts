import { describe, expect, it } from 'vitest';
import { timeRangeOf } from './saveSnapshot';

describe('a saved table', () => {
  it('covers the whole milliseconds of its rows, however many', () => {
    const rows = Array.from({ length: 1_000_000 }, (_, index) => ({ time: 1_000.5 + index, pid: index }));
    expect(timeRangeOf(rows)).toEqual({ from: 1000, to: 1_000_000 + 1000 });
  });

  it('without timed rows covers now', () => {
    expect(timeRangeOf([{ pid: 1 }], 42)).toEqual({ from: 42, to: 42 });
  });
});
