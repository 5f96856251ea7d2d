import { describe, expect, it } from 'vitest';
import { formatTableHeader, formatTableRow } from './table.js';
import { execsnoop } from './tools/execsnoop/execsnoop.js';
import { tcplife } from './tools/tcplife/tcplife.js';

describe('bcc-style table output', () => {
  it('prints the execsnoop header and a row with bcc column widths', () => {
    expect(formatTableHeader(execsnoop.columns)).toBe('TIME     PCOMM            PID     PPID    RET ARGS');
    const row = {
      time: new Date(2026, 0, 2, 3, 4, 5).getTime(),
      pcomm: 'ls',
      pid: 1234,
      ppid: 1,
      uid: 0,
      ret: -2,
      argv: ['/bin/ls', '-l'],
      argsTruncated: false,
    };
    expect(formatTableRow(execsnoop.columns, row)).toBe('03:04:05 ls               1234    1        -2 /bin/ls -l');
  });

  it('prints tcplife sizes in KB and durations with two decimals', () => {
    expect(formatTableHeader(tcplife.columns)).toBe('TIME     PID     COMM             LADDR           LPORT RADDR           RPORT TX_KB RX_KB MS');
    const row = {
      time: 0,
      pid: 7,
      comm: 'curl',
      ipVersion: 4 as const,
      laddr: '127.0.0.1',
      lport: 5000,
      raddr: '127.0.0.1',
      rport: 80,
      txBytes: 2048,
      rxBytes: 1_048_576,
      ms: 12.3456,
    };
    expect(formatTableRow(tcplife.columns, row).split(' ').filter(Boolean).slice(-3)).toEqual(['2', '1024', '12.35']);
  });
});
