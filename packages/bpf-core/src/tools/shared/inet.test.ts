import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, errnoName, familyGlobal, formatAddress, ipVersion, tcpStateName } from './inet.js';

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

describe('bcc names', () => {
  it('names TCP states as tcp.state2str does', () => {
    expect([1, 2, 4, 7, 10, 12].map(tcpStateName)).toEqual(['ESTABLISHED', 'SYN_SENT', 'FIN_WAIT1', 'CLOSE', 'LISTEN', 'NEW_SYN_RECV']);
    expect(tcpStateName(99)).toBe('UNKNOWN(99)');
  });

  it('names errnos as the C library does', () => {
    expect([111, 110, 113, 101].map(errnoName)).toEqual(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
    expect(errnoName(4095)).toBe('errno 4095');
  });

  it('maps families to the IP column and to targ_family', () => {
    expect([ipVersion(AF_INET), ipVersion(AF_INET6)]).toEqual([4, 6]);
    expect([familyGlobal(undefined), familyGlobal('ipv4'), familyGlobal('ipv6')].map((buffer) => buffer.readUInt16LE(0))).toEqual([0, AF_INET, AF_INET6]);
  });
});
