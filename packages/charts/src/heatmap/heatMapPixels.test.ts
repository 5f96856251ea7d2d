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
    const same = buildHeatMapMatrix(
      [
        { time: 1000, intervalMs: 1000, counts: [1, 0, 4] },
        { time: 2000, intervalMs: 1000, counts: [0, 2] },
      ],
      { from: 0, to: 2000, maxColumns: 10 },
    );
    const other = buildHeatMapMatrix([{ time: 1000, intervalMs: 1000, counts: [1, 0, 5] }], { from: 0, to: 2000, maxColumns: 10 });
    expect(matrixDigest(same)).toBe(matrixDigest(matrix));
    expect(matrixDigest(other)).not.toBe(matrixDigest(matrix));
  });
});

/** WCAG relative luminance and contrast ratio. */
function luminance([red, green, blue]: readonly number[]): number {
  const [r, g, b] = [red, green, blue].map((channel) => {
    const value = (channel ?? 0) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: readonly number[], b: readonly number[]): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}
const rgb = (hex: string) => [1, 3, 5].map((index) => parseInt(hex.slice(index, index + 2), 16));

describe('heat-map colours on either theme', () => {
  // The app's backgrounds a heat map sits on (apps/web styles.css: --bg, --panel, --panel-2).
  const backgrounds = { dark: ['#0f1115', '#161a20', '#1c212a'], light: ['#f6f7f9', '#ffffff', '#eef1f5'] } as const;

  for (const scheme of ['dark', 'light'] as const) {
    it(`the rarest cell (count 1) stands out from a ${scheme} background by at least 3:1`, () => {
      for (const maxCount of [2, 100, 1_000_000]) {
        for (const background of backgrounds[scheme]) expect(contrast(countColor(1, maxCount, scheme), rgb(background))).toBeGreaterThanOrEqual(3);
      }
    });

    it(`more counts are brighter on ${scheme}, and the palette paints what countColor says`, () => {
      expect(luminance(countColor(1000, 1000, scheme))).toBeGreaterThan(luminance(countColor(10, 1000, scheme)));
      expect(luminance(countColor(10, 1000, scheme))).toBeGreaterThan(luminance(countColor(1, 1000, scheme)));
      const single = buildHeatMapMatrix([{ time: 1000, intervalMs: 1000, counts: [1, 1000] }], { from: 0, to: 1000, maxColumns: 1 });
      const pixels = heatMapPixels(single, undefined, scheme);
      // Row 1 is slot 0, the single event.
      expect(Array.from(pixels.slice(4, 7))).toEqual(countColor(1, 1000, scheme));
    });
  }
});
