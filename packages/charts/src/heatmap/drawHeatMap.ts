// Draws a heat map, each part on a canvas of its own no bigger than what it
// holds: the cells, the latency axis and the time axis; the percentile lines are
// SVG paths (the frame and the selection are boxes over them). Without a GPU, Chromium
// copies every changed canvas whole to the compositor on the main thread each
// frame: one canvas over the whole chart (3,800 × 640 px) for its labels and
// lines cost about 10 ms a frame. Plain functions of the matrix, so the same
// code can be run ahead of time on canvases that are never shown (warmUpHeatMap).
import type { ScaleTime } from 'd3-scale';
import { chartColors, LABEL_FONT, sizeChartCanvas } from '../chartCanvas.js';
import { slotBoundary } from '../histogram/log2Buckets.js';
import type { LinearBuckets } from '../histogram/log2Buckets.js';
import { formatLatency, formatTimeTick, PATH_UNITS_PER_PX, percentileLinePaths } from './heatMapModel.js';
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
 * Percentile lines, one pixel wide, as SVG paths over the plot (an <svg> the
 * plot's size at its top left): the browser rasterizes them off the main
 * thread, where a canvas as wide as the plot had to be allocated, drawn and
 * copied to the compositor on it (without a GPU, about half of a fresh page's
 * first frame). A path per percentile, made on first use.
 */
export function drawPercentileLines(svg: SVGSVGElement, matrix: HeatMapMatrix, show: boolean, { width, height }: HeatMapSize): void {
  const plot = { width: width - MARGIN.left - MARGIN.right, height: height - MARGIN.top - MARGIN.bottom };
  const paths = show
    ? percentileLinePaths(
        matrix,
        PERCENTILES.map(([percentile]) => percentile),
        plot,
      )
    : [];
  // The paths are in hundredths of a pixel.
  const viewBox = `0 0 ${plot.width * PATH_UNITS_PER_PX} ${plot.height * PATH_UNITS_PER_PX}`;
  if (svg.getAttribute('viewBox') !== viewBox) svg.setAttribute('viewBox', viewBox);
  PERCENTILES.forEach(([, color], index) => {
    let path = svg.children[index];
    if (!path) {
      path = document.createElementNS(SVG_NAMESPACE, 'path');
      path.setAttribute('stroke', color);
      path.setAttribute('stroke-width', String(PATH_UNITS_PER_PX));
      // A canvas's default, as the lines were stroked before (SVG's own is 4).
      path.setAttribute('stroke-miterlimit', '10');
      path.setAttribute('fill', 'none');
      svg.append(path);
    }
    const data = paths[index] ?? '';
    if (path.getAttribute('d') !== data) path.setAttribute('d', data);
  });
}

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

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
