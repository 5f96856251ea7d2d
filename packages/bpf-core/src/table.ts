import type { TableColumn } from './tools/types.js';

function cell<Row>(column: TableColumn<Row>, text: string, last: boolean): string {
  if (last || column.width === 0) return text;
  return column.align === 'right' ? text.padStart(column.width) : text.padEnd(column.width);
}

export function formatCell<Row>(column: TableColumn<Row>, row: Row): string {
  return column.format ? column.format(row) : String(row[column.key]);
}

/** The header line as bcc prints it. */
export function formatTableHeader<Row>(columns: readonly TableColumn<Row>[]): string {
  return columns.map((column, index) => cell(column, column.header, index === columns.length - 1)).join(' ');
}

export function formatTableRow<Row>(columns: readonly TableColumn<Row>[], row: Row): string {
  return columns.map((column, index) => cell(column, formatCell(column, row), index === columns.length - 1)).join(' ');
}
