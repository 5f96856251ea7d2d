import { describe, expect, it } from 'vitest';
import { formatArguments, formatCell, kilobytes, NOT_COUNTED, shownColumns } from '../src/index.js';

describe('formatCell', () => {
  it('prints each display kind as bcc does', () => {
    const row = {
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      pid: 42,
      comm: 'dd',
      offset: 8 * 1024 * 1024 + 1023,
      ms: 1.23456,
      argv: ['ls', '-l'],
      argsTruncated: true,
    };
    expect(formatCell({ key: 'pid', display: 'integer' }, row)).toBe('42');
    expect(formatCell({ key: 'comm', display: 'text' }, row)).toBe('dd');
    expect(formatCell({ key: 'offset', display: 'kilobytes' }, row)).toBe('8192');
    expect(formatCell({ key: 'ms', display: 'milliseconds' }, row)).toBe('1.23');
    expect(formatCell({ key: 'ms', display: 'milliseconds', decimals: 3 }, row)).toBe('1.235');
    expect(formatCell({ key: 'ms', display: 'milliseconds', decimals: null }, row)).toBe('1.23');
    expect(formatCell({ key: 'argv', display: 'arguments' }, row)).toBe('ls -l ...');
    expect(formatCell({ key: 'ratio', display: 'percent' }, { ratio: 45.678 })).toBe('45.68%');
    expect(formatCell({ key: 'seconds', display: 'seconds' }, { seconds: 1.5 })).toBe('1.500000');
    expect(formatCell({ key: 'argv', display: 'arguments' }, { argv: ['ls'] })).toBe('ls');
    expect(formatCell({ key: 'time', display: 'clockTime' }, row)).toMatch(/^\d\d:\d\d:\d\d$/);
  });

  it('is empty for a missing value, a dash for one not counted, raw text for a kind it does not know', () => {
    expect(formatCell({ key: 'nothing', display: 'integer' }, {})).toBe('');
    expect(formatCell({ key: 'hits', display: 'integer' }, { hits: null })).toBe(NOT_COUNTED);
    expect(NOT_COUNTED).toBe('—');
    expect(formatCell({ key: 'x', display: 'newer' as never }, { x: 7 })).toBe('7');
  });
});

describe('shownColumns', () => {
  it('shows a column a flag adds only when the flag is set', () => {
    const columns = [{ key: 'pid' }, { key: 'time', whenParam: 'timestamp' }, { key: 'uid', whenParam: null }];
    expect(shownColumns(columns, {}).map((column) => column.key)).toEqual(['pid', 'uid']);
    expect(shownColumns(columns, { timestamp: true }).map((column) => column.key)).toEqual(['pid', 'time', 'uid']);
    expect(shownColumns(columns, { timestamp: 'yes' }).map((column) => column.key)).toEqual(['pid', 'uid']);
  });

  it('shows a column written !flag only while the flag is not set, as a count mode replaces the event columns', () => {
    const columns = [{ key: 'pid', whenParam: '!count' }, { key: 'connects', whenParam: 'count' }, { key: 'raddr' }];
    expect(shownColumns(columns, {}).map((column) => column.key)).toEqual(['pid', 'raddr']);
    expect(shownColumns(columns, { count: true }).map((column) => column.key)).toEqual(['connects', 'raddr']);
  });
});

describe('kilobytes and formatArguments', () => {
  it('floor bytes to KiB and mark a cut argv', () => {
    expect(kilobytes(1023)).toBe(0);
    expect(kilobytes(2048)).toBe(2);
    expect(formatArguments(['a', 'b'], false)).toBe('a b');
    expect(formatArguments(['a'], true)).toBe('a ...');
  });
});
