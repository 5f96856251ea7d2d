// A saved table: the rows the agent kept when it was shared, shown with the
// filters, sort and heat-map selection the link carries (which can be changed,
// as on a live table).
import { formatClockTime } from '@bpfscope/charts';
import { shownColumns } from '@bpfscope/formats';
import { useMemo, useRef } from 'react';
import type { Snapshot, ToolInfo } from '../../api/types';
import { useScopeHost, useView, useViewActions } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { downloadRows } from '../download';
import { useSlashToFilter } from '../keyboard';
import { emptyTableReason } from '../table/emptyState';
import type { DisplayColumn } from '../table/formatCell';
import { LiveTable } from '../table/LiveTable';
import { TableEmptyState } from '../table/TableEmptyState';
import { TableFilterInput } from '../table/TableFilterInput';
import { ExportButtons, RowCount, SelectionPill } from '../table/TableToolbar';
import { rowValueSpec } from '../table/tableModel';
import { useShownRows } from '../table/useShownRows';

export function SnapshotTable({ snapshot, tool }: { snapshot: Snapshot; tool: ToolInfo | undefined }) {
  const view = useView();
  const address = useScopeHost().address ?? 'host';
  const { setFilter, setColumnFilter, clearFilters, setSelection, toggleSort } = useViewActions();
  const filterRef = useRef<HTMLInputElement>(null);
  useSlashToFilter(true, filterRef);
  const rows = useMemo(() => ({ list: snapshot.rows ?? [] }), [snapshot.rows]);
  // The columns as this host's agent declares them, those the saved params show (as the live table did:
  // tcpconnect -c's and not its event ones); a tool it no longer has shows its raw fields.
  const columns = useMemo<DisplayColumn[]>(() => {
    if (tool) return shownColumns(tool.columns, (snapshot.params ?? {}) as Record<string, unknown>) as DisplayColumn[];
    return Object.keys(rows.list[0] ?? {}).map((key) => ({
      key,
      header: key.toUpperCase(),
      display: key === 'time' ? 'clockTime' : 'text',
      unit: null,
      align: 'left',
    }));
  }, [tool, snapshot.params, rows]);
  // A table tool's heat map counts microseconds (runqlat's -m is a heat-map tool's alone).
  const rowValue = useMemo(() => rowValueSpec(tool?.heatMap, 'usecs'), [tool?.heatMap]);
  const { selected, shown, filtered } = useShownRows(rows, columns, rowValue);
  const keptSince = snapshot.view.rowsKeptSince;

  return (
    <>
      {keptSince !== undefined ? (
        <div className="banner banner--warn" role="status">
          The agent kept rows from {formatClockTime(keptSince)} on when this was saved: older rows of the shared view are not in it.
        </div>
      ) : null}
      <div className="toolbar" role="toolbar" aria-label="Table controls">
        <TableFilterInput value={view.filter} onChange={setFilter} inputRef={filterRef} />
        <span className="muted">
          {formatClockTime(snapshot.view.from)} – {formatClockTime(snapshot.view.to)}
        </span>
        {view.selection && selected ? (
          <SelectionPill range={view.selection} unit="usecs" rows={selected.length} onClear={() => setSelection(undefined)} />
        ) : null}
        <span className="toolbar__spacer" />
        <RowCount shown={shown.length} total={selected?.length ?? rows.list.length} filtered={filtered} />
        <span className="toolbar__group">
          <ExportButtons
            onExport={(format) => downloadRows({ tool: snapshot.tool, host: address, format, columns, rows: shown, at: new Date(snapshot.createdAt) })}
          />
        </span>
      </div>
      <LiveTable
        columns={columns}
        rows={shown}
        view={view}
        onToggleSort={toggleSort}
        onColumnFilter={setColumnFilter}
        empty={
          rows.list.length === 0 ? (
            <div className="live-table__empty" data-testid={testIds.tableEmpty}>
              This snapshot holds no rows.
            </div>
          ) : (
            <TableEmptyState
              reason={emptyTableReason({ received: rows.list.length, inSelection: selected?.length, heatMapEvents: 0, events: rows.list.length })}
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
