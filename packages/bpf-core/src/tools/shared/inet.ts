// What the TCP tools share on the user side: addresses as text, TCP states and
// errno names as bcc prints them, and the params for bcc's port and family filters.
import os from 'node:os';
import { z } from 'zod';
import { u16Array, u32 } from '../../encode.js';
import type { BpfObject } from '../../bpfObject.js';

export const AF_INET = 2;
export const AF_INET6 = 10;

/** Text form of an address from the kernel (IPv6 compressed as RFC 5952 asks). */
export function formatAddress(bytes: Buffer, family: number): string {
  if (family === AF_INET) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  if (groups.slice(0, 6).every((group, i) => group === (i === 5 ? 0xffff : 0))) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  // Longest run (≥ 2) of zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The address at `offset` (16 bytes, IPv4 in the first 4) of a record. */
function addressAt(record: Buffer, offset: number, family: number): string {
  return formatAddress(record.subarray(offset, offset + 16), family);
}

/** bcc's IP column. */
export function ipVersion(family: number): 4 | 6 {
  return family === AF_INET6 ? 6 : 4;
}

/** A socket's two ends, as every TCP tool's rows carry them. */
export interface TcpEndpoints {
  ipVersion: 4 | 6;
  laddr: string;
  lport: number;
  raddr: string;
  rport: number;
}

/** Where an event keeps them (inet.bpf.h's sock_addresses): 16-byte addresses, u16 host-order ports, u16 family. */
export interface EndpointOffsets {
  laddr: number;
  raddr: number;
  lport: number;
  rport: number;
  family: number;
}

/** A flow's two addresses (as a count mode keys them) and bcc's IP column. */
export function addressesAt(record: Buffer, offsets: Pick<EndpointOffsets, 'laddr' | 'raddr' | 'family'>): Pick<TcpEndpoints, 'ipVersion' | 'laddr' | 'raddr'> {
  const family = record.readUInt16LE(offsets.family);
  return { ipVersion: ipVersion(family), laddr: addressAt(record, offsets.laddr, family), raddr: addressAt(record, offsets.raddr, family) };
}

export function endpointsAt(record: Buffer, offsets: EndpointOffsets): TcpEndpoints {
  return { ...addressesAt(record, offsets), lport: record.readUInt16LE(offsets.lport), rport: record.readUInt16LE(offsets.rport) };
}

/** TCP states by number (include/net/tcp_states.h), as bcc's tcp.state2str names them. */
const tcpStates = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'BOUND_INACTIVE',
] as const;

export function tcpStateName(state: number): string {
  return tcpStates[state] || `UNKNOWN(${state})`;
}

const errnoNames = new Map(Object.entries(os.constants.errno).map(([name, value]) => [value, name]));

/** ECONNREFUSED for 111: the kernel's errno by the name the C library gives it. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export const MAX_PORT_FILTERS = 8;
const port = z.number().int().min(1).max(65535);

/** A list of up to MAX_PORT_FILTERS ports, checked in the kernel (inet.bpf.h's port_listed). */
export function portsParam(description: string) {
  return z.array(port).min(1).max(MAX_PORT_FILTERS).optional().describe(description);
}

/** bcc's -4 / -6. */
export const familyParam = z.enum(['ipv4', 'ipv6']).optional().describe('only this address family, like bcc -4 or -6');

export type FamilyParam = z.infer<typeof familyParam>;

/** targ_family: AF_INET, AF_INET6, or 0 for both. */
export function familyGlobal(family: FamilyParam): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(family === 'ipv4' ? AF_INET : family === 'ipv6' ? AF_INET6 : 0);
  return buffer;
}

/** Sets a port filter pair: `<name>` (u16[MAX_PORT_FILTERS]) and `<name minus 's'>_count`. */
export function setPortFilter(object: BpfObject, global: string, ports: readonly number[] | undefined): void {
  object.setGlobal(global, u16Array(ports ?? [], MAX_PORT_FILTERS));
  object.setGlobal(`${global.replace(/s$/, '')}_count`, u32(ports?.length ?? 0));
}
