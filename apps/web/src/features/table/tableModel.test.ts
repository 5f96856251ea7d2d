import { describe, expect, it } from 'vitest';
import { filterRows, sortRows } from './tableModel';
import type { ColumnSpec } from './tableModel';

const columns: ColumnSpec[] = [
  { key: 'pcomm', text: (row) => String(row.pcomm) },
  { key: 'pid', text: (row) => String(row.pid) },
  { key: 'argv', text: (row) => (row.argv as string[]).join(' ') },
];
const rows = [
  { pcomm: 'curl', pid: 100, argv: ['/usr/bin/curl', 'https://a.example'] },
  { pcomm: 'sh', pid: 9, argv: ['/bin/sh', '-c', 'curl b'] },
  { pcomm: 'ls', pid: 1000, argv: ['/bin/ls', '-l'] },
  { pcomm: 'Curl2', pid: 9, argv: ['/opt/Curl2'] },
];
const none = { filter: '', columnFilters: {} };

describe('filterRows', () => {
  it('matches the text filter in any column, ignoring case', () => {
    expect(filterRows(rows, columns, { ...none, filter: 'CURL' }).map((row) => row.pid)).toEqual([100, 9, 9]);
  });
  it('ANDs column filters with the text filter', () => {
    expect(filterRows(rows, columns, { filter: 'curl', columnFilters: { pcomm: 'sh' } }).map((row) => row.pcomm)).toEqual(['sh']);
    expect(filterRows(rows, columns, { filter: '', columnFilters: { argv: '-l', pcomm: 'curl' } })).toEqual([]);
  });
  it('ignores filters on unknown columns and blank filters', () => {
    expect(filterRows(rows, columns, { filter: '  ', columnFilters: { nope: 'x', pid: '' } })).toHaveLength(4);
  });
});

describe('sortRows', () => {
  it('sorts numbers numerically and keeps arrival order for ties', () => {
    const sorted = sortRows(rows, columns, { ...none, sort: { column: 'pid', direction: 'asc' } });
    expect(sorted.map((row) => row.pcomm)).toEqual(['sh', 'Curl2', 'curl', 'ls']);
    const descending = sortRows(rows, columns, { ...none, sort: { column: 'pid', direction: 'desc' } });
    expect(descending.map((row) => row.pcomm)).toEqual(['ls', 'curl', 'sh', 'Curl2']);
  });
  it('sorts text case-insensitively with numeric awareness', () => {
    const sorted = sortRows(rows, columns, { ...none, sort: { column: 'pcomm', direction: 'asc' } });
    expect(sorted.map((row) => row.pcomm)).toEqual(['curl', 'Curl2', 'ls', 'sh']);
  });
  it('leaves rows alone for an unknown column, without mutating the input', () => {
    const input = [...rows];
    expect(sortRows(input, columns, { ...none, sort: { column: 'nope', direction: 'asc' } })).toEqual(rows);
    expect(input).toEqual(rows);
  });
});
