// Cell text exactly as bcc prints it, from the display kind the agent declares per column.
import { formatClockTime } from '@bpfscope/charts';
import type { ColumnDisplay } from '../../api/types';
import type { ColumnSpec } from './tableModel';

export interface DisplayColumn {
  key: string;
  header: string;
  display: ColumnDisplay;
  /** bcc's printf width of the column, in characters (0: unpadded). */
  width?: number;
  /** Decimals of a milliseconds column (null: 2, as most bcc tools print). */
  decimals?: number | null;
  unit: string | null;
  align: 'left' | 'right';
}

export function formatCell(column: Pick<DisplayColumn, 'key' | 'display' | 'decimals'>, row: Record<string, unknown>): string {
  const value = row[column.key];
  if (value === undefined || value === null) return '';
  switch (column.display) {
    case 'clockTime':
      return typeof value === 'number' ? formatClockTime(value) : String(value);
    case 'kilobytes':
      return typeof value === 'number' ? String(Math.floor(value / 1024)) : String(value);
    case 'milliseconds':
      return typeof value === 'number' ? value.toFixed(column.decimals ?? 2) : String(value);
    case 'arguments': {
      const text = Array.isArray(value) ? value.join(' ') : String(value);
      return row.argsTruncated === true ? `${text} ...` : text;
    }
    case 'integer':
    case 'text':
      return String(value);
    default:
      // A display kind from a newer agent: raw text beats nothing.
      return String(value);
  }
}

/** Numbers are right-aligned, so their digits line up whatever bcc's printf padding was. */
export function cellAlign(column: Pick<DisplayColumn, 'display'>): 'left' | 'right' {
  switch (column.display) {
    case 'integer':
    case 'kilobytes':
    case 'milliseconds':
      return 'right';
    default:
      return 'left';
  }
}

/** Columns as the filter/sort model wants them: matching what is shown, sorting on raw values. */
export function columnSpecs(columns: readonly DisplayColumn[]): ColumnSpec[] {
  return columns.map((column) => ({ key: column.key, text: (row) => formatCell(column, row) }));
}
