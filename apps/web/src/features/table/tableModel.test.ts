import { describe, expect, it } from 'vitest';
import { filterRows, frameEndOf, rowsInSelection, sortRows } from './tableModel';
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

describe('filterRows with /regex/', () => {
  it('takes a /regex/ in the all-columns filter and in a column filter', () => {
    expect(filterRows(rows, columns, { ...none, filter: '/^(sh|ls)$/' }).map((row) => row.pcomm)).toEqual(['sh', 'ls']);
    expect(filterRows(rows, columns, { filter: '', columnFilters: { pid: '/^9$/' } }).map((row) => row.pcomm)).toEqual(['sh', 'Curl2']);
    expect(filterRows(rows, columns, { filter: '', columnFilters: { argv: '/curl\\s+b/' } }).map((row) => row.pcomm)).toEqual(['sh']);
  });
});

describe('rowsInSelection', () => {
  // tcplife-like rows: the time a session closed and its duration in ms.
  const sessions = [
    { time: 10_000, ms: 0.5 },
    { time: 10_400, ms: 3 },
    { time: 11_000, ms: 3.9 },
    { time: 11_001, ms: 12 },
    { time: 14_000, ms: 0.1 },
  ];

  it('keeps the rows counted in the frames a time selection adds up (frames end on whole seconds)', () => {
    expect(frameEndOf(10_400)).toBe(11_000);
    expect(frameEndOf(11_000)).toBe(11_000);
    expect(rowsInSelection(sessions, { from: 10_000, to: 12_000 }, undefined).map((row) => row.time)).toEqual([10_400, 11_000, 11_001]);
  });

  it('keeps only the rows of a cell: its time and its log2 bucket of the value', () => {
    const value = { column: 'ms', unit: 'usecs' as const, lastSlot: 31 };
    // 2048 to 4095 us is slot 11: 3 ms and 3.9 ms, not 12 ms.
    expect(rowsInSelection(sessions, { from: 10_000, to: 12_000, bucket: 11 }, value).map((row) => row.ms)).toEqual([3, 3.9]);
    expect(rowsInSelection(sessions, { from: 10_000, to: 12_000, bucket: 3 }, { column: 'ms', unit: 'msecs', lastSlot: 31 }).map((row) => row.ms)).toEqual([
      12,
    ]);
    // Past the last slot: in it, as the kernel counts (a session of 80 minutes).
    expect(rowsInSelection([{ time: 10_500, ms: 80 * 60_000 }], { from: 10_000, to: 12_000, bucket: 31 }, value)).toHaveLength(1);
  });
});
