// The heat map's cells as pixels: one pixel per (column, slot), painted into an
// ImageData-sized buffer and scaled up by the canvas. Drawing 3,600 × 64 cells
// this way is a few hundred thousand integer writes, not as many fillRect calls.
import { interpolateInferno } from 'd3-scale-chromatic';
import type { HeatMapMatrix } from './heatMapModel.js';

export type ColorOf = (count: number, maxCount: number) => [number, number, number];

/** What the chart is drawn on: a dark or a light background (the element's CSS color-scheme). */
export type ColorScheme = 'dark' | 'light';

/**
 * The part of the inferno ramp each background gets, so the rarest cells (count 1,
 * the outliers a heat map exists to show) stand out from it: at least 3:1 contrast
 * (WCAG's bar for graphics) on the app's panels. On dark, from crimson up to pale
 * yellow; on light, from near-black purple up to orange.
 */
export const HEAT_MAP_RAMPS: Record<ColorScheme, readonly [number, number]> = { dark: [0.55, 1], light: [0.1, 0.75] };

/** The scheme of the background an element is drawn on, from its CSS color-scheme. */
export function colorSchemeOf(element: Element): ColorScheme {
  return getComputedStyle(element).colorScheme.includes('dark') ? 'dark' : 'light';
}

/**
 * Log colour scale over counts (latency counts span orders of magnitude), on a
 * perceptual ramp chosen for the background: more is brighter on both.
 */
export function countColor(count: number, maxCount: number, scheme: ColorScheme = 'dark'): [number, number, number] {
  const position = maxCount <= 1 ? 1 : Math.log(count) / Math.log(maxCount);
  const [low, high] = HEAT_MAP_RAMPS[scheme];
  const color = interpolateInferno(low + (high - low) * Math.min(1, Math.max(0, position)));
  const match = /rgb\((\d+), (\d+), (\d+)\)/.exec(color) ?? /#(..)(..)(..)/.exec(color);
  if (!match) return [0, 0, 0];
  const base = color.startsWith('#') ? 16 : 10;
  return [parseInt(match[1] as string, base), parseInt(match[2] as string, base), parseInt(match[3] as string, base)];
}

const PALETTE_SIZE = 256;

/**
 * countColor's ramp sampled once, as packed RGBA words: one lookup and one
 * write per cell. Made when the module loads, not on a heat map's first paint.
 * Signed: with alpha 255 in the top byte (little-endian) a word is a small
 * negative integer, which code the engine has not compiled yet passes around
 * as it is, where an unsigned one (above 2^30) is a new heap number per cell:
 * megabytes of garbage for an hour's map, and collections in its first frame.
 */
function sampledPalette(scheme: ColorScheme): Int32Array {
  const words = new Int32Array(PALETTE_SIZE);
  const bytes = new Uint8Array(words.buffer);
  for (let index = 0; index < PALETTE_SIZE; index++) {
    // The same ramp as countColor, indexed by log position.
    const [red, green, blue] = countColor(Math.exp((index / (PALETTE_SIZE - 1)) * Math.log(1e6)), 1e6, scheme);
    bytes.set([red, green, blue, 255], index * 4);
  }
  return words;
}
const palettes: Record<ColorScheme, Int32Array> = { dark: sampledPalette('dark'), light: sampledPalette('light') };

/**
 * RGBA bytes, `columns` wide and `slotCount` high, row 0 at the top holding the
 * highest slot (latency grows upwards). Empty cells are transparent.
 */
export function heatMapPixels(matrix: HeatMapMatrix, colorOf?: ColorOf, scheme: ColorScheme = 'dark'): Uint8ClampedArray {
  const { columnCount: width, slotCount: height, cells, maxCount } = matrix;
  const pixels = new Uint8ClampedArray(width * height * 4);
  // Words in the platform's byte order, as the palette was packed: RGBA bytes in memory either way.
  const words = new Int32Array(pixels.buffer);
  const colorOfCount = colorOf ? customColors(colorOf, maxCount) : paletteColors(maxCount, palettes[scheme]);
  // Whole counts are looked up in a table made once per paint: the loop below
  // runs once per cell, often before the engine has compiled it, so it makes
  // no call for them.
  // An empty cell's word is 0 (transparent); a count the table lacks (a fraction, or beyond it) reads undefined.
  const table = colorTable(colorOfCount, maxCount);
  for (let x = 0; x < width; x++) {
    const base = x * height;
    let pixel = (height - 1) * width + x;
    for (let slot = 0; slot < height; slot++, pixel -= width) {
      const count = cells[base + slot] as number;
      const word = table[count];
      words[pixel] = word === undefined ? colorOfCount(count) : word;
    }
  }
  return pixels;
}

/** Counts up to this are coloured through a table made per paint (one log per possible count, not per cell). */
const MAX_TABULATED_COUNT = 1 << 16;

/** The colour word of every whole count from 0 up to maxCount (or MAX_TABULATED_COUNT, the smaller). */
function colorTable(colorOfCount: (count: number) => number, maxCount: number): Int32Array {
  const table = new Int32Array(Math.min(MAX_TABULATED_COUNT, Math.max(0, Math.floor(maxCount))) + 1);
  for (let count = 1; count < table.length; count++) table[count] = colorOfCount(count);
  return table;
}

/** The palette word for a count, on a log scale up to maxCount. */
function paletteColors(maxCount: number, palette: Int32Array): (count: number) => number {
  const scale = maxCount <= 1 ? 0 : (PALETTE_SIZE - 1) / Math.log(maxCount);
  return (count) => palette[scale === 0 ? PALETTE_SIZE - 1 : Math.min(PALETTE_SIZE - 1, Math.round(Math.log(count) * scale))] as number;
}

function customColors(colorOf: ColorOf, maxCount: number): (count: number) => number {
  const bytes = new Uint8Array(4);
  const word = new Int32Array(bytes.buffer);
  return (count) => {
    const [red, green, blue] = colorOf(count, maxCount);
    bytes[0] = red;
    bytes[1] = green;
    bytes[2] = blue;
    bytes[3] = 255;
    return word[0] as number;
  };
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
  for (let cell = 0; cell < matrix.cells.length; cell++) mix(matrix.cells[cell] as number);
  return hash.toString(16).padStart(8, '0');
}
