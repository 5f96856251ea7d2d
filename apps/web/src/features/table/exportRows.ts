// Export of what the table shows (filtered and sorted), as shown: bcc's headers and text.
import type { DisplayColumn } from './formatCell';
import { formatCell } from '@bpfscope/formats';

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function rowsToCsv(columns: readonly DisplayColumn[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map((column) => csvCell(column.header)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(formatCell(column, row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** JSON keeps raw values (numbers stay numbers, argv stays a list) under the column keys. */
export function rowsToJson(columns: readonly DisplayColumn[], rows: readonly Record<string, unknown>[]): string {
  const keys = columns.map((column) => column.key);
  const extra = rows.some((row) => 'argsTruncated' in row) ? ['argsTruncated'] : [];
  return `${JSON.stringify(
    rows.map((row) => Object.fromEntries([...keys, ...extra].filter((key) => key in row).map((key) => [key, row[key]]))),
    null,
    1,
  )}\n`;
}

function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
