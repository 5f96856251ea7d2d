// Columns as the table shows them. Cell text is @bpfscope/formats' formatCell, the
// function the CLI prints with, from the display kind the agent declares per column.
import { formatCell } from '@bpfscope/formats';
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

/** Numbers are right-aligned, so their digits line up whatever bcc's printf padding was. */
export function cellAlign(column: Pick<DisplayColumn, 'display'>): 'left' | 'right' {
  switch (column.display) {
    case 'integer':
    case 'kilobytes':
    case 'milliseconds':
    case 'seconds':
    case 'percent':
      return 'right';
    default:
      return 'left';
  }
}

/** Columns as the filter/sort model wants them: matching what is shown, sorting on raw values. */
export function columnSpecs(columns: readonly DisplayColumn[]): ColumnSpec[] {
  return columns.map((column) => ({ key: column.key, text: (row) => formatCell(column, row) }));
}
