import { z } from 'zod';
import { cString, u32 } from '../../encode.js';
import { addressAt, familyGlobal, familyParam, ipVersion, portsParam, setPortFilter } from '../shared/inet.js';
import type { AttachMethod, Requirement, TableToolDefinition } from '../types.js';

// Mirrors tcpaccept.h.
const TASK_COMM_LEN = 16;
/** Byte offsets of struct accept_event's fields (checked against the object's BTF in tests). */
export const AcceptEventOffset = {
  laddr: 0,
  raddr: 16,
  timestampNs: 32,
  pid: 40,
  lport: 44,
  rport: 46,
  family: 48,
  comm: 56,
} as const;
export const ACCEPT_EVENT_SIZE = 72;

const tcpacceptParams = z
  .object({
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only accepts by this process, like bcc -p'),
    ports: portsParam('only these local ports, like bcc -P'),
    family: familyParam,
  })
  .strict();

export type TcpacceptParams = z.infer<typeof tcpacceptParams>;

export interface TcpAcceptRow {
  /** Wall-clock time accept returned, epoch milliseconds. */
  time: number;
  pid: number;
  comm: string;
  ipVersion: 4 | 6;
  raddr: string;
  rport: number;
  laddr: string;
  lport: number;
}

export function decodeAcceptEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): TcpAcceptRow {
  const family = record.readUInt16LE(AcceptEventOffset.family);
  return {
    time: toWallClockMs(record.readBigUInt64LE(AcceptEventOffset.timestampNs)),
    pid: record.readUInt32LE(AcceptEventOffset.pid),
    comm: cString(record, AcceptEventOffset.comm, TASK_COMM_LEN),
    ipVersion: ipVersion(family),
    raddr: addressAt(record, AcceptEventOffset.raddr, family),
    rport: record.readUInt16LE(AcceptEventOffset.rport),
    laddr: addressAt(record, AcceptEventOffset.laddr, family),
    lport: record.readUInt16LE(AcceptEventOffset.lport),
  };
}

const acceptFunction: Requirement = { kind: 'kernelFunction', name: 'inet_csk_accept' };
const syscalls = ['accept', 'accept4'] as const;

const attachMethods: readonly AttachMethod[] = [
  { name: 'fentry', programs: ['tcpaccept_fexit'], requires: [{ kind: 'feature', feature: 'fentry' }, acceptFunction] },
  { name: 'kprobe', programs: ['tcpaccept_kretprobe'], requires: [{ kind: 'feature', feature: 'kprobe' }, acceptFunction] },
  {
    name: 'tracepoint',
    programs: syscalls.map((name) => `tcpaccept_exit_${name}`),
    requires: [
      { kind: 'feature', feature: 'tracepoint' },
      ...syscalls.map((name): Requirement => ({ kind: 'tracepoint', category: 'syscalls', name: `sys_exit_${name}` })),
    ],
  },
];

export const tcpaccept: TableToolDefinition<TcpacceptParams, TcpAcceptRow> = {
  name: 'tcpaccept',
  title: 'TCP accepts',
  description: 'Every TCP connection accepted (passive open), attributed to the process that accepted it',
  howItWorks:
    'fexit (else kretprobe, as bcc) on inet_csk_accept, the TCP accept of every caller; else the accept and accept4 syscall exit tracepoints, ' +
    'turning the returned descriptor into its socket through the task\u2019s file table. Those see system calls only: connections accepted ' +
    'through io_uring or by the kernel itself (nfsd, ksmbd) are missed. Connections accepted by a dual-stack (::) listener are IP 6 with ' +
    'v4-mapped addresses, as bcc prints them.',
  category: 'network',
  outputKind: 'table',
  objectFile: 'tcpaccept.bpf.o',
  structs: [{ struct: 'accept_event', offsets: AcceptEventOffset, size: ACCEPT_EVENT_SIZE }],
  paramsSchema: tcpacceptParams,
  attachMethods,
  ringBufferMap: 'events',
  // bcc's "%-7d %-12.12s %-2d %-16s %-5d %-16s %-5d", with -T's "%-9s" TIME first.
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
    { header: 'COMM', key: 'comm', width: 12, display: 'text', align: 'left' },
    { header: 'IP', key: 'ipVersion', width: 2, display: 'integer', align: 'left' },
    { header: 'RADDR', key: 'raddr', width: 16, display: 'text', align: 'left' },
    { header: 'RPORT', key: 'rport', width: 5, display: 'integer', align: 'left' },
    { header: 'LADDR', key: 'laddr', width: 16, display: 'text', align: 'left' },
    { header: 'LPORT', key: 'lport', width: 0, display: 'integer', align: 'left' },
  ],
  configure(object, params) {
    object.setGlobal('targ_tgid', u32(params.pid ?? 0));
    object.setGlobal('targ_family', familyGlobal(params.family));
    setPortFilter(object, 'targ_ports', params.ports);
  },
  decode: decodeAcceptEvent,
};
