import { describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../testing/records.js';
import { shownColumns } from '@bpfscope/formats';
import { RETRANS_EVENT_SIZE, RetransEventOffset, decodeRetransEvent, decodeRetransFlow, tcpretrans } from './tcpretrans.js';

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

describe('tcpretrans count mode (bcc -c)', () => {
  it('makes a connection row from the count key and its three counters', () => {
    const key = writeEndpoints(
      Buffer.alloc(40),
      { laddr: 0, raddr: 16, lport: 32, rport: 34, family: 36 },
      {
        family: 2,
        laddr: [192, 168, 10, 50],
        raddr: [172, 217, 21, 194],
        lport: 60366,
        rport: 443,
      },
    );
    expect(decodeRetransFlow(key, [700, 690, 10], 8000)).toMatchObject({
      time: 8000,
      local: '192.168.10.50:60366',
      remote: '172.217.21.194:443',
      retransmits: 700,
      segments: 690,
      lossProbes: 10,
    });
  });

  it("shows bcc's headers for each mode", () => {
    const headers = (params: object) => shownColumns(tcpretrans.columns, tcpretrans.paramsSchema.parse(params)).map((column) => column.header);
    expect(headers({})).toEqual(['TIME', 'PID', 'IP', 'LADDR:LPORT', 'T>', 'RADDR:RPORT', 'STATE']);
    expect(headers({ count: true })).toEqual(['TIME', 'LADDR:LPORT', 'RADDR:RPORT', 'RETRANSMITS']);
  });
});
