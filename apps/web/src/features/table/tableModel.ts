// Filtering and sorting of live table rows: pure, so they are tested apart from React.
export interface ColumnSpec {
  key: string;
  /** Text shown for a row (what filters match against). */
  text: (row: Record<string, unknown>) => string;
}

export interface TableQuery {
  filter: string;
  columnFilters: Record<string, string>;
  sort?: { column: string; direction: 'asc' | 'desc' };
}

/** Rows whose shown text contains the filter (any column) and each column filter (that column); case-insensitive. */
export function filterRows<Row extends Record<string, unknown>>(rows: readonly Row[], columns: readonly ColumnSpec[], query: TableQuery): Row[] {
  const needle = query.filter.trim().toLowerCase();
  const columnNeedles = Object.entries(query.columnFilters)
    .map(([key, text]) => [columns.find((column) => column.key === key), text.trim().toLowerCase()] as const)
    .filter((entry): entry is readonly [ColumnSpec, string] => entry[0] !== undefined && entry[1] !== '');
  if (!needle && columnNeedles.length === 0) return [...rows];
  return rows.filter(
    (row) =>
      (!needle || columns.some((column) => column.text(row).toLowerCase().includes(needle))) &&
      columnNeedles.every(([column, text]) => column.text(row).toLowerCase().includes(text)),
  );
}

/** Numbers compare as numbers, everything else as text; the sort is stable (arrival order breaks ties). */
export function sortRows<Row extends Record<string, unknown>>(rows: readonly Row[], columns: readonly ColumnSpec[], query: TableQuery): Row[] {
  const sort = query.sort;
  const column = sort && columns.find((candidate) => candidate.key === sort.column);
  if (!sort || !column) return [...rows];
  const sign = sort.direction === 'asc' ? 1 : -1;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const left = a.row[column.key];
      const right = b.row[column.key];
      const order =
        typeof left === 'number' && typeof right === 'number' ? left - right : collator.compare(column.text(a.row), column.text(b.row));
      return order !== 0 ? sign * order : a.index - b.index;
    })
    .map(({ row }) => row);
}
