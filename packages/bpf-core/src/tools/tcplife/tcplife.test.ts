import { describe, expect, it } from 'vitest';
import { TCP_SESSION_EVENT_SIZE, TcpSessionEventOffset, decodeTcpSessionEvent, formatAddress } from './tcplife.js';
import { kilobytes } from '@bpfscope/formats';

const v6 = (text: string) => {
  const groups = text.split(':').map((group) => parseInt(group, 16));
  const buffer = Buffer.alloc(16);
  groups.forEach((group, i) => buffer.writeUInt16BE(group, i * 2));
  return buffer;
};

describe('formatAddress', () => {
  it('prints IPv4 dotted', () => {
    expect(formatAddress(Buffer.from([10, 1, 2, 254, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 2)).toBe('10.1.2.254');
  });
  it.each([
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80:0:0:0:0:0:0:5', 'fe80::5'],
    ['0:0:0:0:0:ffff:7f00:1', '::ffff:127.0.0.1'],
  ])('compresses %s to %s (RFC 5952)', (full, expected) => {
    expect(formatAddress(v6(full), 10)).toBe(expected);
  });
});

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
