// A saved table: the rows the agent kept when it was shared, shown with the
// filters and sort the link carries (which can be changed, as on a live table).
import { formatClock } from '@bpfscope/charts';
import { useMemo, useRef } from 'react';
import type { Snapshot, ToolInfo } from '../../api/types';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { downloadFile, exportFileName } from '../download';
import { useSlashToFilter } from '../keyboard';
import { rowsToCsv, rowsToJson } from './exportRows';
import type { DisplayColumn } from './formatCell';
import { columnSpecs } from './formatCell';
import { LiveTable } from './LiveTable';
import { TableFilterInput } from './TableFilterInput';
import { filterRows, rowsInSelection, sortRows } from './tableModel';

const number = new Intl.NumberFormat('en-US');

export function SnapshotTable({ snapshot, tool }: { snapshot: Snapshot; tool: ToolInfo | undefined }) {
  const view = useAppStore((state) => state.view);
  const address = useAppStore(activeHost) ?? 'host';
  const setFilter = useAppStore((state) => state.setFilter);
  const setColumnFilter = useAppStore((state) => state.setColumnFilter);
  const clearFilters = useAppStore((state) => state.clearFilters);
  const toggleSort = useAppStore((state) => state.toggleSort);
  const filterRef = useRef<HTMLInputElement>(null);
  useSlashToFilter(true, filterRef);
  const rows = useMemo(() => snapshot.rows ?? [], [snapshot.rows]);
  // The columns as this host's agent declares them; a tool it no longer has shows its raw fields.
  const columns = useMemo<DisplayColumn[]>(
    () =>
      (tool?.columns as DisplayColumn[] | undefined) ??
      Object.keys(rows[0] ?? {}).map((key) => ({ key, header: key.toUpperCase(), display: key === 'time' ? 'clockTime' : 'text', unit: null, align: 'left' })),
    [tool, rows],
  );
  const specs = useMemo(() => columnSpecs(columns), [columns]);
  const rowValue = tool?.heatMap?.rows ? { column: tool.heatMap.rows.column, unit: 'usecs' as const } : undefined;
  const selected = useMemo(() => (view.selection && rowValue ? rowsInSelection(rows, view.selection, rowValue) : rows), [rows, view.selection, rowValue?.column]); // eslint-disable-line react-hooks/exhaustive-deps
  const query = useMemo(() => ({ filter: view.filter, columnFilters: view.columnFilters, sort: view.sort }), [view.filter, view.columnFilters, view.sort]);
  const shown = useMemo(() => sortRows(filterRows(selected, specs, query), specs, query), [selected, specs, query]);
  const download = (format: 'csv' | 'json') => {
    const text = format === 'csv' ? rowsToCsv(columns, shown) : rowsToJson(columns, shown);
    downloadFile(exportFileName(snapshot.tool, address, format, new Date(snapshot.createdAt)), text, format === 'csv' ? 'text/csv' : 'application/json');
  };
  const keptSince = snapshot.view.rowsKeptSince;

  return (
    <>
      {keptSince !== undefined ? (
        <div className="banner banner--warn" role="status">
          The agent kept rows from {formatClock(keptSince)} on when this was saved: older rows of the shared view are not in it.
        </div>
      ) : null}
      <div className="toolbar" role="toolbar" aria-label="Table controls">
        <TableFilterInput value={view.filter} onChange={setFilter} inputRef={filterRef} />
        <span className="muted">
          {formatClock(snapshot.view.from)} – {formatClock(snapshot.view.to)}
        </span>
        <span className="toolbar__spacer" />
        <span data-testid={testIds.rowCount} className="muted">
          {shown.length !== rows.length ? `${number.format(shown.length)} of ` : ''}
          {number.format(rows.length)} {rows.length === 1 ? 'row' : 'rows'}
        </span>
        <span className="toolbar__group">
          <button type="button" className="button" data-testid={testIds.exportCsv} onClick={() => download('csv')}>
            CSV
          </button>
          <button type="button" className="button" data-testid={testIds.exportJson} onClick={() => download('json')}>
            JSON
          </button>
        </span>
      </div>
      <LiveTable
        columns={columns}
        rows={shown}
        view={view}
        onToggleSort={toggleSort}
        onColumnFilter={setColumnFilter}
        empty={
          <div className="live-table__empty" data-testid={testIds.tableEmpty}>
            {rows.length === 0 ? (
              'This snapshot holds no rows.'
            ) : (
              <>
                None of the {number.format(rows.length)} rows matches the filters.{' '}
                <button type="button" className="button" data-testid={testIds.clearFilters} onClick={clearFilters}>
                  Clear the filters
                </button>
              </>
            )}
          </div>
        }
      />
    </>
  );
}
