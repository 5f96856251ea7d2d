// A live session's table: its toolbar (filter, pause, counts, cap, exports,
// sharing), the rows filtered and sorted as the view says, and, when none are
// shown, why. A heat-map selection narrows it to the rows behind it.
import { shownColumns } from '@bpfscope/formats';
import { useMemo, useRef } from 'react';
import type { ToolInfo } from '../../api/types';
import { useScopeHost, useView, useViewActions, useViewScope } from '../../state/viewScope';
import { downloadRows } from '../download';
import { useSlashToFilter, useSpaceToPause } from '../keyboard';
import { fieldsFromSchema } from '../params/schemaForm';
import type { LiveSession } from '../session/useLiveSession';
import { useSaveSnapshot } from '../snapshots/saveSnapshot';
import { ShareStatus, useShare } from '../snapshots/share';
import { emptyTableReason } from './emptyState';
import type { DisplayColumn } from './formatCell';
import { LiveTable } from './LiveTable';
import { TableEmptyState } from './TableEmptyState';
import { TableToolbar } from './TableToolbar';
import type { RowValueSpec } from './tableModel';
import { useShownRows } from './useShownRows';

interface LiveTableViewProps {
  tool: ToolInfo;
  session: LiveSession;
  /** The tool's link from rows to its heat map, which a selection narrows the rows by. */
  rowValue: RowValueSpec | undefined;
}

export function LiveTableView({ tool, session, rowValue }: LiveTableViewProps) {
  const view = useView();
  const { address } = useScopeHost();
  const { setParams, setFilter, setColumnFilter, clearFilters, toggleSort, setSelection } = useViewActions();
  const pageOwned = useViewScope().kind === 'page';
  const { live, rows, status, counters } = session;
  const { shared, share } = useShare();
  const saveSnapshot = useSaveSnapshot();
  const filterRef = useRef<HTMLInputElement>(null);

  // Columns a flag adds (opensnoop -T, -U, -f) only with the flag, as bcc prints them.
  const columns = useMemo(() => shownColumns(tool.columns, view.params) as DisplayColumn[], [tool.columns, view.params]);
  // Re-derived when rows change (at most every 150 ms: a new `rows`) or the view's filters, sort or selection do.
  const { selected, shown, filtered } = useShownRows(rows, columns, rowValue);

  const togglePause = () => {
    if (live.paused) live.resume();
    else live.pause();
    session.refresh();
  };
  useSpaceToPause(pageOwned, togglePause);
  useSlashToFilter(pageOwned, filterRef);

  const threshold = useMemo(() => {
    const spec = tool.rowThreshold;
    if (!spec) return undefined;
    const field = fieldsFromSchema(tool.paramsJsonSchema).find((candidate) => candidate.name === spec.param);
    const value = view.params[spec.param] ?? field?.defaultValue;
    return typeof value === 'number' ? { spec, value } : undefined;
  }, [tool.rowThreshold, tool.paramsJsonSchema, view.params]);
  // Only an empty table says how many events its heat map counted.
  const tableEmpty = rows.list.length === 0;
  const heatMapEvents = useMemo(() => {
    if (!threshold || !tableEmpty) return 0;
    let total = 0;
    for (const frame of session.frames) for (const series of frame.series) for (const count of series.counts) total += count;
    return total;
  }, [threshold, tableEmpty, session.frames]);
  const reason = emptyTableReason({
    received: rows.list.length,
    inSelection: selected?.length,
    heatMapEvents,
    threshold,
    events: counters.events,
    missingParams: status.phase === 'idle' ? status.missing : undefined,
  });

  const shareTable = () => share(() => saveSnapshot.table(status, tool.name, shown));
  const download = (format: 'csv' | 'json') => downloadRows({ tool: tool.name, host: address ?? 'host', format, columns, rows: shown });

  return (
    <>
      <TableToolbar
        session={session}
        filter={view.filter}
        onFilter={setFilter}
        filterRef={filterRef}
        shownCount={shown.length}
        totalCount={selected?.length ?? rows.list.length}
        filtered={filtered}
        selection={
          view.selection && selected && rowValue
            ? { range: view.selection, unit: rowValue.unit, rows: selected.length, onClear: () => setSelection(undefined) }
            : undefined
        }
        onTogglePause={togglePause}
        onExport={download}
        onShare={status.phase === 'streaming' && shown.length > 0 ? shareTable : undefined}
        shareBusy={shared.busy}
      />
      <ShareStatus shared={shared} />
      <LiveTable
        columns={columns}
        rows={shown}
        view={view}
        onToggleSort={toggleSort}
        onColumnFilter={setColumnFilter}
        empty={
          <TableEmptyState
            reason={reason}
            onLowerThreshold={(value) => threshold && setParams({ ...view.params, [threshold.spec.param]: value })}
            onClearFilters={clearFilters}
            onClearSelection={() => setSelection(undefined)}
          />
        }
      />
    </>
  );
}
