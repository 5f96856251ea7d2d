// Columns that most tools print alike (bcc's widths), so each tool lists only its own.
import type { ColumnDisplay, TableColumn } from '../types.js';

/** A left-aligned column, as nearly all of bcc's are. */
export function column<Row>(header: string, key: keyof Row & string, width: number, display: ColumnDisplay = 'text'): TableColumn<Row> {
  return { header, key, width, display, align: 'left' };
}

/** bcc's TIME, "%-8s" of strftime("%H:%M:%S"). */
export const timeColumn = column<{ time: number }>('TIME', 'time', 8, 'clockTime');
export const pidColumn = column<{ pid: number }>('PID', 'pid', 7, 'integer');
/** bcc's IP: 4 or 6. */
export const ipColumn = column<{ ipVersion: number }>('IP', 'ipVersion', 2, 'integer');
export const commColumn = (width: number) => column<{ comm: string }>('COMM', 'comm', width);
