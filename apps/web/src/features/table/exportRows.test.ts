import { describe, expect, it } from 'vitest';
import { exportFileName } from '../download';
import { rowsToCsv, rowsToJson } from './exportRows';
import type { DisplayColumn } from './formatCell';
import { formatCell } from '@bpfscope/formats';

const columns: DisplayColumn[] = [
  { key: 'pcomm', header: 'PCOMM', display: 'text', unit: null, align: 'left' },
  { key: 'ret', header: 'RET', display: 'integer', unit: null, align: 'right' },
  { key: 'argv', header: 'ARGS', display: 'arguments', unit: null, align: 'left' },
];

describe('formatCell', () => {
  it('prints values the way bcc does', () => {
    expect(formatCell({ key: 'b', display: 'kilobytes' }, { b: 2047 })).toBe('1');
    expect(formatCell({ key: 'b', display: 'kilobytes' }, { b: 1023 })).toBe('0');
    expect(formatCell({ key: 'ms', display: 'milliseconds' }, { ms: 1.005 })).toBe('1.00');
    expect(formatCell({ key: 'ms', display: 'milliseconds' }, { ms: 12 })).toBe('12.00');
    expect(formatCell({ key: 'ms', display: 'milliseconds', decimals: 3 }, { ms: 0.1234 })).toBe('0.123');
    expect(formatCell({ key: 'offset', display: 'kilobytes' }, { offset: 8 * 1024 * 1024 })).toBe('8192');
    expect(formatCell({ key: 'argv', display: 'arguments' }, { argv: ['/bin/ls', '-l'], argsTruncated: true })).toBe('/bin/ls -l ...');
    expect(formatCell({ key: 't', display: 'clockTime' }, { t: new Date(2026, 0, 2, 3, 4, 5).getTime() })).toBe('03:04:05');
    expect(formatCell({ key: 'missing', display: 'text' }, {})).toBe('');
  });
});

describe('export', () => {
  const rows = [
    { pcomm: 'sh', ret: 0, argv: ['/bin/echo', 'a,b', 'say "hi"'], argsTruncated: false },
    { pcomm: '=cmd', ret: -2, argv: ['/nope'], argsTruncated: true },
  ];

  it('writes CSV with bcc headers, quoting and formula guarding', () => {
    expect(rowsToCsv(columns, rows)).toBe('PCOMM,RET,ARGS\r\nsh,0,"/bin/echo a,b say ""hi"""\r\n\'=cmd,-2,/nope ...\r\n');
  });

  it('writes JSON with raw values under column keys', () => {
    expect(JSON.parse(rowsToJson(columns, rows))).toEqual([
      { pcomm: 'sh', ret: 0, argv: ['/bin/echo', 'a,b', 'say "hi"'], argsTruncated: false },
      { pcomm: '=cmd', ret: -2, argv: ['/nope'], argsTruncated: true },
    ]);
  });

  it('names files by tool, host and time', () => {
    expect(exportFileName('execsnoop', '[::1]:7070', 'csv', new Date('2026-11-25T10:20:30.456Z'))).toBe('execsnoop-___1__7070-2026-11-25T102030.csv');
  });
});
