// A small line chart of a table's numeric columns over time (cachestat's HITS,
// MISSES...): SVG, since an hour of 1 s rows is a few thousand points per line
// and the model keeps at most a few per pixel column.
import { useMemo, useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import { formatClockTime } from '@bpfscope/formats';
import { formatFixed } from '../format/numbers.js';
import { useMeasuredWidth } from '../measuredWidth.js';
import { formatTimeTick } from '../heatmap/heatMapModel.js';
import { nearestTimeIndex, timeSeriesModel } from './timeSeriesModel.js';
import type { TimeSeriesLine } from './timeSeriesModel.js';

/** Colours told apart on dark and light backgrounds alike (Tableau 10's first five). */
const LINE_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1'];
const MARGIN = { left: 56, right: 12, top: 8, bottom: 22 };

export interface TimeSeriesChartProps {
  title: string;
  /** What the values are ("per interval", "MB"). */
  unit: string;
  rows: readonly Readonly<Record<string, unknown>>[];
  lines: readonly TimeSeriesLine[];
  /** What a line that is never counted says instead of a value. */
  notCounted?: string;
  height?: number;
  from?: number;
  to?: number;
  testId?: string;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? formatFixed(value, 0) : formatFixed(value, Math.abs(value) >= 100 ? 0 : 2);
}

export function TimeSeriesChart({ title, unit, rows, lines, notCounted = 'not counted on this host', height = 160, from, to, testId }: TimeSeriesChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useMeasuredWidth(boxRef);
  const plotWidth = Math.max(1, (width ?? 0) - MARGIN.left - MARGIN.right);
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const model = useMemo(() => {
    const options = { width: plotWidth, height: plotHeight, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
    return timeSeriesModel(rows, lines, options);
  }, [rows, lines, plotWidth, plotHeight, from, to]);
  const [hovered, setHovered] = useState<number>();
  const { times } = model.points;
  const shown = hovered ?? times.length - 1;
  const shownTime = times[shown];

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const left = event.currentTarget.getBoundingClientRect().left + MARGIN.left;
    const time = model.from + ((event.clientX - left) / plotWidth) * (model.to - model.from);
    const index = nearestTimeIndex(times, time);
    setHovered(index < 0 ? undefined : index);
  };

  return (
    <figure className="time-series" data-testid={testId} data-points={times.length}>
      <figcaption>
        <strong>{title}</strong> <span className="muted">({unit})</span>
        {shownTime === undefined ? null : <span className="muted"> · {formatClockTime(shownTime)}</span>}
        <ul className="time-series__legend">
          {model.lines.map((line, index) => {
            const value = model.points.values.get(line.key)?.[shown] ?? null;
            return (
              <li key={line.key} data-column={line.key} data-counted={line.counted}>
                <span className="time-series__swatch" style={{ background: LINE_COLORS[index % LINE_COLORS.length] }} /> {line.label}{' '}
                {line.counted ? <span>{value === null ? '—' : formatValue(value)}</span> : <span className="muted">— {notCounted}</span>}
              </li>
            );
          })}
        </ul>
      </figcaption>
      <div ref={boxRef}>
        {width === undefined ? null : (
          <svg
            width={width}
            height={height}
            role="img"
            aria-label={`${title} over time`}
            onPointerMove={onPointerMove}
            onPointerLeave={() => setHovered(undefined)}
          >
            <g transform={`translate(${MARGIN.left},${MARGIN.top})`} fontSize={10} fill="currentColor">
              {model.valueTicks.map((tick) => (
                <g key={tick.value} transform={`translate(0,${tick.y})`}>
                  <line x2={plotWidth} stroke="currentColor" strokeOpacity={0.12} />
                  <text x={-6} dy="0.32em" textAnchor="end">
                    {formatValue(tick.value)}
                  </text>
                </g>
              ))}
              {model.timeTicks.map((tick) => (
                <text key={tick.time} x={tick.x} y={plotHeight + 15} textAnchor="middle">
                  {formatTimeTick(tick.time)}
                </text>
              ))}
              {model.lines.map((line, index) =>
                line.path ? (
                  <path
                    key={line.key}
                    d={line.path}
                    fill="none"
                    stroke={LINE_COLORS[index % LINE_COLORS.length]}
                    strokeWidth={1.5}
                    strokeLinejoin="round"
                    data-column={line.key}
                  />
                ) : null,
              )}
              {hovered !== undefined && shownTime !== undefined ? (
                <line
                  x1={((shownTime - model.from) / (model.to - model.from)) * plotWidth}
                  x2={((shownTime - model.from) / (model.to - model.from)) * plotWidth}
                  y2={plotHeight}
                  stroke="currentColor"
                  strokeOpacity={0.4}
                />
              ) : null}
            </g>
          </svg>
        )}
      </div>
    </figure>
  );
}
