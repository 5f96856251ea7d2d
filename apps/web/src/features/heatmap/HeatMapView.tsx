// A latency heat map of a live session (or a snapshot): series and window choice,
// drag-to-select with the selection in the URL, percentiles, and the histogram of
// the selected range (or of the whole window) as bcc prints it.
import { formatClock, formatLatency, HeatMap, Log2Histogram, percentileFromLog2, sumFrames } from '@bpfscope/charts';
import { useMemo, useState } from 'react';
import type { HistogramFrame } from '../../api/types';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { ShareStatus, useShare } from '../share/share';
import { framesForSeries, liveRange } from './heatMapData';
import { SeriesPicker } from './SeriesPicker';
import { hasSeries } from './seriesChoices';

const WINDOWS: Array<[number, string]> = [
  [60, '1 min'],
  [300, '5 min'],
  [900, '15 min'],
  [3600, '1 h'],
];
const DEFAULT_WINDOW_SECONDS = 300;
const number = new Intl.NumberFormat('en-US');
const NO_FRAMES: never[] = [];

interface HeatMapViewProps {
  frames: readonly HistogramFrame[];
  measure: string;
  /** Set when showing a snapshot: its frames are all there is and time does not move. */
  frozenRange?: { from: number; to: number };
  /** Saves what is shown as a snapshot on the host; resolves to the link that opens it. */
  onShare?(request: ShareRequest): Promise<string>;
  /** Kept laid out but not shown (a tool's table is): nothing is added up or drawn until it is shown again. */
  hidden?: boolean;
}

export interface ShareRequest {
  title: string;
  range: { from: number; to: number };
  selection?: { from: number; to: number };
  series?: string;
}

export function HeatMapView({ frames, measure, frozenRange, onShare, hidden = false }: HeatMapViewProps) {
  const view = useAppStore((state) => state.view);
  const setSelection = useAppStore((state) => state.setSelection);
  const setWindow = useAppStore((state) => state.setWindow);
  const setSeries = useAppStore((state) => state.setSeries);
  const [showPercentiles, setShowPercentiles] = useState(true);
  const [pausedAt, setPausedAt] = useState<number>();
  const { shared, share } = useShare();

  const unit = frames[0]?.unit ?? 'usecs';
  // Nothing is worked out for a hidden view: its frames still arrive every second.
  const pickable = useMemo(() => !hidden && hasSeries(frames), [hidden, frames]);
  const chartFrames = useMemo(() => (hidden ? NO_FRAMES : framesForSeries(frames, view.series)), [hidden, frames, view.series]);
  const windowSeconds = view.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const range = frozenRange ?? liveRange(frames, windowSeconds, pausedAt ?? Date.now());
  const summaryRange = view.selection ?? range;
  const summary = useMemo(() => sumFrames(chartFrames, summaryRange.from, summaryRange.to), [chartFrames, summaryRange.from, summaryRange.to]);
  const total = summary.reduce((sum, count) => sum + count, 0);
  const history = frames.length > 0 ? Math.round(((frames[frames.length - 1] as HistogramFrame).time - (frames[0] as HistogramFrame).time) / 1000) + 1 : 0;

  return (
    <div className="heat-map-view" style={hidden ? { display: 'none' } : undefined}>
      <div className="toolbar" role="toolbar" aria-label="Heat map controls">
        {pickable ? <SeriesPicker frames={frames} range={range} unit={unit} value={view.series} onChange={setSeries} /> : null}
        {frozenRange ? null : (
          <>
            <label className="muted">
              last{' '}
              <select data-testid={testIds.heatMapWindow} value={windowSeconds} onChange={(event) => setWindow(Number(event.target.value))}>
                {WINDOWS.map(([seconds, label]) => (
                  <option key={seconds} value={seconds}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button" data-testid={testIds.heatMapPause} aria-pressed={pausedAt !== undefined} onClick={() => setPausedAt(pausedAt === undefined ? Date.now() : undefined)}>
              {pausedAt === undefined ? 'Pause' : 'Resume'}
            </button>
          </>
        )}
        <label className="muted">
          <input type="checkbox" checked={showPercentiles} onChange={(event) => setShowPercentiles(event.target.checked)} /> percentiles
        </label>
        <span className="muted" data-testid={testIds.heatMapHistory}>
          {frozenRange ? 'snapshot' : `${number.format(history)} s of history`}
        </span>
        <span className="toolbar__spacer" />
        {onShare ? (
          <button
            type="button"
            className="button button--primary"
            data-testid={testIds.share}
            disabled={shared.busy}
            title="Save exactly this picture (data, range, selection) on the host and copy a link to it"
            onClick={() => {
              const request: ShareRequest = { title: `${measure} at ${new Date(range.to).toLocaleDateString()} ${formatClock(range.to)}`, range };
              if (view.selection) request.selection = view.selection;
              if (view.series !== undefined) request.series = view.series;
              share(() => onShare(request));
            }}
          >
            Share
          </button>
        ) : null}
      </div>
      <ShareStatus shared={shared} />
      <HeatMap
        frames={chartFrames}
        unit={unit}
        range={range}
        selection={view.selection}
        onSelect={setSelection}
        showPercentiles={showPercentiles}
        testId={testIds.heatMap}
        hidden={hidden}
      />
      <div className="heat-map-view__summary">
        <p data-testid={testIds.heatMapSelection}>
          {view.selection ? (
            <>
              Selected {formatClock(view.selection.from)} – {formatClock(view.selection.to)}{' '}
              <button type="button" className="button" data-testid={testIds.heatMapClearSelection} onClick={() => setSelection(undefined)}>
                Clear selection
              </button>
            </>
          ) : (
            <>Whole window (drag across the map to select a range)</>
          )}
          {' · '}
          {number.format(total)} {measure} events
          {total > 0
            ? ` · p50 ${formatLatency(percentileFromLog2(summary, 50) ?? 0, unit)} · p90 ${formatLatency(percentileFromLog2(summary, 90) ?? 0, unit)} · p99 ${formatLatency(percentileFromLog2(summary, 99) ?? 0, unit)}`
            : ''}
        </p>
        <Log2Histogram counts={summary} unit={unit} testId={testIds.rangeHistogram} />
      </div>
    </div>
  );
}
