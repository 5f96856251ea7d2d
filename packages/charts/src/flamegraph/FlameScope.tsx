// FlameScope on a canvas: seconds of the capture on x, offset within the second
// on y (top = start of the second), colour = samples. Drag from one cell to
// another (or click one) to select that time; the parent draws its flame graph
// from stacksInRange.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MouseEvent as ReactMouseEvent } from 'react';
import type { FoldedStack, StackUnit } from '@bpfscope/formats';
import { drawPlotFrame, prepareChartCanvas } from '../chartCanvas.js';
import { useMeasuredWidth } from '../measuredWidth.js';
import { formatFrameValue } from './flameColors.js';
import { flameScopeCellRange, flameScopeMatrix, flameScopeSelection } from './flameScope.js';
import type { FlameScopeCell, MsRange } from './flameScope.js';
import { flameScopeColor, flameScopePixels } from './flameScopePixels.js';

export interface FlameScopeProps {
  stacks: readonly FoldedStack[];
  /** The capture's time slot, ms: a row of the map. */
  timeSlotWidthMs: number;
  /** Capture length, so idle seconds at the end still show. */
  durationMs?: number;
  unit: StackUnit;
  /** The selected time, ms since the capture started. */
  selection?: MsRange;
  onSelect?(selection: MsRange | undefined): void;
  height?: number;
  testId?: string;
}

const MARGIN = { left: 56, right: 10, top: 8, bottom: 22 };

interface Hover {
  x: number;
  y: number;
  cell: FlameScopeCell;
}

export function FlameScope({ stacks, timeSlotWidthMs, durationMs, unit, selection, onSelect, height = 320, testId }: FlameScopeProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useMeasuredWidth(containerRef);
  const [hover, setHover] = useState<Hover>();
  const [drag, setDrag] = useState<{ start: FlameScopeCell; end: FlameScopeCell }>();

  const matrix = useMemo(() => flameScopeMatrix(stacks, timeSlotWidthMs, durationMs), [stacks, timeSlotWidthMs, durationMs]);
  const canvasWidth = width ?? 800;
  const plotWidth = canvasWidth - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const columnWidth = plotWidth / Math.max(1, matrix.seconds);
  const rowHeight = plotHeight / matrix.rows;
  const shown = drag ? flameScopeSelection(drag.start, drag.end, timeSlotWidthMs) : selection;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || width === undefined) return;
    const colors = prepareChartCanvas(canvas, context, canvasWidth, height);

    if (matrix.seconds > 0 && matrix.maxCount > 0) {
      const cells = document.createElement('canvas');
      cells.width = matrix.seconds;
      cells.height = matrix.rows;
      const cellsContext = cells.getContext('2d');
      if (cellsContext) {
        cellsContext.putImageData(new ImageData(flameScopePixels(matrix) as Uint8ClampedArray<ArrayBuffer>, matrix.seconds, matrix.rows), 0, 0);
        context.imageSmoothingEnabled = false;
        context.drawImage(cells, MARGIN.left, MARGIN.top, plotWidth, plotHeight);
      }
    }

    drawPlotFrame(context, { left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight }, colors);
    // y: offset within the second.
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    const rowLabelEvery = Math.max(1, Math.ceil(16 / rowHeight));
    for (let row = 0; row <= matrix.rows; row += rowLabelEvery) {
      const y = MARGIN.top + Math.min(row, matrix.rows) * rowHeight;
      context.fillText(`${Math.min(1000, row * timeSlotWidthMs)} ms`, MARGIN.left - 6, y);
    }
    // x: seconds.
    context.textAlign = 'center';
    context.textBaseline = 'top';
    const secondLabelEvery = niceStep(Math.ceil(44 / columnWidth));
    for (let second = 0; second <= matrix.seconds; second += secondLabelEvery) {
      const x = MARGIN.left + second * columnWidth;
      context.fillText(`${second}s`, x, MARGIN.top + plotHeight + 5);
      context.fillRect(x, MARGIN.top + plotHeight, 1, 3);
    }

    if (shown && shown.toMs > shown.fromMs) {
      context.fillStyle = 'rgba(79, 156, 247, 0.3)';
      context.strokeStyle = 'rgba(79, 156, 247, 0.95)';
      const firstSecond = Math.floor(shown.fromMs / 1000);
      const lastSecond = Math.floor((shown.toMs - 1) / 1000);
      for (let second = firstSecond; second <= lastSecond && second < matrix.seconds; second++) {
        const fromRow = second === firstSecond ? Math.floor((shown.fromMs - second * 1000) / timeSlotWidthMs) : 0;
        const toRow = second === lastSecond ? Math.ceil((shown.toMs - second * 1000) / timeSlotWidthMs) : matrix.rows;
        const x = MARGIN.left + second * columnWidth;
        const y = MARGIN.top + fromRow * rowHeight;
        const cellHeight = (Math.min(matrix.rows, toRow) - fromRow) * rowHeight;
        context.fillRect(x, y, Math.max(1, columnWidth), cellHeight);
        context.strokeRect(x + 0.5, y + 0.5, Math.max(1, columnWidth - 1), Math.max(1, cellHeight - 1));
      }
    }
  }, [matrix, width, canvasWidth, height, plotWidth, plotHeight, columnWidth, rowHeight, timeSlotWidthMs, shown]);

  const locate = (event: ReactMouseEvent): Hover | undefined => {
    const bounds = canvasRef.current?.getBoundingClientRect();
    if (!bounds) return undefined;
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    const second = Math.floor((x - MARGIN.left) / columnWidth);
    const row = Math.floor((y - MARGIN.top) / rowHeight);
    if (second < 0 || second >= matrix.seconds || row < 0 || row >= matrix.rows) return undefined;
    return { x, y, cell: { second, row } };
  };

  const hoveredCount = hover ? (matrix.counts[hover.cell.second]?.[hover.cell.row] ?? 0) : 0;
  const hoveredRange = hover ? flameScopeCellRange(hover.cell, timeSlotWidthMs) : undefined;

  return (
    <div
      ref={containerRef}
      className="flame-scope"
      style={{ position: 'relative', width: '100%' }}
      data-testid={testId}
      data-total={matrix.total}
      data-seconds={matrix.seconds}
      data-rows={matrix.rows}
      data-max={matrix.maxCount}
      data-selection={selection ? `${selection.fromMs}-${selection.toMs}` : ''}
    >
      <canvas
        ref={canvasRef}
        style={{ width: '100%', height, display: 'block', cursor: 'crosshair' }}
        role="img"
        aria-label={`Subsecond offset heat map of ${formatFrameValue(matrix.total, unit)} over ${matrix.seconds} s`}
        onMouseMove={(event) => {
          const located = locate(event);
          setHover(located);
          if (drag && located) setDrag({ ...drag, end: located.cell });
        }}
        onMouseLeave={() => setHover(undefined)}
        onMouseDown={(event) => {
          const located = locate(event);
          if (located) setDrag({ start: located.cell, end: located.cell });
          else onSelect?.(undefined);
        }}
        onMouseUp={() => {
          if (!drag) return;
          setDrag(undefined);
          onSelect?.(flameScopeSelection(drag.start, drag.end, timeSlotWidthMs));
        }}
      />
      {hover && hoveredRange ? (
        <div
          className="flame-scope__tooltip"
          role="tooltip"
          style={{ position: 'absolute', left: Math.min(hover.x + 12, canvasWidth - 220), top: Math.max(0, hover.y - 56), pointerEvents: 'none' }}
        >
          <div>
            {formatOffset(hoveredRange.fromMs)} – {formatOffset(hoveredRange.toMs)}
          </div>
          <div>
            <strong>{formatFrameValue(hoveredCount, unit)}</strong>
          </div>
        </div>
      ) : null}
      <div className="flame-scope__legend" style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 11, marginTop: 4 }}>
        <span>0</span>
        <span style={{ width: 140, height: 10, background: legendGradient(), borderRadius: 2 }} />
        <span>{formatFrameValue(matrix.maxCount, unit)}</span>
        <span style={{ opacity: 0.7 }}>per {timeSlotWidthMs} ms; drag across cells to pick a time range</span>
        {matrix.untimed > 0 ? <span style={{ opacity: 0.7 }}>({formatFrameValue(matrix.untimed, unit)} without a time slot not shown)</span> : null}
      </div>
    </div>
  );
}

/** 1, 2, 5, 10, 20, … at least `minimum`: second labels that do not crowd. */
function niceStep(minimum: number): number {
  for (let step = 1; ; step *= 10) for (const factor of [1, 2, 5]) if (step * factor >= minimum) return step * factor;
}

function formatOffset(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  return `${seconds}s + ${milliseconds - seconds * 1000} ms`;
}

function legendGradient(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((position) => {
    const [red, green, blue] = flameScopeColor(position, 1);
    return `rgb(${red}, ${green}, ${blue}) ${position * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
