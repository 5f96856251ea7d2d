// FlameScope's cells as pixels (a pixel per second × row, scaled up by the
// canvas), as the latency heat map draws its cells.
import { interpolateOrRd } from 'd3-scale-chromatic';
import type { FlameScopeMatrix } from './flameScope.js';

const PALETTE_SIZE = 256;
let palette: Uint8Array | undefined;

/** The ramp sampled once: a lookup per cell instead of parsing a colour string. */
function paletteColors(): Uint8Array {
  if (!palette) {
    palette = new Uint8Array(PALETTE_SIZE * 3);
    for (let index = 0; index < PALETTE_SIZE; index++) palette.set(parseColor(interpolateOrRd(0.12 + (0.88 * index) / (PALETTE_SIZE - 1))), index * 3);
  }
  return palette;
}

function parseColor(color: string): [number, number, number] {
  const decimal = /rgb\((\d+), (\d+), (\d+)\)/.exec(color);
  if (decimal) return [Number(decimal[1]), Number(decimal[2]), Number(decimal[3])];
  const hex = /#(..)(..)(..)/.exec(color);
  return hex ? [parseInt(hex[1] as string, 16), parseInt(hex[2] as string, 16), parseInt(hex[3] as string, 16)] : [0, 0, 0];
}

/**
 * A cell's colour: linear in its count against the busiest cell, since a
 * second's slots hold counts of one order of magnitude and a burst should
 * stand out as FlameScope shows it.
 */
export function flameScopeColor(count: number, maxCount: number): [number, number, number] {
  const colors = paletteColors();
  const index = maxCount > 0 ? Math.min(PALETTE_SIZE - 1, Math.round((Math.max(0, count) / maxCount) * (PALETTE_SIZE - 1))) * 3 : 0;
  return [colors[index] as number, colors[index + 1] as number, colors[index + 2] as number];
}

/**
 * RGBA bytes `seconds` wide and `rows` high, row 0 (the start of each second)
 * at the top as in FlameScope. Empty cells are transparent.
 */
export function flameScopePixels(matrix: FlameScopeMatrix): Uint8ClampedArray {
  const width = matrix.seconds;
  const pixels = new Uint8ClampedArray(width * matrix.rows * 4);
  const colors = paletteColors();
  for (let second = 0; second < width; second++) {
    const column = matrix.counts[second] as number[];
    for (let row = 0; row < matrix.rows; row++) {
      const count = column[row] as number;
      if (!count) continue;
      const index = Math.min(PALETTE_SIZE - 1, Math.round((count / matrix.maxCount) * (PALETTE_SIZE - 1))) * 3;
      const offset = (row * width + second) * 4;
      pixels[offset] = colors[index] as number;
      pixels[offset + 1] = colors[index + 1] as number;
      pixels[offset + 2] = colors[index + 2] as number;
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}
