import { describe, expect, it } from 'vitest';
import { buildHeatMapMatrix } from './heatMapModel.js';
import { countColor, heatMapPixels, matrixDigest } from './heatMapPixels.js';

describe('heatMapPixels', () => {
  const matrix = buildHeatMapMatrix(
    [
      { time: 1000, intervalMs: 1000, counts: [1, 0, 4] },
      { time: 2000, intervalMs: 1000, counts: [0, 2] },
    ],
    { from: 0, to: 2000, maxColumns: 10 },
  );

  it('paints one opaque pixel per non-empty cell, highest slot on top', () => {
    const pixels = heatMapPixels(matrix, (count) => [count, 0, 0]);
    const alpha = (x: number, row: number) => pixels[(row * 2 + x) * 4 + 3];
    const red = (x: number, row: number) => pixels[(row * 2 + x) * 4];
    expect(pixels).toHaveLength(2 * 3 * 4);
    // Row 0 is slot 2, row 2 is slot 0.
    expect([red(0, 0), alpha(0, 0)]).toEqual([4, 255]);
    expect([red(0, 2), alpha(0, 2)]).toEqual([1, 255]);
    expect([red(1, 1), alpha(1, 1)]).toEqual([2, 255]);
    expect(alpha(1, 0)).toBe(0);
  });

  it('colours more counts brighter on a log scale', () => {
    const brightness = (rgb: [number, number, number]) => rgb[0] + rgb[1] + rgb[2];
    expect(brightness(countColor(1000, 1000))).toBeGreaterThan(brightness(countColor(10, 1000)));
    expect(brightness(countColor(10, 1000))).toBeGreaterThan(brightness(countColor(1, 1000)));
  });

  it('colours whole and fractional counts, small and huge, on one log scale', () => {
    const brightness = (pixels: Uint8ClampedArray, x: number) => (pixels[x * 4] as number) + (pixels[x * 4 + 1] as number) + (pixels[x * 4 + 2] as number);
    for (const maxCount of [1000, 1_000_000]) {
      const counts = [1, 2, 2.5, 3, maxCount];
      const row = buildHeatMapMatrix(
        counts.map((count, index) => ({ time: (index + 1) * 1000, intervalMs: 1000, counts: [count] })),
        { from: 0, to: counts.length * 1000, maxColumns: 10 },
      );
      const pixels = heatMapPixels(row);
      const shades = counts.map((_, x) => brightness(pixels, x));
      expect(shades).toEqual([...shades].sort((a, b) => a - b));
      expect(shades[0]).toBeLessThan(shades[4] as number);
      expect(pixels[3]).toBe(255);
    }
  });

  it('fingerprints the data shown', () => {
    const same = buildHeatMapMatrix([{ time: 1000, intervalMs: 1000, counts: [1, 0, 4] }, { time: 2000, intervalMs: 1000, counts: [0, 2] }], { from: 0, to: 2000, maxColumns: 10 });
    const other = buildHeatMapMatrix([{ time: 1000, intervalMs: 1000, counts: [1, 0, 5] }], { from: 0, to: 2000, maxColumns: 10 });
    expect(matrixDigest(same)).toBe(matrixDigest(matrix));
    expect(matrixDigest(other)).not.toBe(matrixDigest(matrix));
  });
});
