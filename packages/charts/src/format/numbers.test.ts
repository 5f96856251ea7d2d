import { describe, expect, it } from 'vitest';
import { formatFixed, formatInteger } from './numbers.js';

describe('formatInteger and formatFixed', () => {
  it('give the text toLocaleString("en-US") gives', () => {
    for (const value of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 1_004_533, -1234, 2 ** 40, 0.4, 0.5, 1234.5]) {
      expect(formatInteger(value)).toBe(Math.round(value).toLocaleString('en-US'));
    }
    for (const [value, digits] of [
      [1234.5678, 2],
      [0.0005, 3],
      [100, 0],
      [1_234_567.891, 1],
      [-9876.54321, 3],
    ] as const) {
      expect(formatFixed(value, digits)).toBe(value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
    }
  });

  it('leaves non-finite values as JavaScript writes them', () => {
    // Where toLocaleString writes "-0", the sign of nothing is dropped.
    expect([formatInteger(-0.2), formatFixed(-0.0001, 2)]).toEqual(['0', '0.00']);
    expect([formatInteger(Number.NaN), formatFixed(Number.POSITIVE_INFINITY, 2)]).toEqual(['NaN', 'Infinity']);
  });
});
