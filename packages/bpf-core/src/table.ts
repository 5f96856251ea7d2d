import { formatClockTime } from '@bpfscope/formats';
import { formatArguments, kilobytes } from './tools/shared/format.js';
import type { TableColumn } from './tools/types.js';

function cell<Row>(column: TableColumn<Row>, text: string, last: boolean): string {
  if (last || column.width === 0) return text;
  return column.align === 'right' ? text.padStart(column.width) : text.padEnd(column.width);
}

/** A cell's text from the column's declared display kind: the one rule the web follows too. */
export function formatCell<Row>(column: TableColumn<Row>, row: Row): string {
  const value: unknown = row[column.key];
  if (value === undefined || value === null) return '';
  switch (column.display) {
    case 'clockTime':
      return typeof value === 'number' ? formatClockTime(value) : String(value);
    case 'kilobytes':
      return typeof value === 'number' ? String(kilobytes(value)) : String(value);
    case 'milliseconds':
      return typeof value === 'number' ? value.toFixed(column.decimals ?? 2) : String(value);
    case 'arguments':
      return formatArguments(Array.isArray(value) ? value : [value], (row as { argsTruncated?: unknown }).argsTruncated === true);
    case 'integer':
    case 'text':
      return String(value);
    default:
      return assertNever(column.display);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown column display ${String(value)}`);
}

/** The header line as bcc prints it. */
export function formatTableHeader<Row>(columns: readonly TableColumn<Row>[]): string {
  return columns.map((column, index) => cell(column, column.header, index === columns.length - 1)).join(' ');
}

export function formatTableRow<Row>(columns: readonly TableColumn<Row>[], row: Row): string {
  return columns.map((column, index) => cell(column, formatCell(column, row), index === columns.length - 1)).join(' ');
}
