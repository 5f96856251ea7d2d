// The heat map's code run ahead of need, on canvases that are never shown. A
// page's first heat map otherwise runs its loops before the engine has compiled
// them, and sets up the canvas and its font. One run is not enough: a loop
// optimized in the middle of a run is compiled for that entry only, so the next
// call starts slow again (measured in V8: 8 ms for a 3,600 × 64 map after one
// warm-up run, 2.4 ms after a few short ones). So a few small, varied maps, each
// when the page is idle, with time between them for the compiler.
import { scaleTime } from 'd3-scale';
import { drawCells, drawLatencyAxis, drawPercentileLines, drawTimeAxis, MARGIN } from './drawHeatMap.js';
import { buildHeatMapMatrix } from './heatMapModel.js';
import type { HeatMapFrame } from './heatMapModel.js';
import { countColor, matrixDigest } from './heatMapPixels.js';

const ROUNDS = 8;
/** Between rounds: the compiler works in the background meanwhile. */
const ROUND_GAP_MS = 40;

/** Draws a made-up heat map on detached canvases and lets them go; `round` varies its shape. */
export function warmUpHeatMap(round = 0): void {
  const columns = 200 + 150 * round;
  const slots = 16 + 8 * (round % 4);
  // Values like real ones: the engine compiles for the kinds of numbers it has
  // seen, and a first real map with other kinds would throw that code away.
  // Epoch times (beyond small integers), plot widths that do not divide the
  // range evenly, counts into the thousands, some frames shorter than others
  // and some columns empty.
  const from = Math.floor(Date.now() / 1000) * 1000 - columns * 1000;
  const frames: HeatMapFrame[] = [];
  for (let column = 0; column < columns; column++) {
    if (column % 17 === 5) continue;
    const length = column % 3 === 0 ? slots : slots - 4;
    frames.push({
      time: from + (column + 1) * 1000,
      intervalMs: 1000,
      counts: Array.from({ length }, (_, slot) => ((column * 7 + slot * 13 + round) % 50) * (slot % 5 === 1 ? 97 : 1)),
    });
  }
  // About a pixel a column on even rounds; on odd ones half as many pixels, frames added up into wider columns.
  const plotWidth = round % 2 === 0 ? columns + 26 : Math.ceil(columns / 2) + 13;
  const matrix = buildHeatMapMatrix(frames, { from, to: from + columns * 1000, maxColumns: plotWidth, minSlots: 12 });
  const lines = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const canvases = {
    cells: document.createElement('canvas'),
    latencyAxis: document.createElement('canvas'),
    timeAxis: document.createElement('canvas'),
  };
  const size = { width: plotWidth + MARGIN.left + MARGIN.right, height: 120 };
  const time = scaleTime()
    .domain([matrix.from, matrix.to])
    .range([MARGIN.left, size.width - MARGIN.right]);
  drawCells(canvases.cells, matrix);
  drawLatencyAxis(canvases.latencyAxis, matrix.slotCount, round % 2 === 0 ? 'usecs' : 'msecs', size);
  drawTimeAxis(canvases.timeAxis, time, size);
  drawPercentileLines(lines, matrix, true, size);
  matrixDigest(matrix);
  countColor(1, matrix.maxCount);
  // Give the pixels back now rather than when the canvases are collected.
  for (const canvas of Object.values(canvases)) canvas.width = 0;
}

/** Runs warmUpHeatMap's rounds, each when the page is next idle. */
export function scheduleHeatMapWarmUp(): void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 0));
  const run = (round: number) =>
    idle(() => {
      warmUpHeatMap(round);
      if (round + 1 < ROUNDS) window.setTimeout(() => run(round + 1), ROUND_GAP_MS);
    });
  run(0);
}
