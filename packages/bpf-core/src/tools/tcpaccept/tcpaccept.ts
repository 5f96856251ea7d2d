import { z } from 'zod';
import { cString, u32 } from '../../encode.js';
import { column, commColumn, ipColumn, pidColumn, timeColumn } from '../shared/columns.js';
import { endpointsAt, familyGlobal, familyParam, portsParam, setPortFilter } from '../shared/inet.js';
import type { TcpEndpoints } from '../shared/inet.js';
import type { AttachMethod, Requirement, TableToolDefinition } from '../types.js';

// Mirrors tcpaccept.h.
const TASK_COMM_LEN = 16;
/** Byte offsets of struct accept_event's fields (checked against the object's BTF in tests). */
export const AcceptEventOffset = { laddr: 0, raddr: 16, timestampNs: 32, pid: 40, lport: 44, rport: 46, family: 48, comm: 56 } as const;
export const ACCEPT_EVENT_SIZE = 72;

const tcpacceptParams = z
  .object({
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only accepts by this process, like bcc -p'),
    ports: portsParam('only these local ports, like bcc -P'),
    family: familyParam,
    time: z.boolean().default(false).describe('a TIME column (HH:MM:SS), like bcc -T'),
    timestamp: z.boolean().default(false).describe('a TIME(s) column, seconds since tracing began, like bcc -t'),
  })
  .strict();

export type TcpacceptParams = z.infer<typeof tcpacceptParams>;

export interface TcpAcceptRow extends TcpEndpoints {
  /** Wall-clock time accept returned, epoch milliseconds. */
  time: number;
  /** The same, in seconds since tracing began (bcc -t's TIME(s)). */
  seconds: number;
  pid: number;
  comm: string;
}

export function decodeAcceptEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number, session: { startedAt: number }): TcpAcceptRow {
  const time = toWallClockMs(record.readBigUInt64LE(AcceptEventOffset.timestampNs));
  return {
    time,
    seconds: (time - session.startedAt) / 1000,
    pid: record.readUInt32LE(AcceptEventOffset.pid),
    comm: cString(record, AcceptEventOffset.comm, TASK_COMM_LEN),
    ...endpointsAt(record, AcceptEventOffset),
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
    limitation: 'system calls only: connections accepted through io_uring or by the kernel itself (nfsd, ksmbd) are not seen',
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
  // bcc's "%-7d %-12.12s %-2d %-16s %-5d %-16s %-5d", after -T's "%-9s" TIME and -t's "%-9.3f" TIME(s).
  columns: [
    { ...timeColumn, whenParam: 'time' },
    { ...column<TcpAcceptRow>('TIME(s)', 'seconds', 9, 'seconds'), decimals: 3, whenParam: 'timestamp' },
    pidColumn,
    commColumn(12),
    ipColumn,
    column('RADDR', 'raddr', 16),
    column('RPORT', 'rport', 5, 'integer'),
    column('LADDR', 'laddr', 16),
    column('LPORT', 'lport', 0, 'integer'),
  ],
  configure(object, params) {
    object.setGlobal('targ_tgid', u32(params.pid ?? 0));
    object.setGlobal('targ_family', familyGlobal(params.family));
    setPortFilter(object, 'targ_ports', params.ports);
  },
  decode: decodeAcceptEvent,
};
