// The heat map's cells as pixels: one pixel per (column, slot), painted into an
// ImageData-sized buffer and scaled up by the canvas. Drawing 3,600 × 64 cells
// this way is a few hundred thousand integer writes, not as many fillRect calls.
import { interpolateInferno } from 'd3-scale-chromatic';
import type { HeatMapMatrix } from './heatMapModel.js';

export type ColorOf = (count: number, maxCount: number) => [number, number, number];

/**
 * Log colour scale over counts (latency counts span orders of magnitude), on a
 * perceptual ramp; the lightest end is kept off white so a cell never vanishes.
 */
export function countColor(count: number, maxCount: number): [number, number, number] {
  const position = maxCount <= 1 ? 1 : Math.log(count) / Math.log(maxCount);
  const color = interpolateInferno(0.15 + 0.8 * Math.min(1, Math.max(0, position)));
  const match = /rgb\((\d+), (\d+), (\d+)\)/.exec(color) ?? /#(..)(..)(..)/.exec(color);
  if (!match) return [0, 0, 0];
  const base = color.startsWith('#') ? 16 : 10;
  return [parseInt(match[1] as string, base), parseInt(match[2] as string, base), parseInt(match[3] as string, base)];
}

const PALETTE_SIZE = 256;

/**
 * countColor's ramp sampled once, as packed RGBA words: one lookup and one
 * write per cell. Made when the module loads, not on a heat map's first paint.
 */
const palette: Uint32Array = (() => {
  const words = new Uint32Array(PALETTE_SIZE);
  const bytes = new Uint8Array(words.buffer);
  for (let index = 0; index < PALETTE_SIZE; index++) {
    // The same ramp as countColor, indexed by log position.
    const [red, green, blue] = countColor(Math.exp((index / (PALETTE_SIZE - 1)) * Math.log(1e6)), 1e6);
    bytes.set([red, green, blue, 255], index * 4);
  }
  return words;
})();

/**
 * RGBA bytes, `columns` wide and `slotCount` high, row 0 at the top holding the
 * highest slot (latency grows upwards). Empty cells are transparent.
 */
export function heatMapPixels(matrix: HeatMapMatrix, colorOf?: ColorOf): Uint8ClampedArray {
  const width = matrix.columns.length;
  const height = matrix.slotCount;
  const pixels = new Uint8ClampedArray(width * height * 4);
  if (colorOf) {
    matrix.columns.forEach((column, x) => {
      for (let slot = 0; slot < height; slot++) {
        const count = column.counts[slot] ?? 0;
        if (!count) continue;
        const rgb = colorOf(count, matrix.maxCount);
        pixels.set([rgb[0], rgb[1], rgb[2], 255], ((height - 1 - slot) * width + x) * 4);
      }
    });
    return pixels;
  }
  // Words in the platform's byte order, as the palette was packed: RGBA bytes in memory either way.
  const words = new Uint32Array(pixels.buffer);
  const colors = palette;
  const scale = matrix.maxCount <= 1 ? 0 : (PALETTE_SIZE - 1) / Math.log(matrix.maxCount);
  for (let x = 0; x < width; x++) {
    const counts = (matrix.columns[x] as HeatMapMatrix['columns'][number]).counts;
    for (let slot = 0; slot < height; slot++) {
      const count = counts[slot] as number;
      if (!count) continue;
      const position = scale === 0 ? PALETTE_SIZE - 1 : Math.min(PALETTE_SIZE - 1, Math.round(Math.log(count) * scale));
      words[(height - 1 - slot) * width + x] = colors[position] as number;
    }
  }
  return pixels;
}

/** A short fingerprint of what a heat map shows, so two renders can be compared as data. */
export function matrixDigest(matrix: HeatMapMatrix): string {
  let hash = 2166136261;
  const mix = (value: number) => {
    hash ^= value & 0xffffffff;
    hash = Math.imul(hash, 16777619) >>> 0;
  };
  mix(matrix.from / 1000);
  mix(matrix.columnMs);
  mix(matrix.slotCount);
  for (const column of matrix.columns) for (const count of column.counts) mix(count);
  return hash.toString(16).padStart(8, '0');
}
