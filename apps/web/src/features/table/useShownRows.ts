// The rows a table shows, live or saved, as the view says: narrowed to the rows
// behind a heat-map selection (when the tool's rows link to its heat map), then
// filtered, then sorted.
import { useMemo } from 'react';
import type { Row } from '../../state/liveRows';
import { useScopedView } from '../../state/viewScope';
import type { DisplayColumn } from './formatCell';
import { columnSpecs } from './formatCell';
import type { RowValueSpec } from './tableModel';
import { filterRows, rowsInSelection, sortRows } from './tableModel';

interface ShownRows {
  /** The rows behind the heat-map selection; undefined when no selection narrows them. */
  selected: Row[] | undefined;
  /** What the table shows. */
  shown: Row[];
  /** A filter is set: the count says "n of m". */
  filtered: boolean;
}

/** `rows` is a new object whenever its list changes (a live session's rows are appended in place). */
export function useShownRows(rows: { list: readonly Row[] }, columns: readonly DisplayColumn[], rowValue: RowValueSpec | undefined): ShownRows {
  const filter = useScopedView((view) => view.filter);
  const columnFilters = useScopedView((view) => view.columnFilters);
  const sort = useScopedView((view) => view.sort);
  const selection = useScopedView((view) => view.selection);
  const specs = useMemo(() => columnSpecs(columns), [columns]);
  const query = useMemo(() => ({ filter, columnFilters, sort }), [filter, columnFilters, sort]);
  const selected = useMemo(() => (rowValue && selection ? rowsInSelection(rows.list, selection, rowValue) : undefined), [rows, rowValue, selection]);
  const shown = useMemo(() => sortRows(filterRows(selected ?? rows.list, specs, query), specs, query), [selected, rows, specs, query]);
  return { selected, shown, filtered: filter !== '' || Object.keys(columnFilters).length > 0 };
}
