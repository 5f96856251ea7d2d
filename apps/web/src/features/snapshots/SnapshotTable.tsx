// A saved table: the rows the agent kept when it was shared, shown with the
// filters, sort and heat-map selection the link carries (which can be changed,
// as on a live table).
import { formatClock } from '@bpfscope/charts';
import { useMemo, useRef } from 'react';
import type { Snapshot, ToolInfo } from '../../api/types';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { downloadRows } from '../download';
import { useSlashToFilter } from '../keyboard';
import { emptyTableReason } from '../table/emptyState';
import type { DisplayColumn } from '../table/formatCell';
import { columnSpecs } from '../table/formatCell';
import { LiveTable } from '../table/LiveTable';
import { TableEmptyState } from '../table/TableEmptyState';
import { TableFilterInput } from '../table/TableFilterInput';
import { SelectionPill } from '../table/TableToolbar';
import { filterRows, rowsInSelection, rowValueSpec, sortRows } from '../table/tableModel';

const number = new Intl.NumberFormat('en-US');

export function SnapshotTable({ snapshot, tool }: { snapshot: Snapshot; tool: ToolInfo | undefined }) {
  const view = useAppStore((state) => state.view);
  const address = useAppStore(activeHost) ?? 'host';
  const setFilter = useAppStore((state) => state.setFilter);
  const setColumnFilter = useAppStore((state) => state.setColumnFilter);
  const clearFilters = useAppStore((state) => state.clearFilters);
  const setSelection = useAppStore((state) => state.setSelection);
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
  // A table tool's heat map counts microseconds (runqlat's -m is a heat-map tool's alone).
  const rowValue = useMemo(() => rowValueSpec(tool?.heatMap, 'usecs'), [tool?.heatMap]);
  const selected = useMemo(() => (view.selection && rowValue ? rowsInSelection(rows, view.selection, rowValue) : undefined), [rows, view.selection, rowValue]);
  const query = useMemo(() => ({ filter: view.filter, columnFilters: view.columnFilters, sort: view.sort }), [view.filter, view.columnFilters, view.sort]);
  const shown = useMemo(() => sortRows(filterRows(selected ?? rows, specs, query), specs, query), [selected, rows, specs, query]);
  const filtered = view.filter !== '' || Object.keys(view.columnFilters).length > 0;
  const keptSince = snapshot.view.rowsKeptSince;
  const total = selected?.length ?? rows.length;

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
        {view.selection && selected ? (
          <SelectionPill range={view.selection} unit="usecs" rows={selected.length} onClear={() => setSelection(undefined)} />
        ) : null}
        <span className="toolbar__spacer" />
        <span data-testid={testIds.rowCount} className="muted">
          {filtered ? `${number.format(shown.length)} of ` : ''}
          {number.format(total)} {total === 1 ? 'row' : 'rows'}
        </span>
        <span className="toolbar__group">
          {(['csv', 'json'] as const).map((format) => (
            <button
              key={format}
              type="button"
              className="button"
              data-testid={format === 'csv' ? testIds.exportCsv : testIds.exportJson}
              onClick={() => downloadRows({ tool: snapshot.tool, host: address, format, columns, rows: shown, at: new Date(snapshot.createdAt) })}
            >
              {format.toUpperCase()}
            </button>
          ))}
        </span>
      </div>
      <LiveTable
        columns={columns}
        rows={shown}
        view={view}
        onToggleSort={toggleSort}
        onColumnFilter={setColumnFilter}
        empty={
          rows.length === 0 ? (
            <div className="live-table__empty" data-testid={testIds.tableEmpty}>
              This snapshot holds no rows.
            </div>
          ) : (
            <TableEmptyState
              reason={emptyTableReason({ received: rows.length, inSelection: selected?.length, heatMapEvents: 0, events: rows.length })}
              onLowerThreshold={() => undefined}
              onClearFilters={clearFilters}
              onClearSelection={() => setSelection(undefined)}
            />
          )
        }
      />
    </>
  );
}
