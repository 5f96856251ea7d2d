// Latency heat map on a canvas: time on x, log2 latency buckets on y, colour =
// count. Hover for a cell's numbers, drag to select a time range, click to clear it.
import { scaleTime } from 'd3-scale';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MouseEvent as ReactMouseEvent } from 'react';
import { log2BucketRange } from '../histogram/log2Buckets.js';
import { formatInteger } from '../format/numbers.js';
import { drawPlotFrame, prepareChartCanvas } from '../chartCanvas.js';
import { useMeasuredWidth } from '../measuredWidth.js';
import { buildHeatMapMatrix, formatClock, formatLatency, formatSlotRange, formatTimeTick, percentilePositions } from './heatMapModel.js';
import type { HeatMapMatrix, HistogramFrame } from './heatMapModel.js';
import { countColor, heatMapPixels, matrixDigest } from './heatMapPixels.js';

export interface TimeRange {
  from: number;
  to: number;
}

export interface HeatMapProps {
  frames: readonly HistogramFrame[];
  unit: 'usecs' | 'msecs';
  /** The time range shown (epoch ms). */
  range: TimeRange;
  selection?: TimeRange;
  onSelect?(selection: TimeRange | undefined): void;
  /** p50/p90/p99 lines over the cells. */
  showPercentiles?: boolean;
  height?: number;
  testId?: string;
  /** Called after each paint with how long it took (ms), for benchmarks. */
  onRendered?(milliseconds: number, matrix: HeatMapMatrix): void;
}

const MARGIN = { left: 64, right: 10, top: 8, bottom: 22 };
const PERCENTILES: Array<[number, string]> = [
  [50, '#4fc3f7'],
  [90, '#81c784'],
  [99, '#e57373'],
];
const MIN_SLOTS = 12;
/** Percentile lines get a point about every this many px. */
const PERCENTILE_POINT_SPACING = 3;

interface Hover {
  x: number;
  y: number;
  column: number;
  slot: number;
}

export function HeatMap({ frames, unit, range, selection, onSelect, showPercentiles = true, height = 320, testId, onRendered }: HeatMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cellsRef = useRef<HTMLCanvasElement>(null);
  // Unknown until measured before the first paint; nothing heavy is built for a guessed width.
  const width = useMeasuredWidth(containerRef);
  const [hover, setHover] = useState<Hover>();
  const [drag, setDrag] = useState<{ startX: number; x: number }>();

  const measured = width !== undefined;
  const canvasWidth = width ?? 800;
  const plotWidth = canvasWidth - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const matrix = useMemo(
    () => buildHeatMapMatrix(measured ? frames : [], { from: range.from, to: range.to, maxColumns: plotWidth, minSlots: MIN_SLOTS }),
    [measured, frames, range.from, range.to, plotWidth],
  );
  const time = useMemo(() => scaleTime().domain([matrix.from, matrix.to]).range([MARGIN.left, MARGIN.left + plotWidth]), [matrix.from, matrix.to, plotWidth]);
  const slotHeight = plotHeight / matrix.slotCount;
  const columnWidth = plotWidth / matrix.columnCount;
  const total = matrix.total;
  // A fingerprint for comparing renders (tests, shared links): worked out after the paint, off the first frame's path.
  const [digest, setDigest] = useState<string>();
  useEffect(() => {
    setDigest(undefined);
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 0));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const handle = idle(() => setDigest(matrixDigest(matrix)));
    return () => cancel(handle);
  }, [matrix]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !measured) return;
    const started = performance.now();
    const colors = prepareChartCanvas(canvas, context, canvasWidth, height);

    // Cells: one pixel each, in their own canvas that CSS scales up (pixelated):
    // the browser scales it while compositing instead of script redrawing every pixel.
    const cells = cellsRef.current;
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

    // Selection (committed, or being dragged).
    const shown = drag ? { left: Math.min(drag.startX, drag.x), right: Math.max(drag.startX, drag.x) } : selection ? { left: time(selection.from), right: time(selection.to) } : undefined;
    if (shown) {
      context.fillStyle = 'rgba(79, 156, 247, 0.18)';
      context.strokeStyle = 'rgba(79, 156, 247, 0.9)';
      const left = Math.max(MARGIN.left, shown.left);
      const right = Math.min(MARGIN.left + plotWidth, shown.right);
      context.fillRect(left, MARGIN.top, Math.max(1, right - left), plotHeight);
      context.strokeRect(left + 0.5, MARGIN.top + 0.5, Math.max(1, right - left - 1), plotHeight - 1);
    }
    onRendered?.(performance.now() - started, matrix);
  }, [matrix, measured, canvasWidth, height, plotWidth, plotHeight, slotHeight, time, unit, showPercentiles, total, selection, drag, onRendered]);

  const locate = (event: ReactMouseEvent): Hover | undefined => {
    const bounds = canvasRef.current?.getBoundingClientRect();
    if (!bounds) return undefined;
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    const column = Math.floor((x - MARGIN.left) / columnWidth);
    const slot = Math.floor((MARGIN.top + plotHeight - y) / slotHeight);
    if (column < 0 || column >= matrix.columnCount || slot < 0 || slot >= matrix.slotCount) return undefined;
    return { x, y, column, slot };
  };

  const hovered = hover
    ? { start: matrix.from + hover.column * matrix.columnMs, end: matrix.from + (hover.column + 1) * matrix.columnMs, total: matrix.columnTotals[hover.column] ?? 0 }
    : undefined;
  const hoveredCount = hover ? (matrix.cells[hover.column * matrix.slotCount + hover.slot] ?? 0) : 0;

  return (
    <div
      ref={containerRef}
      className="heat-map"
      style={{ position: 'relative', width: '100%' }}
      data-testid={testId}
      data-digest={digest ?? ''}
      data-total={total}
      data-columns={matrix.columnCount}
      data-column-ms={matrix.columnMs}
    >
      <div className="heat-map__plot" style={{ position: 'relative' }}>
      <canvas
        ref={cellsRef}
        aria-hidden="true"
        style={{ position: 'absolute', left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight, imageRendering: 'pixelated', pointerEvents: 'none' }}
      />
      <canvas
        ref={canvasRef}
        style={{ position: 'relative', width: '100%', height, display: 'block', cursor: 'crosshair' }}
        aria-label={`Heat map of ${total} events from ${formatClock(matrix.from)} to ${formatClock(matrix.to)}`}
        role="img"
        onMouseMove={(event) => {
          const located = locate(event);
          setHover(located);
          if (drag) setDrag({ ...drag, x: Math.min(Math.max(event.clientX - (canvasRef.current?.getBoundingClientRect().left ?? 0), MARGIN.left), MARGIN.left + plotWidth) });
        }}
        onMouseLeave={() => setHover(undefined)}
        onMouseDown={(event) => {
          const bounds = canvasRef.current?.getBoundingClientRect();
          if (!bounds) return;
          const x = event.clientX - bounds.left;
          if (x >= MARGIN.left && x <= MARGIN.left + plotWidth) setDrag({ startX: x, x });
        }}
        onMouseUp={() => {
          if (!drag) return;
          const left = Math.min(drag.startX, drag.x);
          const right = Math.max(drag.startX, drag.x);
          setDrag(undefined);
          if (right - left < 3) onSelect?.(undefined);
          else onSelect?.({ from: Math.round(time.invert(left).getTime()), to: Math.round(time.invert(right).getTime()) });
        }}
      />
      </div>
      {hover && hovered ? (
        <div className="heat-map__tooltip" role="tooltip" style={{ position: 'absolute', left: Math.min(hover.x + 12, canvasWidth - 230), top: Math.max(0, hover.y - 70), pointerEvents: 'none' }}>
          <div>
            {formatClock(hovered.start)} – {formatClock(hovered.end)}
          </div>
          <div>{formatSlotRange(hover.slot, unit)}</div>
          <div>
            <strong>{formatInteger(hoveredCount)}</strong> {hoveredCount === 1 ? 'event' : 'events'}
            {hovered.total > 0 ? ` (${((100 * hoveredCount) / hovered.total).toFixed(1)}% of the interval)` : ''}
          </div>
        </div>
      ) : null}
      <div className="heat-map__legend" style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 11, marginTop: 4 }}>
        <span>count</span>
        <span>1</span>
        <span style={{ width: 140, height: 10, background: legendGradient(), borderRadius: 2 }} />
        <span>{formatInteger(matrix.maxCount)}</span>
        <span style={{ opacity: 0.7 }}>(log scale, per {formatColumnWidth(matrix.columnMs)})</span>
        {showPercentiles
          ? PERCENTILES.map(([percentile, color]) => (
              <span key={percentile} style={{ color }}>
                ━ p{percentile}
              </span>
            ))
          : null}
      </div>
    </div>
  );
}

function legendGradient(): string {
  const stops = [1, 2, 4, 8, 16, 32, 64, 128].map((count, index, all) => {
    const [red, green, blue] = countColor(count, all[all.length - 1] as number);
    return `rgb(${red}, ${green}, ${blue}) ${(100 * index) / (all.length - 1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function formatColumnWidth(milliseconds: number): string {
  return milliseconds % 60_000 === 0 ? `${milliseconds / 60_000} min` : `${(milliseconds / 1000).toFixed(milliseconds % 1000 === 0 ? 0 : 1)} s`;
}
