// The heat map's code run once ahead of need, on canvases that are never shown.
// A page's first heat map otherwise pays for running its loops cold (before the
// engine has compiled them) and for setting up the canvas and its font: on a
// small machine that doubled the time to its first frame. The app starts this
// when it is idle after loading.
import { scaleTime } from 'd3-scale';
import { drawHeatMap, MARGIN } from './drawHeatMap.js';
import { buildHeatMapMatrix } from './heatMapModel.js';
import type { HistogramFrame } from './heatMapModel.js';
import { countColor, matrixDigest } from './heatMapPixels.js';

/** Enough columns for the loops to be compiled; a fraction of an hour's work. */
const WARM_UP_COLUMNS = 1200;
const WARM_UP_SLOTS = 40;

/** Draws a made-up heat map on detached canvases and lets them go. */
export function warmUpHeatMap(): void {
  const frames: HistogramFrame[] = Array.from({ length: WARM_UP_COLUMNS }, (_, column) => ({
    time: (column + 1) * 1000,
    intervalMs: 1000,
    counts: Array.from({ length: WARM_UP_SLOTS }, (_, slot) => (column * 7 + slot * 13) % 50),
  }));
  const matrix = buildHeatMapMatrix(frames, { from: 0, to: WARM_UP_COLUMNS * 1000, maxColumns: WARM_UP_COLUMNS, minSlots: 12 });
  const canvas = document.createElement('canvas');
  const cells = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return;
  const width = WARM_UP_COLUMNS + MARGIN.left + MARGIN.right;
  const time = scaleTime().domain([matrix.from, matrix.to]).range([MARGIN.left, width - MARGIN.right]);
  drawHeatMap({ canvas, context, cells }, matrix, { width, height: 120, unit: 'usecs', time, showPercentiles: true, selection: { left: MARGIN.left, right: MARGIN.left + 10 } });
  matrixDigest(matrix);
  countColor(1, matrix.maxCount);
  // Give the pixels back now rather than when the canvases are collected.
  canvas.width = 0;
  cells.width = 0;
}

/** Runs warmUpHeatMap once, when the page is next idle. */
export function scheduleHeatMapWarmUp(): void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 200));
  idle(() => warmUpHeatMap());
}
