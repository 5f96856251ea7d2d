import { describe, expect, it } from 'vitest';
import { parseFormat } from '@bpfscope/formats';
import { formatMessage } from './printf.js';
import type { PrintfValue } from './printf.js';

const format = (text: string) => parseFormat({ value: text, offsets: [...text].map((_, index) => index + 1), span: { start: 0, end: text.length + 2 } });
const int = (value: number | bigint, size = 8, signed = true): PrintfValue => ({ kind: 'integer', value: BigInt.asUintN(64, BigInt(value)), size, signed });

describe('trace format strings', () => {
  it('prints integers as C printf does for their width and sign', () => {
    expect(formatMessage(format('read %d bytes'), [int(1048576)])).toBe('read 1048576 bytes');
    expect(formatMessage(format('%d %u %x'), [int(-1, 4), int(-1, 4), int(-1, 4)])).toBe('-1 4294967295 ffffffff');
    expect(formatMessage(format('%#x %X %o %c'), [int(255), int(255), int(8), int(65)])).toBe('0xff FF 10 A');
    expect(formatMessage(format('%p'), [int(0x7ffd1234n, 8, false)])).toBe('0x7ffd1234');
    expect(formatMessage(format('%lld %llu'), [int(-5), int(-5, 8, false)])).toBe('-5 18446744073709551611');
  });

  it('pads and cuts as printf does', () => {
    expect(
      formatMessage(format('[%5d|%-5d|%05d|%.3s|%8s]'), [int(42), int(42), int(-42), { kind: 'string', value: 'abcdef' }, { kind: 'string', value: 'hi' }]),
    ).toBe('[   42|42   |-0042|abc|      hi]');
    expect(formatMessage(format('100%% done'), [])).toBe('100% done');
  });
});
