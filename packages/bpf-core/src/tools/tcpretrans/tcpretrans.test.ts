import { describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../testing/records.js';
import { RETRANS_EVENT_SIZE, RetransEventOffset, decodeRetransEvent } from './tcpretrans.js';

function record(type: number): Buffer {
  const buffer = writeEndpoints(Buffer.alloc(RETRANS_EVENT_SIZE), RetransEventOffset, {
    family: 2,
    laddr: [10, 153, 223, 157],
    raddr: [69, 53, 245, 40],
    lport: 22,
    rport: 34619,
  });
  buffer.writeBigUInt64LE(9_000_000n, RetransEventOffset.timestampNs);
  buffer.writeUInt32LE(0, RetransEventOffset.pid);
  buffer.writeUInt32LE(2879306108, RetransEventOffset.seq);
  buffer.writeUInt16LE(3, RetransEventOffset.segments);
  buffer.writeUInt8(1, RetransEventOffset.state);
  buffer.writeUInt8(type, RetransEventOffset.type);
  return buffer;
}

describe('decodeRetransEvent', () => {
  it('reads a retransmit as bcc prints it: LADDR:LPORT R> RADDR:RPORT STATE', () => {
    expect(decodeRetransEvent(record(1), (ns) => Number(ns / 1_000_000n))).toEqual({
      time: 9,
      pid: 0,
      ipVersion: 4,
      laddr: '10.153.223.157',
      lport: 22,
      local: '10.153.223.157:22',
      type: 'R>',
      raddr: '69.53.245.40',
      rport: 34619,
      remote: '69.53.245.40:34619',
      state: 'ESTABLISHED',
      seq: 2879306108,
      segments: 3,
    });
  });

  it('reads a tail loss probe as L>, without a segment', () => {
    expect(decodeRetransEvent(record(2), () => 0)).toMatchObject({ type: 'L>', seq: null, segments: null });
  });
});
