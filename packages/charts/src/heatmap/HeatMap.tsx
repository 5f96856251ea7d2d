// Latency heat map on a canvas: time on x, log2 latency buckets on y, colour =
// count. Hover for a cell's numbers, drag to select a time range, click a cell to
// select it (again to clear). Keyboard: Tab to it, arrows move over the cells,
// Enter selects one, Escape clears.
import { scaleTime } from 'd3-scale';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { MouseEvent as ReactMouseEvent } from 'react';
import { formatClockTime } from '@bpfscope/formats';
import { formatInteger } from '../format/numbers.js';
import { useMeasuredWidth } from '../measuredWidth.js';
import { useThemeVersion } from '../themeVersion.js';
import { drawCells, drawLatencyAxis, drawPercentileLines, drawTimeAxis, MARGIN, PERCENTILES } from './drawHeatMap.js';
import { buildHeatMapMatrix, formatSlotRange } from './heatMapModel.js';
import { linearSlotCount } from '../histogram/log2Buckets.js';
import type { LinearBuckets } from '../histogram/log2Buckets.js';
import type { HeatMapFrame, HeatMapMatrix } from './heatMapModel.js';
import { colorSchemeOf, countColor, matrixDigest } from './heatMapPixels.js';
import type { ColorScheme } from './heatMapPixels.js';
import type { HistogramUnit } from './heatMapModel.js';

export interface TimeRange {
  from: number;
  to: number;
}

/** A selected time range; a clicked cell also has its log2 bucket. */
export interface HeatMapSelection extends TimeRange {
  bucket?: number;
}

export interface HeatMapProps {
  frames: readonly HeatMapFrame[];
  unit: HistogramUnit;
  /** The slots' linear buckets (argdist --linear); log2 without. */
  buckets?: LinearBuckets | undefined;
  /** The time range shown (epoch ms). */
  range: TimeRange;
  selection?: HeatMapSelection | undefined;
  onSelect?(selection: HeatMapSelection | undefined): void;
  /** p50/p90/p99 lines over the cells. */
  showPercentiles?: boolean;
  height?: number;
  testId?: string;
  /** Called after each paint with how long it took (ms), for benchmarks. */
  onRendered?(milliseconds: number, matrix: HeatMapMatrix): void;
  /**
   * Laid out but not shown (an ancestor has display: none): nothing is built
   * or drawn, and when shown again it is drawn before that frame is painted.
   */
  hidden?: boolean;
  /** The colour scale and percentile key under the map; a small multiple leaves it out (default shown). */
  legend?: boolean;
}

const MIN_SLOTS = 12;
/** What is stacked in the plot: placed absolutely, sized as styled, never the mouse's target. */
const LAYER = { position: 'absolute', boxSizing: 'border-box', pointerEvents: 'none' } as const;

interface Hover {
  x: number;
  y: number;
  column: number;
  slot: number;
}

export function HeatMap({
  frames,
  unit,
  buckets,
  range,
  selection,
  onSelect,
  showPercentiles = true,
  height = 320,
  testId,
  onRendered,
  hidden = false,
  legend = true,
}: HeatMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const cellsRef = useRef<HTMLCanvasElement>(null);
  const linesRef = useRef<SVGSVGElement>(null);
  const latencyAxisRef = useRef<HTMLCanvasElement>(null);
  const timeAxisRef = useRef<HTMLCanvasElement>(null);
  // Unknown until measured before the first paint; nothing heavy is built for a guessed width.
  const width = useMeasuredWidth(containerRef, !hidden);
  const [mouseHover, setHover] = useState<Hover>();
  /** The keyboard's cell, by its time: a live map moves under it, the cell stays the same second. */
  const [cursor, setCursor] = useState<{ time: number; slot: number }>();
  const [drag, setDrag] = useState<{ startX: number; x: number }>();

  const measured = width !== undefined && !hidden;
  const canvasWidth = width ?? 800;
  const plotWidth = canvasWidth - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const matrix = useMemo(
    () =>
      buildHeatMapMatrix(measured ? frames : [], {
        from: range.from,
        to: range.to,
        maxColumns: plotWidth,
        // Linear buckets show all of theirs, so the axis runs from min to max whatever came.
        minSlots: buckets ? linearSlotCount(buckets) : MIN_SLOTS,
      }),
    [measured, frames, range.from, range.to, plotWidth, buckets],
  );
  const time = useMemo(
    () =>
      scaleTime()
        .domain([matrix.from, matrix.to])
        .range([MARGIN.left, MARGIN.left + plotWidth]),
    [matrix.from, matrix.to, plotWidth],
  );
  const slotHeight = plotHeight / matrix.slotCount;
  const columnWidth = plotWidth / matrix.columnCount;
  const total = matrix.total;
  // A fingerprint for comparing renders (tests, shared links): worked out after the paint, off the first frame's path.
  // Kept with the matrix it describes: a digest of an older matrix is never shown.
  const [digest, setDigest] = useState<{ matrix: HeatMapMatrix; value: string }>();
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 0));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const handle = idle(() => setDigest({ matrix, value: matrixDigest(matrix) }));
    return () => cancel(handle);
  }, [matrix]);

  // Drawn before the browser paints (layout effects): a passive effect may run
  // after a frame has gone out without the new cells, a frame late. Each part
  // only when what it shows changed: a live update redraws the cells, the lines
  // and the time axis, not the latency axis.
  const size = useMemo(() => ({ width: canvasWidth, height }), [canvasWidth, height]);
  const paintStarted = useRef(0);
  const onRenderedRef = useRef(onRendered);
  onRenderedRef.current = onRendered;
  const themeVersion = useThemeVersion();
  // The ramp follows the background (CSS color-scheme), so the rarest cells stand out on either theme.
  // Read as the cells are drawn, and the legend's gradient set then, only when the scheme changed: a
  // scheme kept in state would render the chart again on mount.
  const legendRef = useRef<HTMLSpanElement>(null);
  const legendScheme = useRef<ColorScheme>(undefined);
  useLayoutEffect(() => {
    if (!measured || !cellsRef.current || !containerRef.current) return;
    paintStarted.current = performance.now();
    const scheme = colorSchemeOf(containerRef.current);
    drawCells(cellsRef.current, matrix, scheme);
    if (legendRef.current && (legendScheme.current !== scheme || !legendRef.current.style.background)) {
      legendScheme.current = scheme;
      legendRef.current.style.background = legendGradient(scheme);
    }
    // With legend: a legend shown anew gets its gradient.
  }, [matrix, measured, themeVersion, legend]);
  useLayoutEffect(() => {
    if (measured && latencyAxisRef.current) drawLatencyAxis(latencyAxisRef.current, matrix.slotCount, unit, size, buckets);
  }, [matrix.slotCount, unit, size, measured, themeVersion, buckets]);
  useLayoutEffect(() => {
    if (measured && timeAxisRef.current) drawTimeAxis(timeAxisRef.current, time, size);
  }, [time, size, measured, themeVersion]);
  useLayoutEffect(() => {
    if (measured && linesRef.current) drawPercentileLines(linesRef.current, matrix, showPercentiles, size);
  }, [matrix, showPercentiles, size, measured]);
  useLayoutEffect(() => {
    if (measured) onRenderedRef.current?.(performance.now() - paintStarted.current, matrix);
  }, [matrix, measured, showPercentiles, size, time, unit]);

  // The selection (committed, or being dragged), in px: a box over the canvas, so a drag redraws nothing.
  const shown = drag
    ? { left: Math.min(drag.startX, drag.x), right: Math.max(drag.startX, drag.x) }
    : selection
      ? { left: time(selection.from), right: time(selection.to) }
      : undefined;
  // A cell's box covers its bucket only.
  const selectedBucket = !drag && selection?.bucket !== undefined && selection.bucket < matrix.slotCount ? selection.bucket : undefined;
  const selectionTop = selectedBucket === undefined ? MARGIN.top : MARGIN.top + plotHeight - (selectedBucket + 1) * slotHeight;
  const selectionHeight = selectedBucket === undefined ? plotHeight : slotHeight;

  const cellAt = (column: number, slot: number): HeatMapSelection => ({
    from: matrix.from + column * matrix.columnMs,
    to: matrix.from + (column + 1) * matrix.columnMs,
    bucket: slot,
  });
  const toggleCell = (column: number, slot: number) => {
    const cell = cellAt(column, slot);
    const same = selection?.bucket === slot && selection.from === cell.from && selection.to === cell.to;
    onSelect?.(same ? undefined : cell);
  };
  const placeCursor = (column: number, slot: number) => setCursor({ time: matrix.from + column * matrix.columnMs, slot });
  // Shown as the mouse's hover is, at the cell's centre.
  const cursorColumn = cursor ? Math.min(matrix.columnCount - 1, Math.max(0, Math.round((cursor.time - matrix.from) / matrix.columnMs))) : 0;
  const cursorSlot = cursor ? Math.min(matrix.slotCount - 1, cursor.slot) : 0;
  const hover: Hover | undefined =
    mouseHover ??
    (cursor
      ? {
          column: cursorColumn,
          slot: cursorSlot,
          x: MARGIN.left + (cursorColumn + 0.5) * columnWidth,
          y: MARGIN.top + plotHeight - (cursorSlot + 0.5) * slotHeight,
        }
      : undefined);
  const clampToPlot = (x: number) => Math.min(MARGIN.left + plotWidth, Math.max(MARGIN.left, x));
  const selectionLeft = shown ? clampToPlot(shown.left) : 0;
  const selectionRight = shown ? clampToPlot(shown.right) : 0;

  const locate = (event: ReactMouseEvent): Hover | undefined => {
    const bounds = plotRef.current?.getBoundingClientRect();
    if (!bounds) return undefined;
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    const column = Math.floor((x - MARGIN.left) / columnWidth);
    const slot = Math.floor((MARGIN.top + plotHeight - y) / slotHeight);
    if (column < 0 || column >= matrix.columnCount || slot < 0 || slot >= matrix.slotCount) return undefined;
    return { x, y, column, slot };
  };

  const hovered = hover
    ? {
        start: matrix.from + hover.column * matrix.columnMs,
        end: matrix.from + (hover.column + 1) * matrix.columnMs,
        total: matrix.columnTotals[hover.column] ?? 0,
      }
    : undefined;
  const hoveredCount = hover ? (matrix.cells[hover.column * matrix.slotCount + hover.slot] ?? 0) : 0;

  // Until measured (in a layout effect, before the first paint) only the box whose width is measured, as tall as
  // the chart: its parts are then made once, at their size, rather than made for a guessed width, laid out with
  // their text and changed. A hidden chart keeps its parts laid out for when it is shown.
  if (width === undefined && !hidden)
    return <div ref={containerRef} className="heat-map" style={{ position: 'relative', width: '100%', height }} data-testid={testId} />;

  return (
    <div
      ref={containerRef}
      className="heat-map"
      style={{ position: 'relative', width: '100%' }}
      data-testid={testId}
      data-digest={digest?.matrix === matrix ? digest.value : ''}
      data-total={total}
      data-columns={matrix.columnCount}
      data-column-ms={matrix.columnMs}
      data-selection={selection ? `${selection.from}-${selection.to}` : ''}
    >
      <div
        ref={plotRef}
        className="heat-map__plot"
        style={{ position: 'relative', height, cursor: 'crosshair' }}
        aria-label={`Heat map of ${total} events from ${formatClockTime(matrix.from)} to ${formatClockTime(matrix.to)}: arrow keys move over the cells, Enter selects one, Escape clears the selection`}
        role="application"
        tabIndex={0}
        onFocus={(event) => {
          // A click focuses too: the cursor is for the keyboard only.
          if (cursor || matrix.columnCount === 0 || !event.currentTarget.matches(':focus-visible')) return;
          // Start on the busiest bucket of the newest column with events: where a look usually begins.
          let column = matrix.columnCount - 1;
          while (column > 0 && (matrix.columnTotals[column] ?? 0) === 0) column--;
          let busiest = 0;
          for (let slot = 1; slot < matrix.slotCount; slot++)
            if ((matrix.cells[column * matrix.slotCount + slot] ?? 0) > (matrix.cells[column * matrix.slotCount + busiest] ?? 0)) busiest = slot;
          placeCursor(column, busiest);
        }}
        onBlur={() => setCursor(undefined)}
        onKeyDown={(event) => {
          const step: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
          const move = step[event.key];
          if (move && matrix.columnCount > 0) {
            event.preventDefault();
            const from = hover ?? { column: matrix.columnCount - 1, slot: 0 };
            const by = event.shiftKey ? 10 : 1;
            placeCursor(
              Math.min(matrix.columnCount - 1, Math.max(0, from.column + move[0] * by)),
              Math.min(matrix.slotCount - 1, Math.max(0, from.slot + move[1])),
            );
          } else if (event.key === 'Enter' && hover) {
            event.preventDefault();
            toggleCell(hover.column, hover.slot);
          } else if (event.key === 'Escape' && selection) {
            event.preventDefault();
            onSelect?.(undefined);
          }
        }}
        onMouseMove={(event) => {
          const located = locate(event);
          setHover(located);
          if (drag)
            setDrag({
              ...drag,
              x: Math.min(Math.max(event.clientX - (plotRef.current?.getBoundingClientRect().left ?? 0), MARGIN.left), MARGIN.left + plotWidth),
            });
        }}
        onMouseLeave={() => setHover(undefined)}
        onMouseDown={(event) => {
          const bounds = plotRef.current?.getBoundingClientRect();
          if (!bounds) return;
          const x = event.clientX - bounds.left;
          if (x >= MARGIN.left && x <= MARGIN.left + plotWidth) setDrag({ startX: x, x });
        }}
        onMouseUp={(event) => {
          if (!drag) return;
          const left = Math.min(drag.startX, drag.x);
          const right = Math.max(drag.startX, drag.x);
          setDrag(undefined);
          if (right - left >= 3) onSelect?.({ from: Math.round(time.invert(left).getTime()), to: Math.round(time.invert(right).getTime()) });
          else {
            // A click: the cell under it, or nothing outside the cells.
            const cell = locate(event);
            if (cell) toggleCell(cell.column, cell.slot);
            else onSelect?.(undefined);
          }
        }}
      >
        <canvas
          ref={cellsRef}
          aria-hidden="true"
          style={{ ...LAYER, left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight, imageRendering: 'pixelated' }}
        />
        {/* Its paths are drawPercentileLines' own: React leaves the children of an element it gives none alone. */}
        <svg ref={linesRef} aria-hidden="true" style={{ ...LAYER, left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight }} />
        <canvas ref={latencyAxisRef} aria-hidden="true" style={{ ...LAYER, left: 0, top: 0, width: MARGIN.left, height }} />
        <canvas ref={timeAxisRef} aria-hidden="true" style={{ ...LAYER, left: 0, top: MARGIN.top + plotHeight, width: canvasWidth, height: MARGIN.bottom }} />
        <div
          className="heat-map__frame"
          style={{
            ...LAYER,
            left: MARGIN.left - 1,
            top: MARGIN.top - 1,
            width: plotWidth + 2,
            height: plotHeight + 2,
            border: '1px solid var(--border, #444)',
          }}
        />
        {shown ? (
          <div
            className="heat-map__selection"
            style={{
              ...LAYER,
              left: selectionLeft,
              top: selectionTop,
              width: Math.max(1, selectionRight - selectionLeft),
              height: selectionHeight,
              background: 'rgba(79, 156, 247, 0.18)',
              border: '1px solid rgba(79, 156, 247, 0.9)',
            }}
          />
        ) : null}
      </div>
      {hover && hovered ? (
        <div
          className="heat-map__tooltip"
          role="tooltip"
          style={{ position: 'absolute', left: Math.min(hover.x + 12, canvasWidth - 230), top: Math.max(0, hover.y - 70), pointerEvents: 'none' }}
        >
          <div>
            {formatClockTime(hovered.start)} – {formatClockTime(hovered.end)}
          </div>
          <div>{formatSlotRange(hover.slot, unit, buckets)}</div>
          <div>
            <strong>{formatInteger(hoveredCount)}</strong> {hoveredCount === 1 ? 'event' : 'events'}
            {hovered.total > 0 ? ` (${((100 * hoveredCount) / hovered.total).toFixed(1)}% of the interval)` : ''}
          </div>
        </div>
      ) : null}
      {legend ? (
        <div className="heat-map__legend" style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 11, marginTop: 4 }}>
          <span>count</span>
          <span>1</span>
          <span ref={legendRef} style={{ width: 140, height: 10, borderRadius: 2 }} />
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
      ) : null}
    </div>
  );
}

function legendGradient(scheme: ColorScheme): string {
  const stops = [1, 2, 4, 8, 16, 32, 64, 128].map((count, index, all) => {
    const [red, green, blue] = countColor(count, all[all.length - 1] as number, scheme);
    return `rgb(${red}, ${green}, ${blue}) ${(100 * index) / (all.length - 1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function formatColumnWidth(milliseconds: number): string {
  return milliseconds % 60_000 === 0 ? `${milliseconds / 60_000} min` : `${(milliseconds / 1000).toFixed(milliseconds % 1000 === 0 ? 0 : 1)} s`;
}
