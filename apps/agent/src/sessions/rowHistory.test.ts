import { describe, expect, it } from 'vitest';
import { approximateRowBytes, RowHistory } from './rowHistory.js';

describe('RowHistory', () => {
  it('keeps the newest rows within rows, age and bytes, oldest first', () => {
    const history = new RowHistory({ maxRows: 3, maxAgeMs: 1000, maxBytes: 1 << 20 });
    history.push([{ n: 0 }, { n: 1 }], 0);
    history.push([{ n: 2 }, { n: 3 }], 500);
    expect(history.rows(500).map((row) => row.n)).toEqual([1, 2, 3]);
    expect(history.rows(1200).map((row) => row.n)).toEqual([2, 3]);
    expect(history.rows(1501)).toEqual([]);
    expect(history.bytes).toBe(0);
  });

  it('lets long rows go first by bytes, so a burst of big argv lists stays bounded', () => {
    const big = { argv: Array.from({ length: 60 }, () => 'x'.repeat(127)) };
    const bytes = approximateRowBytes(big);
    expect(bytes).toBeGreaterThan(60 * 127);
    const history = new RowHistory({ maxRows: 10_000, maxAgeMs: 3600_000, maxBytes: bytes * 10 });
    for (let i = 0; i < 100; i++) history.push([{ ...big, n: i }], 0);
    expect(history.size).toBeLessThanOrEqual(10);
    expect(history.bytes).toBeLessThanOrEqual(bytes * 10 + 100);
    expect(history.rows(0).at(-1)?.n).toBe(99);
  });

  it('gives back rows as they were pushed, argv lists, missing fields and all', () => {
    const history = new RowHistory({ maxRows: 10, maxAgeMs: 3600_000, maxBytes: 1 << 20 });
    const rows = [
      { time: 1_733_500_000_123.25, pcomm: 'bash', pid: 4242, ppid: 1, argv: ['/bin/ls', '-la', 'ümlaut dir'], argsTruncated: false, ret: 0 },
      { time: 1_733_500_000_124, comm: 'curl', pid: 5, laddr: '10.0.0.1', lport: 51234, raddr: '::1', rport: 443, txKb: 0.5, rxKb: 12, ms: 35.125, uid: null },
      { time: 1_733_500_000_125, path: '/etc/passwd', fd: -1, err: 2, flags: undefined },
    ];
    history.push(rows, 0);
    expect(history.rows(0)).toStrictEqual(rows);
    expect(history.bytes).toBe(rows.reduce((sum, row) => sum + approximateRowBytes(row), 0));
  });

  it('stays correct across its compaction of dropped rows', () => {
    const history = new RowHistory({ maxRows: 100, maxAgeMs: 3600_000, maxBytes: 1 << 30 });
    for (let i = 0; i < 5000; i++) history.push([{ n: i }], 0);
    expect(history.rows(0).map((row) => row.n)).toEqual(Array.from({ length: 100 }, (_, index) => 4900 + index));
  });
});
