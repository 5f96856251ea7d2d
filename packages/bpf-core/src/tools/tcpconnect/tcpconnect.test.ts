import { describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../testing/records.js';
import { CONNECT_EVENT_SIZE, ConnectEventOffset, decodeConnectEvent } from './tcpconnect.js';

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
    expect(decodeConnectEvent(record(0, 0), (ns) => Number(ns / 1_000_000n))).toEqual({
      time: 3,
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
    const results = [record(0, 0), record(1, 111), record(1, 110), record(2, 0)].map((buffer) => decodeConnectEvent(buffer, () => 0).result);
    expect(results).toEqual(['OK', 'ECONNREFUSED', 'ETIMEDOUT', 'CLOSED']);
  });
});
