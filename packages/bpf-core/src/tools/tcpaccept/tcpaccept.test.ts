import { describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../testing/records.js';
import { ACCEPT_EVENT_SIZE, AcceptEventOffset, decodeAcceptEvent } from './tcpaccept.js';

describe('decodeAcceptEvent', () => {
  it('reads every field of struct accept_event', () => {
    const buffer = writeEndpoints(Buffer.alloc(ACCEPT_EVENT_SIZE), AcceptEventOffset, {
      family: 10,
      laddr: [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 1],
      raddr: [...Array<number>(15).fill(0), 1],
      lport: 8080,
      rport: 40312,
    });
    buffer.writeBigUInt64LE(7_000_000n, AcceptEventOffset.timestampNs);
    buffer.writeUInt32LE(812, AcceptEventOffset.pid);
    buffer.write('nginx', AcceptEventOffset.comm);
    expect(decodeAcceptEvent(buffer, (ns) => Number(ns / 1_000_000n), { startedAt: 4000 })).toEqual({
      time: 7,
      seconds: -3.993,
      pid: 812,
      comm: 'nginx',
      ipVersion: 6,
      raddr: '::1',
      rport: 40312,
      laddr: '2001:db8::1',
      lport: 8080,
    });
  });
});
