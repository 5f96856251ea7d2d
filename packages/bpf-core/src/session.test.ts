import { describe, expect, it } from 'vitest';
import { nextFrameBoundary } from './session.js';

describe('nextFrameBoundary', () => {
  it('is the next whole interval on the wall clock', () => {
    expect(nextFrameBoundary(10_250, 0, 1000)).toBe(11_000);
    expect(nextFrameBoundary(11_000, 0, 1000)).toBe(12_000);
  });

  it('never gives the same boundary twice when a timer fires a millisecond early', () => {
    // The timer for 11 000 fired at 10 999: the next frame ends at 12 000, not 11 000 again.
    expect(nextFrameBoundary(10_999, 11_000, 1000)).toBe(12_000);
  });
});
