import { describe, expect, it } from 'vitest';
import { sparklinePath } from './sparkline.js';

describe('sparklinePath', () => {
  it('draws one point per value across the width, the highest at the top', () => {
    expect(sparklinePath([0, 5, 10], { width: 20, height: 10 })).toBe('M0 10L10 5L20 0');
  });

  it('keeps the highest value of each pixel column, so a short spike survives', () => {
    const values = new Array<number>(100).fill(1);
    values[57] = 50;
    const path = sparklinePath(values, { width: 10, height: 10 });
    expect(path.split(/[ML]/).filter(Boolean)).toHaveLength(10);
    expect(path).toContain(' 0L');
  });

  it('leaves gaps where there is no value, and draws a lone point as a dash', () => {
    expect(sparklinePath([1, 1, null, 1, 1], { width: 8, height: 4, max: 2 })).toBe('M0 2L2 2M6 2L8 2');
    expect(sparklinePath([1, null, 1], { width: 10, height: 4, max: 2 })).toBe('M0 2h1M9 2h1');
    expect(sparklinePath([null, 2, null], { width: 10, height: 4 })).toBe('M4.5 0h1');
  });

  it('keeps a flat low line low with minMax, and clamps to max', () => {
    expect(sparklinePath([0.2, 0.2], { width: 10, height: 10, minMax: 100 })).toBe('M0 10L10 10');
    expect(sparklinePath([0, 300], { width: 10, height: 10, max: 100 })).toBe('M0 10L10 0');
  });

  it('is empty with no values, and draws a single value in the middle', () => {
    expect(sparklinePath([], { width: 10, height: 10 })).toBe('');
    expect(sparklinePath([null], { width: 10, height: 10 })).toBe('');
    expect(sparklinePath([3], { width: 10, height: 10 })).toBe('M4.5 0h1');
  });
});
