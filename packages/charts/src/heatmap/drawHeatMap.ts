// Draws a heat map, each part on a canvas of its own no bigger than what it
// holds: the cells, the latency axis, the time axis and the percentile lines
// (the frame and the selection are boxes over them). Without a GPU, Chromium
// copies every changed canvas whole to the compositor on the main thread each
// frame: one canvas over the whole chart (3,800 × 640 px) for its labels and
// lines cost about 10 ms a frame. Plain functions of the matrix, so the same
// code can be run ahead of time on canvases that are never shown (warmUpHeatMap).
import type { ScaleTime } from 'd3-scale';
import { chartColors, LABEL_FONT, sizeChartCanvas } from '../chartCanvas.js';
import { slotBoundary } from '../histogram/log2Buckets.js';
import type { LinearBuckets } from '../histogram/log2Buckets.js';
import { formatLatency, formatTimeTick, percentilePositions } from './heatMapModel.js';
import type { HeatMapMatrix } from './heatMapModel.js';
import { heatMapPixels } from './heatMapPixels.js';
import type { ColorScheme } from './heatMapPixels.js';
import type { HistogramUnit } from './heatMapModel.js';

export const MARGIN = { left: 64, right: 10, top: 8, bottom: 22 };
export const PERCENTILES: Array<[number, string]> = [
  [50, '#4fc3f7'],
  [90, '#81c784'],
  [99, '#e57373'],
];
/** Percentile lines get a point about every this many px. */
const PERCENTILE_POINT_SPACING = 3;
/** Room above and below the lines' band for the stroke and its antialiasing. */
const LINE_BAND_PADDING = 2;
/** The lines' canvas grows and shrinks by this many px: a canvas that changes size is allocated anew. */
const LINE_BAND_STEP = 64;

/** The chart's size in CSS px, margins included. */
export interface HeatMapSize {
  width: number;
  height: number;
}

/** One pixel per cell (latency upwards), scaled up to the plot by CSS (pixelated). */
export function drawCells(canvas: HTMLCanvasElement, matrix: HeatMapMatrix, scheme: ColorScheme = 'dark'): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  if (canvas.width !== matrix.columnCount) canvas.width = matrix.columnCount;
  if (canvas.height !== matrix.slotCount) canvas.height = matrix.slotCount;
  if (matrix.maxCount > 0)
    context.putImageData(new ImageData(heatMapPixels(matrix, undefined, scheme) as Uint8ClampedArray<ArrayBuffer>, matrix.columnCount, matrix.slotCount), 0, 0);
  else context.clearRect(0, 0, canvas.width, canvas.height);
}

/** Latency labels on a canvas MARGIN.left wide and the chart's height, at its top left. */
export function drawLatencyAxis(canvas: HTMLCanvasElement, slotCount: number, unit: HistogramUnit, { height }: HeatMapSize, buckets?: LinearBuckets): void {
  const context = labelCanvas(canvas, MARGIN.left, height, 'right', 'middle');
  if (!context) return;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const slotHeight = plotHeight / slotCount;
  const labelEvery = Math.max(1, Math.ceil(14 / slotHeight));
  for (let slot = 0; slot <= slotCount; slot += labelEvery) {
    const value = slotBoundary(slot, buckets);
    if (value !== undefined) context.fillText(formatLatency(value, unit), MARGIN.left - 6, MARGIN.top + plotHeight - slot * slotHeight);
  }
}

/** Time labels and ticks on a canvas the chart's width and MARGIN.bottom high, under the plot. */
export function drawTimeAxis(canvas: HTMLCanvasElement, time: ScaleTime<number, number>, { width }: HeatMapSize): void {
  const context = labelCanvas(canvas, width, MARGIN.bottom, 'center', 'top');
  if (!context) return;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  for (const tick of time.ticks(Math.max(2, Math.floor(plotWidth / 110)))) {
    const x = time(tick);
    context.fillText(formatTimeTick(tick.getTime()), x, 5);
    context.fillRect(x, 0, 1, 3);
  }
}

/**
 * Percentile lines, one pixel wide, a point every few pixels (the columns under
 * it added up): per-second percentiles at a pixel each are noise to the eye, and
 * without a GPU Chromium rasterizes thousands of zig-zag segments slowly (a
 * 1.5 px stroke took about half a second a frame). A run of equal heights is
 * one segment. The canvas is as wide as the plot, at its left, and covers only
 * the band the lines cross: this sets its style's top and height.
 */
export function drawPercentileLines(canvas: HTMLCanvasElement, matrix: HeatMapMatrix, show: boolean, { width, height }: HeatMapSize): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const slotHeight = plotHeight / matrix.slotCount;
  const columnWidth = plotWidth / matrix.columnCount;
  const columnsPerPoint = Math.max(1, Math.ceil(PERCENTILE_POINT_SPACING / columnWidth));
  const lines =
    show && matrix.total > 0
      ? percentilePositions(
          matrix,
          PERCENTILES.map(([percentile]) => percentile),
          columnsPerPoint,
        )
      : [];
  // The band, as slot positions (they run up from the plot's bottom).
  let highest = -Infinity;
  let lowest = Infinity;
  for (const positions of lines) {
    for (let point = 0; point < positions.length; point++) {
      const position = positions[point] as number;
      if (position > highest) highest = position;
      if (position < lowest) lowest = position;
    }
  }
  const empty = !(highest >= lowest);
  const needTop = empty ? 0 : Math.max(0, Math.floor((plotHeight - highest * slotHeight - LINE_BAND_PADDING) / LINE_BAND_STEP) * LINE_BAND_STEP);
  const needBottom = empty ? 0 : Math.min(plotHeight, Math.ceil((plotHeight - lowest * slotHeight + LINE_BAND_PADDING) / LINE_BAND_STEP) * LINE_BAND_STEP);
  // A band that still holds the lines (inside the plot) is kept unless it is
  // over a step too tall: a live map's extremes come and go, and the band would
  // flip each second.
  const current = lineBands.get(canvas);
  const keep =
    !empty &&
    current !== undefined &&
    current.top <= needTop &&
    current.bottom >= needBottom &&
    current.bottom <= plotHeight &&
    current.bottom - current.top <= needBottom - needTop + LINE_BAND_STEP;
  const bandTop = keep ? current.top : needTop;
  const bandBottom = keep ? current.bottom : needBottom;
  lineBands.set(canvas, { top: bandTop, bottom: bandBottom });
  const bandHeight = bandBottom - bandTop;
  setStyle(canvas, 'top', `${MARGIN.top + bandTop}px`);
  setStyle(canvas, 'height', `${bandHeight}px`);
  sizeChartCanvas(canvas, context, plotWidth, bandHeight);
  if (empty) return;
  context.lineWidth = 1;
  const pointWidth = columnsPerPoint * columnWidth;
  PERCENTILES.forEach(([, color], index) => {
    const positions = lines[index] as Float64Array;
    const last = positions.length - 1;
    context.strokeStyle = color;
    context.beginPath();
    let drawing = false;
    for (let point = 0; point <= last; point++) {
      const position = positions[point] as number;
      if (Number.isNaN(position)) {
        drawing = false;
        continue;
      }
      // Inside a flat run only its two ends matter.
      if (drawing && point < last && positions[point - 1] === position && positions[point + 1] === position) continue;
      // The centre of the point's columns (the last point may hold fewer).
      const columns = Math.min(columnsPerPoint, matrix.columnCount - point * columnsPerPoint);
      const x = point * pointWidth + (columns * columnWidth) / 2;
      const y = plotHeight - position * slotHeight - bandTop;
      if (drawing) context.lineTo(x, y);
      else context.moveTo(x, y);
      drawing = true;
    }
    context.stroke();
  });
}

/** The band each lines canvas covers now, in the plot's px from its top. */
const lineBands = new WeakMap<HTMLCanvasElement, { top: number; bottom: number }>();

/** An axis canvas sized and cleared, set up to write labels in the theme's colour. */
function labelCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  align: CanvasTextAlign,
  baseline: CanvasTextBaseline,
): CanvasRenderingContext2D | null {
  const context = canvas.getContext('2d');
  if (!context) return null;
  sizeChartCanvas(canvas, context, width, height);
  context.fillStyle = chartColors(canvas).muted;
  context.font = LABEL_FONT;
  context.textAlign = align;
  context.textBaseline = baseline;
  return context;
}

/** Sets an inline style only when it changes: every write makes the browser work the element's style out again. */
function setStyle(element: HTMLElement, property: 'top' | 'height', value: string): void {
  if (element.style[property] !== value) element.style[property] = value;
}
