// Saving an export from the browser, named for what it is, where from and when.
import { rowsToCsv, rowsToJson } from './table/exportRows';
import type { DisplayColumn } from './table/formatCell';

export function downloadFile(name: string, contents: string | Uint8Array, type: string): void {
  const blob = new Blob([contents as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `execsnoop-10.0.0.7_7070-2026-11-25T102030.csv`: tool, host (made file-safe), UTC time. */
export function exportFileName(tool: string, host: string, extension: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  return `${tool}-${host.replace(/[^A-Za-z0-9.-]/g, '_')}-${stamp}.${extension}`;
}

/** A table's rows as shown (filtered and sorted), as CSV or JSON. */
export function downloadRows(options: {
  tool: string;
  host: string;
  format: 'csv' | 'json';
  columns: readonly DisplayColumn[];
  rows: readonly Record<string, unknown>[];
  at?: Date;
}): void {
  const { format } = options;
  const text = format === 'csv' ? rowsToCsv(options.columns, options.rows) : rowsToJson(options.columns, options.rows);
  downloadFile(exportFileName(options.tool, options.host, format, options.at), text, format === 'csv' ? 'text/csv' : 'application/json');
}
