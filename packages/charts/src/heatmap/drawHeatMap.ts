// Draws a heat map: cells, axes and percentile lines, on the canvases the
// HeatMap component lays out (the selection is a box over them). A plain function of the matrix, so
// the same code can be run ahead of time on canvases that are never shown
// (warmUpHeatMap).
import type { ScaleTime } from 'd3-scale';
import { drawPlotFrame, prepareChartCanvas } from '../chartCanvas.js';
import { log2BucketRange } from '../histogram/log2Buckets.js';
import { formatLatency, formatTimeTick, percentilePositions } from './heatMapModel.js';
import type { HeatMapMatrix } from './heatMapModel.js';
import { heatMapPixels } from './heatMapPixels.js';

export const MARGIN = { left: 64, right: 10, top: 8, bottom: 22 };
export const PERCENTILES: Array<[number, string]> = [
  [50, '#4fc3f7'],
  [90, '#81c784'],
  [99, '#e57373'],
];
/** Percentile lines get a point about every this many px. */
const PERCENTILE_POINT_SPACING = 3;

export interface HeatMapCanvases {
  /** Axes and percentile lines, over the whole chart. */
  canvas: HTMLCanvasElement;
  context: CanvasRenderingContext2D;
  /** The cells, one pixel each, scaled up to the plot by CSS. */
  cells?: HTMLCanvasElement | undefined;
}

export interface HeatMapDrawOptions {
  /** The chart's size in CSS px, margins included. */
  width: number;
  height: number;
  unit: 'usecs' | 'msecs';
  /** Time → x in px, over the matrix's range. */
  time: ScaleTime<number, number>;
  showPercentiles: boolean;
}

export function drawHeatMap({ canvas, context, cells }: HeatMapCanvases, matrix: HeatMapMatrix, options: HeatMapDrawOptions): void {
  const { width, height, unit, time, showPercentiles } = options;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const slotHeight = plotHeight / matrix.slotCount;
  const columnWidth = plotWidth / matrix.columnCount;
  const total = matrix.total;
  const colors = prepareChartCanvas(canvas, context, width, height);

  // Cells: one pixel each, in their own canvas that CSS scales up (pixelated):
  // the browser scales it while compositing instead of script redrawing every pixel.
  const cellsContext = cells?.getContext('2d');
  if (cells && cellsContext) {
    if (cells.width !== matrix.columnCount) cells.width = matrix.columnCount;
    if (cells.height !== matrix.slotCount) cells.height = matrix.slotCount;
    if (matrix.maxCount > 0) cellsContext.putImageData(new ImageData(heatMapPixels(matrix) as Uint8ClampedArray<ArrayBuffer>, matrix.columnCount, matrix.slotCount), 0, 0);
    else cellsContext.clearRect(0, 0, cells.width, cells.height);
  }

  // Axes.
  drawPlotFrame(context, { left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight }, colors);
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  const labelEvery = Math.max(1, Math.ceil(14 / slotHeight));
  for (let slot = 0; slot <= matrix.slotCount; slot += labelEvery) {
    const y = MARGIN.top + plotHeight - slot * slotHeight;
    const value = slot === 0 ? 0 : log2BucketRange(Math.min(slot, 52)).low;
    context.fillText(formatLatency(value, unit), MARGIN.left - 6, y);
  }
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const tick of time.ticks(Math.max(2, Math.floor(plotWidth / 110)))) {
    const x = time(tick);
    context.fillText(formatTimeTick(tick.getTime()), x, MARGIN.top + plotHeight + 5);
    context.fillRect(x, MARGIN.top + plotHeight, 1, 3);
  }

  // Percentile lines, one pixel wide, a point every few pixels (the columns
  // under it added up): per-second percentiles at a pixel each are noise to the
  // eye, and without a GPU Chromium rasterizes thousands of zig-zag segments
  // slowly (a 1.5 px stroke took about half a second a frame). A run of equal
  // heights is one segment.
  if (showPercentiles && total > 0) {
    const columnsPerPoint = Math.max(1, Math.ceil(PERCENTILE_POINT_SPACING / columnWidth));
    const lines = percentilePositions(matrix, PERCENTILES.map(([percentile]) => percentile), columnsPerPoint);
    const bottom = MARGIN.top + plotHeight;
    const pointWidth = columnsPerPoint * columnWidth;
    context.lineWidth = 1;
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
        const x = MARGIN.left + point * pointWidth + (columns * columnWidth) / 2;
        const y = bottom - position * slotHeight;
        if (drawing) context.lineTo(x, y);
        else context.moveTo(x, y);
        drawing = true;
      }
      context.stroke();
    });
  }
}
