import { formatCell } from '@bpfscope/formats';
import type { TableColumn } from './tools/types.js';

function cell<Row>(column: TableColumn<Row>, text: string, last: boolean): string {
  if (last || column.width === 0) return text;
  return column.align === 'right' ? text.padStart(column.width) : text.padEnd(column.width);
}

/** The header line as bcc prints it. */
export function formatTableHeader<Row>(columns: readonly TableColumn<Row>[]): string {
  return columns.map((column, index) => cell(column, column.header, index === columns.length - 1)).join(' ');
}

export function formatTableRow<Row extends object>(columns: readonly TableColumn<Row>[], row: Row): string {
  return columns.map((column, index) => cell(column, formatCell(column, row), index === columns.length - 1)).join(' ');
}
