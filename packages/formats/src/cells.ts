// A table cell's text from its column's display kind, exactly as bcc prints it:
// the CLI's table, the web's table and both CSV exports call this one function.
import { formatClockTime } from './clock.js';

/**
 * How a column's value is shown, declared rather than coded so every client (the
 * CLI, the web) shows the same text: epoch ms as local HH:MM:SS, bytes as whole
 * KB (floored, as bcc), milliseconds with `decimals` (2 unless said), seconds
 * with `decimals` (6 unless said: biosnoop's TIME(s)), a
 * percentage with `decimals` and "%" (cachestat's HITRATIO), argv joined with
 * " ..." when truncated.
 */
export type ColumnDisplay = 'clockTime' | 'integer' | 'text' | 'kilobytes' | 'milliseconds' | 'seconds' | 'percent' | 'arguments';

/** What formatting needs of a column. */
export interface CellColumn {
  key: string;
  display: ColumnDisplay;
  /** Decimals of a milliseconds or percent column (absent or null: 2, as most bcc tools print). */
  decimals?: number | null;
}

/**
 * The columns shown for these params: a column with `whenParam` only when that
 * param is true (bcc's flags that add one, opensnoop -T/-U/-f), or, written
 * `!param`, only when it is not (the event columns a count mode such as
 * tcpconnect -c replaces with its own); rows keep every field.
 */
export function shownColumns<Column extends { whenParam?: string | null }>(columns: readonly Column[], params: Readonly<Record<string, unknown>>): Column[] {
  return columns.filter((column) => {
    const when = column.whenParam;
    if (when === undefined || when === null) return true;
    return when.startsWith('!') ? params[when.slice(1)] !== true : params[when] === true;
  });
}

/** bcc divides bytes by 1024 and prints the integer part (TX_KB, RX_KB, OFF_KB). */
export function kilobytes(bytes: number): number {
  return Math.floor(bytes / 1024);
}

/** An argv as bcc prints it: joined by spaces, with " ..." when it was cut. */
export function formatArguments(argv: readonly unknown[], truncated: boolean): string {
  const text = argv.join(' ');
  return truncated ? `${text} ...` : text;
}

/** A value the tool could not count on this host (cachestat's HITS without a probe on page accesses): never a made-up 0. */
export const NOT_COUNTED = '—';

/** A cell's text; null is a value that could not be counted (NOT_COUNTED), a missing one is empty. */
export function formatCell(column: CellColumn, row: object): string {
  const value: unknown = (row as Record<string, unknown>)[column.key];
  if (value === undefined) return '';
  if (value === null) return NOT_COUNTED;
  switch (column.display) {
    case 'clockTime':
      return typeof value === 'number' ? formatClockTime(value) : String(value);
    case 'kilobytes':
      return typeof value === 'number' ? String(kilobytes(value)) : String(value);
    case 'milliseconds':
      return typeof value === 'number' ? value.toFixed(column.decimals ?? 2) : String(value);
    case 'seconds':
      return typeof value === 'number' ? value.toFixed(column.decimals ?? 6) : String(value);
    case 'percent':
      return typeof value === 'number' ? `${value.toFixed(column.decimals ?? 2)}%` : String(value);
    case 'arguments':
      return formatArguments(Array.isArray(value) ? value : [value], (row as { argsTruncated?: unknown }).argsTruncated === true);
    case 'integer':
    case 'text':
      return String(value);
    default: {
      // Every kind is handled above (the compiler checks); a newer agent's kind still shows its raw text.
      const newerKind: never = column.display;
      void newerKind;
      return String(value);
    }
  }
}
