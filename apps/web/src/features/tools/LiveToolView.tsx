// A streaming tool on the active host: its params, the live session's state, and
// its table and/or heat map. A heat-map selection narrows the table to the rows
// behind it; an empty table says why it is empty.
import { useCallback, useMemo, useRef } from 'react';
import type { ToolInfo } from '../../api/types';
import { activeHost, activeToken } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { downloadRows } from '../download';
import { HeatMapView } from '../heatmap/HeatMapView';
import { useSlashToFilter, useSpaceToPause } from '../keyboard';
import { ParamsForm } from '../params/ParamsForm';
import { fieldsFromSchema } from '../params/schemaForm';
import { SessionBanners } from '../session/SessionBanners';
import { useSaveSnapshot } from '../snapshots/saveSnapshot';
import { ShareStatus, useShare } from '../snapshots/share';
import { emptyTableReason } from '../table/emptyState';
import type { DisplayColumn } from '../table/formatCell';
import { columnSpecs } from '../table/formatCell';
import { LiveTable } from '../table/LiveTable';
import { TableEmptyState } from '../table/TableEmptyState';
import { sessionText, TableToolbar } from '../table/TableToolbar';
import { filterRows, rowsInSelection, rowValueSpec, sortRows } from '../table/tableModel';
import { useLiveSession } from '../table/useLiveSession';

const number = new Intl.NumberFormat('en-US');

export function LiveToolView({ tool }: { tool: ToolInfo }) {
  const view = useAppStore((state) => state.view);
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const setParams = useAppStore((state) => state.setParams);
  const setFilter = useAppStore((state) => state.setFilter);
  const setColumnFilter = useAppStore((state) => state.setColumnFilter);
  const clearFilters = useAppStore((state) => state.clearFilters);
  const toggleSort = useAppStore((state) => state.toggleSort);
  const setShow = useAppStore((state) => state.setShow);
  const setSelection = useAppStore((state) => state.setSelection);
  const session = useLiveSession({ address, token, tool: tool.name, params: view.params, enabled: tool.support.available });
  const { live, rows, status, counters } = session;
  const { shared, share } = useShare();
  const saveSnapshot = useSaveSnapshot();
  const filterRef = useRef<HTMLInputElement>(null);

  const heatMapOnly = tool.outputKind === 'histogram';
  const hasTable = !heatMapOnly;
  const showHeatMap = heatMapOnly || (tool.heatMap !== null && view.show === 'heatmap');
  const unit = session.frames[0]?.unit ?? 'usecs';
  const rowValue = useMemo(() => rowValueSpec(tool.heatMap, unit), [tool.heatMap, unit]);

  const columns = tool.columns as DisplayColumn[];
  const specs = useMemo(() => columnSpecs(columns), [columns]);
  const query = useMemo(() => ({ filter: view.filter, columnFilters: view.columnFilters, sort: view.sort }), [view.filter, view.columnFilters, view.sort]);
  // Re-derived when rows change (at most every 150 ms: a new `rows`) or the query or selection does.
  const selected = useMemo(
    () => (hasTable && rowValue && view.selection ? rowsInSelection(rows.list, view.selection, rowValue) : undefined),
    [rows, hasTable, rowValue, view.selection],
  );
  const shown = useMemo(() => sortRows(filterRows(selected ?? rows.list, specs, query), specs, query), [selected, rows, specs, query]);
  const filtered = view.filter !== '' || Object.keys(view.columnFilters).length > 0;

  const togglePause = useCallback(() => {
    if (live.paused) live.resume();
    else live.pause();
    session.refresh();
  }, [live, session]);
  useSpaceToPause(hasTable && !showHeatMap, togglePause);
  useSlashToFilter(hasTable && !showHeatMap, filterRef);

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

  const shareTable = () => share(() => saveSnapshot.table(status, tool.name, shown));

  const download = (format: 'csv' | 'json') => downloadRows({ tool: tool.name, host: address ?? 'host', format, columns, rows: shown });

  const reason = emptyTableReason({ received: rows.list.length, inSelection: selected?.length, heatMapEvents, threshold, events: counters.events });

  return (
    <>
      <ParamsForm
        schema={tool.paramsJsonSchema}
        params={view.params}
        onApply={setParams}
        serverError={status.phase === 'error' && status.problem.kind === 'invalid' ? status.problem.message : undefined}
      />
      <SessionBanners session={session} />

      {tool.heatMap !== null && !heatMapOnly ? (
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            className={`tab ${showHeatMap ? '' : 'tab--active'}`}
            aria-selected={!showHeatMap}
            data-testid={testIds.viewTable}
            onClick={() => setShow('table')}
          >
            Table
          </button>
          <button
            type="button"
            role="tab"
            className={`tab ${showHeatMap ? 'tab--active' : ''}`}
            aria-selected={showHeatMap}
            data-testid={testIds.viewHeatMap}
            onClick={() => setShow('heatmap')}
          >
            Heat map ({tool.heatMap.measure})
          </button>
        </div>
      ) : null}

      {showHeatMap ? (
        <div className="toolbar">
          <span className="muted" data-testid={testIds.sessionStatus}>
            {sessionText(status)}
          </span>
          <span className="toolbar__spacer" />
          <span
            className={`pill ${counters.kernelDrops + counters.droppedFramesForViewer > 0 ? 'pill--bad' : ''}`}
            data-testid={testIds.droppedIndicator}
            title="Histogram updates lost: kernel map full (kernel), or intervals this browser missed (agent)"
          >
            {number.format(counters.kernelDrops + counters.droppedFramesForViewer)} dropped
          </span>
        </div>
      ) : null}
      {/* Kept laid out while the table is shown, so switching back to it only draws. */}
      {tool.heatMap !== null || heatMapOnly ? (
        <HeatMapView
          frames={session.frames}
          measure={tool.heatMap?.measure ?? 'latency'}
          onShare={(request) => saveSnapshot.heatMap(status, request)}
          hidden={!showHeatMap}
          exactFrom={tool.heatMap?.rows?.everyEvent && rowValue ? { rows, value: rowValue } : undefined}
          onShowRows={hasTable && rowValue ? () => setShow('table') : undefined}
        />
      ) : null}
      {hasTable && !showHeatMap ? (
        <>
          <TableToolbar
            session={session}
            filter={view.filter}
            onFilter={setFilter}
            filterRef={filterRef}
            shownCount={shown.length}
            totalCount={selected?.length ?? rows.list.length}
            filtered={filtered}
            selection={view.selection && selected ? { range: view.selection, unit, rows: selected.length, onClear: () => setSelection(undefined) } : undefined}
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
      ) : null}
    </>
  );
}
