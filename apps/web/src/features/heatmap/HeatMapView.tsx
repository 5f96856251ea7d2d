// A latency heat map of a live session (or a snapshot): series and window choice,
// drag-to-select with the selection in the URL, percentiles, and the histogram of
// the selected range (or of the whole window) as bcc prints it.
import { formatClockTime, formatDateTime, formatInteger, formatLatency, formatSlotRange, HeatMap, Log2Histogram, sumFrames } from '@bpfscope/charts';
import { useCallback, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { HistogramFrame } from '../../api/types';
import { useView, useViewActions, useViewScope } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { useSpaceToPause } from '../keyboard';
import { usePanelHeight } from '../panelSize';
import { ShareStatus, useShare } from '../snapshots/share';
import { rowsInSelection } from '../table/tableModel';
import type { RowValueSpec } from '../table/tableModel';
import type { VersionedRows } from '../session/useLiveSession';
import type { PercentileSummary } from './heatMapData';
import { framesForSeries, liveRange, summarizePercentiles } from './heatMapData';
import { SeriesPicker } from './SeriesPicker';
import { hasSeries } from './seriesChoices';
import { WindowSelect } from '../WindowSelect';
import type { HistogramUnit, LinearBuckets } from '@bpfscope/charts';

const DEFAULT_WINDOW_SECONDS = 300;
/** In a dashboard panel: the toolbar and the summary line above and below the map, px. */
const PANEL_CHROME_PX = 78;
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
  /**
   * The table's rows when there is one for every event counted: percentiles are
   * then exact (from the value's column, in ms), not log2 buckets.
   */
  exactFrom?: { rows: VersionedRows; value: RowValueSpec } | undefined;
  /** A table tool: shows the rows behind the selection. */
  onShowRows?: (() => void) | undefined;
  /** The session's state and losses, in the map's own toolbar (a dashboard panel has one row for both). */
  toolbarStatus?: ReactNode;
}

export interface ShareRequest {
  title: string;
  range: { from: number; to: number };
  selection?: { from: number; to: number; bucket?: number };
  series?: string;
}

export function HeatMapView({ frames, measure, frozenRange, onShare, hidden = false, exactFrom, onShowRows, toolbarStatus }: HeatMapViewProps) {
  const view = useView();
  const { setSelection, setWindow, setSeries } = useViewActions();
  const pageOwned = useViewScope().kind === 'page';
  // A dashboard panel shows the map in the panel's height, its time range set for the whole dashboard.
  const panelHeight = usePanelHeight();
  const inPanel = panelHeight !== undefined;
  const [showPercentiles, setShowPercentiles] = useState(true);
  const [pausedAt, setPausedAt] = useState<number>();
  const { shared, share } = useShare();

  const unit = frames[0]?.unit ?? 'usecs';
  // argdist --linear: the slots are linear buckets, labelled as bpftrace's lhist.
  const buckets = frames[0]?.buckets;
  // Nothing is worked out for a hidden view: its frames still arrive every second.
  const pickable = useMemo(() => !hidden && hasSeries(frames), [hidden, frames]);
  const chartFrames = useMemo(() => (hidden ? NO_FRAMES : framesForSeries(frames, view.series)), [hidden, frames, view.series]);
  const windowSeconds = view.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const range = frozenRange ?? liveRange(frames, windowSeconds, pausedAt ?? Date.now());
  const summaryRange = view.selection ?? range;
  const summary = useMemo(() => sumFrames(chartFrames, summaryRange.from, summaryRange.to), [chartFrames, summaryRange.from, summaryRange.to]);
  const total = summary.reduce((sum, count) => sum + count, 0);
  const bucket = view.selection?.bucket;
  // Apart, so the percentiles follow the rows' versions, not each new exactFrom.
  const exactRows = exactFrom?.rows;
  const exactValue = exactFrom?.value;
  const percentiles = useMemo(() => {
    if (hidden) return undefined;
    // Rows carry no series label: exact only for all the series added up.
    // The summary adds up every bucket of the range, a cell's too: so do the rows.
    const range = { from: summaryRange.from, to: summaryRange.to };
    const values =
      exactRows && exactValue && view.series === undefined
        ? rowsInSelection(exactRows.list, range, exactValue).map((row) => (row[exactValue.column] as number) * (exactValue.unit === 'usecs' ? 1000 : 1))
        : undefined;
    return summarizePercentiles(summary, values);
  }, [hidden, summary, exactRows, exactValue, view.series, summaryRange.from, summaryRange.to]);
  const togglePause = useCallback(() => setPausedAt((paused) => (paused === undefined ? Date.now() : undefined)), []);
  useSpaceToPause(pageOwned && !hidden && !frozenRange, togglePause);
  const history = frames.length > 0 ? Math.round(((frames[frames.length - 1] as HistogramFrame).time - (frames[0] as HistogramFrame).time) / 1000) + 1 : 0;

  return (
    <div className="heat-map-view" style={hidden ? { display: 'none' } : undefined}>
      <div className="toolbar" role="toolbar" aria-label="Heat map controls">
        {pickable ? <SeriesPicker frames={frames} range={range} unit={unit} buckets={buckets} value={view.series} onChange={setSeries} /> : null}
        {frozenRange ? null : (
          <>
            {inPanel ? null : <WindowSelect value={windowSeconds} onChange={setWindow} testId={testIds.heatMapWindow} />}
            <button
              type="button"
              className="button"
              data-testid={testIds.heatMapPause}
              aria-pressed={pausedAt !== undefined}
              onClick={togglePause}
              title="Pause or resume the map (space); data keeps arriving"
            >
              {pausedAt === undefined ? 'Pause' : 'Resume'}
            </button>
          </>
        )}
        <label className="muted" hidden={inPanel}>
          <input type="checkbox" checked={showPercentiles} onChange={(event) => setShowPercentiles(event.target.checked)} /> percentiles
        </label>
        {toolbarStatus}
        <span className="muted" data-testid={testIds.heatMapHistory} hidden={inPanel}>
          {frozenRange ? 'snapshot' : `${formatInteger(history)} s of history`}
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
              const request: ShareRequest = { title: `${measure} at ${formatDateTime(range.to)}`, range };
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
        buckets={buckets}
        range={range}
        selection={view.selection}
        onSelect={setSelection}
        showPercentiles={showPercentiles}
        testId={testIds.heatMap}
        hidden={hidden}
        {...(inPanel ? { height: Math.max(80, panelHeight - PANEL_CHROME_PX), legend: false } : {})}
      />
      <div className="heat-map-view__summary">
        <p data-testid={testIds.heatMapSelection}>
          {view.selection ? (
            <>
              Selected {formatClockTime(view.selection.from)} – {formatClockTime(view.selection.to)}
              {bucket !== undefined ? `, ${formatSlotRange(bucket, unit, buckets)}: ${formatInteger(summary[bucket] ?? 0)} events in the cell` : ''}{' '}
              <button type="button" className="button" data-testid={testIds.heatMapClearSelection} onClick={() => setSelection(undefined)}>
                Clear selection
              </button>
              {onShowRows ? (
                <>
                  {' '}
                  <button type="button" className="button" data-testid={testIds.heatMapShowRows} onClick={onShowRows}>
                    Rows behind it
                  </button>
                </>
              ) : null}
            </>
          ) : (
            <>Whole window (drag across the map to select a range, click a cell for its events)</>
          )}
          {' · '}
          {formatInteger(total)} {measure} events
          {percentiles ? <PercentilesText percentiles={percentiles} unit={unit} buckets={buckets} /> : null}
        </p>
        {inPanel ? null : <Log2Histogram counts={summary} unit={unit} buckets={buckets} testId={testIds.rangeHistogram} />}
      </div>
    </div>
  );
}

function PercentilesText({ percentiles, unit, buckets }: { percentiles: PercentileSummary; unit: HistogramUnit; buckets: LinearBuckets | undefined }) {
  const names = ['p50', 'p90', 'p99'];
  if (percentiles.exact) {
    return (
      <span
        data-testid={testIds.heatMapPercentiles}
        title={`Exact: the nearest-rank percentiles of the ${formatInteger(percentiles.count)} rows behind these counts`}
      >
        {percentiles.values.map((value, index) => ` · ${names[index]} ${formatLatency(value, unit)}`).join('')} (exact)
      </span>
    );
  }
  return (
    <span data-testid={testIds.heatMapPercentiles} title="Buckets only say which bucket a percentile falls in, not where inside it">
      {percentiles.buckets.map((slot, index) => ` · ${names[index]} in ${formatSlotRange(slot, unit, buckets)}`).join('')}
    </span>
  );
}
