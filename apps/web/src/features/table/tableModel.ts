// Filtering and sorting of live table rows: pure, so they are tested apart from React.
import { log2SlotOf, textMatcher } from '@bpfscope/charts';
import type { HeatMapSelection } from '@bpfscope/charts';
import type { HistogramUnit } from '@bpfscope/charts';

export interface ColumnSpec {
  key: string;
  /** Text shown for a row (what filters match against). */
  text: (row: Record<string, unknown>) => string;
}

interface TableQuery {
  filter: string;
  columnFilters: Record<string, string>;
  sort?: { column: string; direction: 'asc' | 'desc' };
}

/**
 * Rows whose shown text matches the filter (any column) and each column filter
 * (that column): a case-insensitive substring, or /regex/ as the flame-graph search takes.
 */
export function filterRows<Row extends Record<string, unknown>>(rows: readonly Row[], columns: readonly ColumnSpec[], query: TableQuery): Row[] {
  const matches = textMatcher(query.filter);
  const columnMatchers = Object.entries(query.columnFilters).flatMap(([key, text]) => {
    const column = columns.find((candidate) => candidate.key === key);
    const matcher = textMatcher(text);
    return column && matcher ? [[column, matcher] as const] : [];
  });
  if (!matches && columnMatchers.length === 0) return [...rows];
  return rows.filter(
    (row) => (!matches || columns.some((column) => matches(column.text(row)))) && columnMatchers.every(([column, matcher]) => matcher(column.text(row))),
  );
}

/** Where a row's value of the heat map's measure is: its column (milliseconds), the heat map's unit and last slot. */
export interface RowValueSpec {
  column: string;
  unit: HistogramUnit;
  /** Values past it are counted in it, as the kernel counts them. */
  lastSlot: number;
}

/** A tool's rows-to-heat-map link, in the unit its frames are in; undefined when its rows have none. */
export function rowValueSpec(heatMap: { rows: { column: string } | null; slots: number } | null | undefined, unit: HistogramUnit): RowValueSpec | undefined {
  return heatMap?.rows ? { column: heatMap.rows.column, unit, lastSlot: heatMap.slots - 1 } : undefined;
}

/** The end of the 1 s frame a row is counted in: frames end on wall-clock seconds and count what came before. */
export function frameEndOf(time: number): number {
  return Math.ceil(time / 1000) * 1000;
}

/**
 * The rows behind a heat-map selection: counted in a frame the selection adds up
 * (ending within (from, to]), and for a cell, with a value in its bucket.
 */
export function rowsInSelection<Row extends Record<string, unknown>>(
  rows: readonly Row[],
  selection: HeatMapSelection,
  value: RowValueSpec | undefined,
): Row[] {
  const { from, to, bucket } = selection;
  return rows.filter((row) => {
    const time = row.time;
    if (typeof time !== 'number') return false;
    const frameEnd = frameEndOf(time);
    if (frameEnd <= from || frameEnd > to) return false;
    if (bucket === undefined || !value) return true;
    const milliseconds = row[value.column];
    if (typeof milliseconds !== 'number') return false;
    return log2SlotOf(value.unit === 'usecs' ? milliseconds * 1000 : milliseconds, value.lastSlot) === bucket;
  });
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
      const order = typeof left === 'number' && typeof right === 'number' ? left - right : collator.compare(column.text(a.row), column.text(b.row));
      return order !== 0 ? sign * order : a.index - b.index;
    })
    .map(({ row }) => row);
}
