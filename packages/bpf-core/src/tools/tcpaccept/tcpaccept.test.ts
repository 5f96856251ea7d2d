import { describe, expect, it } from 'vitest';
import { ACCEPT_EVENT_SIZE, AcceptEventOffset, decodeAcceptEvent } from './tcpaccept.js';

describe('decodeAcceptEvent', () => {
  it('reads every field of struct accept_event', () => {
    const buffer = Buffer.alloc(ACCEPT_EVENT_SIZE);
    buffer.writeUInt16BE(0x2001, AcceptEventOffset.laddr);
    buffer.writeUInt16BE(0x0db8, AcceptEventOffset.laddr + 2);
    buffer.writeUInt8(1, AcceptEventOffset.laddr + 15);
    buffer.writeUInt8(1, AcceptEventOffset.raddr + 15);
    buffer.writeBigUInt64LE(7_000_000n, AcceptEventOffset.timestampNs);
    buffer.writeUInt32LE(812, AcceptEventOffset.pid);
    buffer.writeUInt16LE(8080, AcceptEventOffset.lport);
    buffer.writeUInt16LE(40312, AcceptEventOffset.rport);
    buffer.writeUInt16LE(10, AcceptEventOffset.family);
    buffer.write('nginx', AcceptEventOffset.comm);
    expect(decodeAcceptEvent(buffer, (ns) => Number(ns / 1_000_000n))).toEqual({
      time: 7,
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
