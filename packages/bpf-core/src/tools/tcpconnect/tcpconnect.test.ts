import { describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../testing/records.js';
import { shownColumns } from '@bpfscope/formats';
import { CONNECT_EVENT_SIZE, ConnectEventOffset, decodeConnectEvent, decodeConnectFlow, tcpconnect } from './tcpconnect.js';

function record(outcome: number, error: number): Buffer {
  const buffer = writeEndpoints(Buffer.alloc(CONNECT_EVENT_SIZE), ConnectEventOffset, {
    family: 2,
    laddr: [10, 0, 0, 5],
    raddr: [192, 0, 2, 80],
    lport: 51234,
    rport: 443,
  });
  buffer.writeBigUInt64LE(3_000_000n, ConnectEventOffset.timestampNs);
  buffer.writeBigUInt64LE(3_250_000n, ConnectEventOffset.outcomeNs);
  buffer.writeUInt32LE(4242, ConnectEventOffset.pid);
  buffer.writeUInt32LE(1000, ConnectEventOffset.uid);
  buffer.writeUInt16LE(outcome, ConnectEventOffset.outcome);
  buffer.writeUInt32LE(error, ConnectEventOffset.error);
  buffer.write('curl\0garbage', ConnectEventOffset.comm);
  return buffer;
}

describe('decodeConnectEvent', () => {
  it('reads every field of struct connect_event', () => {
    expect(decodeConnectEvent(record(0, 0), (ns) => Number(ns / 1_000_000n), { startedAt: 1 })).toEqual({
      time: 3,
      seconds: 0.002,
      uid: 1000,
      pid: 4242,
      comm: 'curl',
      ipVersion: 4,
      laddr: '10.0.0.5',
      lport: 51234,
      raddr: '192.0.2.80',
      rport: 443,
      result: 'OK',
      errno: 0,
      ms: 0.25,
    });
  });

  it('shows how an attempt ended: established, the error the kernel gave up with, or closed first', () => {
    const results = [record(0, 0), record(1, 111), record(1, 110), record(2, 0)].map((buffer) => decodeConnectEvent(buffer, () => 0, { startedAt: 0 }).result);
    expect(results).toEqual(['OK', 'ECONNREFUSED', 'ETIMEDOUT', 'CLOSED']);
  });
});

describe('tcpconnect count mode (bcc -c)', () => {
  it('makes a flow row from the count key and the interval', () => {
    const key = Buffer.alloc(36);
    Buffer.from([10, 0, 0, 5]).copy(key, 0);
    Buffer.from([192, 0, 2, 80]).copy(key, 16);
    key.writeUInt16LE(443, 32);
    key.writeUInt16LE(2, 34);
    expect(decodeConnectFlow(key, [7], 5000)).toEqual({ time: 5000, ipVersion: 4, laddr: '10.0.0.5', raddr: '192.0.2.80', rport: 443, connects: 7 });
  });

  it("shows bcc's headers for each mode and flag", () => {
    const headers = (params: object) => shownColumns(tcpconnect.columns, tcpconnect.paramsSchema.parse(params)).map((column) => column.header);
    expect(headers({})).toEqual(['PID', 'COMM', 'IP', 'SADDR', 'DADDR', 'DPORT', 'RESULT']);
    expect(headers({ timestamp: true, printUid: true, lport: true })).toEqual([
      'TIME(s)',
      'UID',
      'PID',
      'COMM',
      'IP',
      'SADDR',
      'LPORT',
      'DADDR',
      'DPORT',
      'RESULT',
    ]);
    expect(headers({ count: true })).toEqual(['TIME', 'LADDR', 'RADDR', 'RPORT', 'CONNECTS']);
  });

  it('refuses event-only flags and an interval outside count mode', () => {
    expect(tcpconnect.paramsSchema.safeParse({ count: true, printUid: true }).success).toBe(false);
    expect(tcpconnect.paramsSchema.safeParse({ interval: 5 }).success).toBe(false);
    expect(tcpconnect.paramsSchema.safeParse({ count: true, interval: 5 }).success).toBe(true);
  });
});
