import { describe, expect, it } from 'vitest';
import { TCP_SESSION_EVENT_SIZE, TcpSessionEventOffset, decodeTcpSessionEvent } from './tcplife.js';
import { kilobytes } from '@bpfscope/formats';

describe('decodeTcpSessionEvent', () => {
  it('reads every field of struct tcp_session_event', () => {
    const record = Buffer.alloc(TCP_SESSION_EVENT_SIZE);
    Buffer.from([192, 168, 1, 2]).copy(record, TcpSessionEventOffset.localAddr);
    Buffer.from([8, 8, 4, 4]).copy(record, TcpSessionEventOffset.remoteAddr);
    record.writeBigUInt64LE(5_000_000_000n, TcpSessionEventOffset.timestampNs);
    record.writeBigUInt64LE(1_234_567n, TcpSessionEventOffset.durationNs);
    record.writeBigUInt64LE(4096n, TcpSessionEventOffset.rxBytes);
    record.writeBigUInt64LE(1023n, TcpSessionEventOffset.txBytes);
    record.writeUInt32LE(4242, TcpSessionEventOffset.pid);
    record.writeUInt16LE(51234, TcpSessionEventOffset.localPort);
    record.writeUInt16LE(443, TcpSessionEventOffset.remotePort);
    record.writeUInt16LE(2, TcpSessionEventOffset.family);
    record.write('curl\0garbage', TcpSessionEventOffset.comm);
    const row = decodeTcpSessionEvent(record, (ns) => Number(ns / 1_000_000n));
    expect(row).toEqual({
      time: 5000,
      pid: 4242,
      comm: 'curl',
      ipVersion: 4,
      laddr: '192.168.1.2',
      lport: 51234,
      raddr: '8.8.4.4',
      rport: 443,
      txBytes: 1023,
      rxBytes: 4096,
      ms: 1.234567,
    });
  });
});

describe('kilobytes', () => {
  it('truncates like bcc', () => {
    expect([0, 1023, 1024, 2047, 300000].map(kilobytes)).toEqual([0, 0, 1, 1, 292]);
  });
});
