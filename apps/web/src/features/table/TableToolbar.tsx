// The live table's controls: filter, pause, what the stream is doing, how many rows
// are shown and lost (and where), the row cap, exports and sharing.
import { formatClockTime, formatInteger, formatSlotRange } from '@bpfscope/charts';
import type { HeatMapSelection } from '@bpfscope/charts';
import type { RefObject } from 'react';
import { testIds } from '../../testIds';
import { SessionStatus } from '../session/SessionStatus';
import type { LiveSession } from '../session/useLiveSession';
import { TableFilterInput } from './TableFilterInput';
import { usePanelHeight } from '../panelSize';
import type { HistogramUnit } from '@bpfscope/charts';

const ROW_CAPS = [1_000, 10_000, 100_000, 1_000_000];

interface TableToolbarProps {
  session: LiveSession;
  filter: string;
  onFilter(text: string): void;
  filterRef: RefObject<HTMLInputElement | null>;
  shownCount: number;
  /** Rows before the filters (after a heat-map selection, when one narrows them). */
  totalCount: number;
  filtered: boolean;
  /** The heat-map selection the rows are narrowed to, with the heat map's unit. */
  selection?: { range: HeatMapSelection; unit: HistogramUnit; rows: number; onClear(): void } | undefined;
  onTogglePause(): void;
  onExport(format: 'csv' | 'json'): void;
  /** Absent while there is nothing to share (no live session). */
  onShare?: (() => void) | undefined;
  shareBusy?: boolean | undefined;
}

export function TableToolbar(props: TableToolbarProps) {
  const { session, selection } = props;
  // A dashboard panel keeps one row of controls: the cap and exports are on the table's own page.
  const inPanel = usePanelHeight() !== undefined;
  const { live, counters } = session;
  const dropped = live.droppedByCap + counters.droppedForViewer + counters.kernelDrops;
  return (
    <div className="toolbar" role="toolbar" aria-label="Table controls">
      <TableFilterInput value={props.filter} onChange={props.onFilter} inputRef={props.filterRef} />
      <button
        type="button"
        className="button"
        data-testid={testIds.pauseButton}
        onClick={props.onTogglePause}
        aria-pressed={live.paused}
        title="Pause or resume the table (space); the stream keeps running"
      >
        {live.paused ? 'Resume' : 'Pause'}
      </button>
      {live.paused ? (
        <span className="pill pill--warn" data-testid={testIds.waitingCount}>
          {formatInteger(live.waitingCount)} waiting
        </span>
      ) : null}
      <SessionStatus status={session.status} cost={session.cost} />
      {selection ? <SelectionPill {...selection} /> : null}
      <span className="toolbar__spacer" />
      <RowCount shown={props.shownCount} total={props.totalCount} filtered={props.filtered} />
      <span
        className={`pill ${dropped > 0 ? 'pill--bad' : ''}`}
        data-testid={testIds.droppedIndicator}
        title={`Rows lost, by where: kept under this table's row cap ${formatInteger(live.droppedByCap)}; agent queue for this viewer (browser or network too slow) ${formatInteger(counters.droppedForViewer)}; kernel ring buffer full ${formatInteger(counters.kernelDrops)}`}
      >
        {formatInteger(dropped)} dropped
        {dropped > 0
          ? ` (cap ${formatInteger(live.droppedByCap)} · agent ${formatInteger(counters.droppedForViewer)} · kernel ${formatInteger(counters.kernelDrops)})`
          : ''}
      </span>
      <span className="toolbar__group">
        <label className="muted" hidden={inPanel}>
          cap{' '}
          <select
            data-testid={testIds.rowCap}
            value={live.cap}
            onChange={(event) => {
              live.setCap(Number(event.target.value));
              session.refresh();
            }}
          >
            {ROW_CAPS.map((cap) => (
              <option key={cap} value={cap}>
                {formatInteger(cap)}
              </option>
            ))}
          </select>
        </label>
        {inPanel ? null : <ExportButtons onExport={props.onExport} />}
        {props.onShare ? (
          <button
            type="button"
            className="button button--primary"
            data-testid={testIds.share}
            disabled={props.shareBusy}
            onClick={props.onShare}
            title="Save these rows (with the filters and sort) on the host and copy a link to them"
          >
            Share
          </button>
        ) : null}
      </span>
    </div>
  );
}

/** How many rows a table shows, of how many before its filters. */
export function RowCount({ shown, total, filtered }: { shown: number; total: number; filtered: boolean }) {
  return (
    <span data-testid={testIds.rowCount} className="muted">
      {filtered ? `${formatInteger(shown)} of ` : ''}
      {formatInteger(total)} {total === 1 ? 'row' : 'rows'}
    </span>
  );
}

/** Downloads of the rows a table shows, filtered and sorted, as CSV or JSON. */
export function ExportButtons({ onExport }: { onExport(format: 'csv' | 'json'): void }) {
  return (
    <>
      <button
        type="button"
        className="button"
        data-testid={testIds.exportCsv}
        onClick={() => onExport('csv')}
        title="Download the rows shown (filtered and sorted) as CSV"
      >
        CSV
      </button>
      <button
        type="button"
        className="button"
        data-testid={testIds.exportJson}
        onClick={() => onExport('json')}
        title="Download the rows shown (filtered and sorted) as JSON"
      >
        JSON
      </button>
    </>
  );
}

/** The heat-map selection (or cell) a table is narrowed to, with the rows behind it, and a way back to every row. */
export function SelectionPill({ range, unit, rows, onClear }: { range: HeatMapSelection; unit: HistogramUnit; rows: number; onClear(): void }) {
  return (
    <span
      className="pill pill--accent"
      data-testid={testIds.tableSelection}
      title="The rows behind the heat-map selection: counted in its seconds, and for a cell, in its latency bucket"
    >
      heat map {formatClockTime(range.from)}–{formatClockTime(range.to)}
      {range.bucket !== undefined ? `, ${formatSlotRange(range.bucket, unit)}` : ''} · {formatInteger(rows)} {rows === 1 ? 'row' : 'rows'}{' '}
      <button type="button" className="pill__close" aria-label="Show every row again" data-testid={testIds.tableSelectionClear} onClick={onClear}>
        ×
      </button>
    </span>
  );
}
