import { z } from 'zod';
import { cString, u32, u8 } from '../../encode.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import { column, commColumn, ipColumn, pidColumn, timeColumn } from '../shared/columns.js';
import { countModeConflicts, countModeRows, countParams } from '../shared/countMode.js';
import { addressesAt, endpointsAt, errnoName, familyGlobal, familyParam, portsParam, setPortFilter } from '../shared/inet.js';
import type { TcpEndpoints } from '../shared/inet.js';
import type { AttachMethod, Requirement, TableColumn, TableToolDefinition } from '../types.js';

// Mirrors tcpconnect.h.
const TASK_COMM_LEN = 16;
const NO_UID_FILTER = 0xffffffff;
const CONNECT_ESTABLISHED = 0;
const CONNECT_FAILED = 1;
/** Byte offsets of struct connect_event's fields (checked against the object's BTF in tests). */
export const ConnectEventOffset = {
  laddr: 0,
  raddr: 16,
  timestampNs: 32,
  outcomeNs: 40,
  pid: 48,
  uid: 52,
  lport: 56,
  rport: 58,
  family: 60,
  outcome: 62,
  error: 64,
  comm: 72,
} as const;
export const CONNECT_EVENT_SIZE = 88;

/** struct connect_flow, the key of the count mode's map. */
const ConnectFlowOffset = { laddr: 0, raddr: 16, rport: 32, family: 34 } as const;
const CONNECT_FLOW_SIZE = 36;

const tcpconnectParams = z
  .object({
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only connects by this process, like bcc -p'),
    uid: z.number().int().min(0).max(0xfffffffe).optional().describe('only connects by this user id, like bcc -u'),
    ports: portsParam('only these destination ports, like bcc -P'),
    family: familyParam,
    timestamp: z.boolean().default(false).describe('a TIME(s) column, seconds since tracing began, like bcc -t'),
    printUid: z.boolean().default(false).describe('a UID column, like bcc -U'),
    lport: z.boolean().default(false).describe('an LPORT column, like bcc -L'),
    ...countParams,
  })
  .strict()
  .superRefine(countModeConflicts(['timestamp', 'printUid', 'lport']));

export type TcpconnectParams = z.infer<typeof tcpconnectParams>;

/** OK (established), the errno the kernel gave up with (ECONNREFUSED, ETIMEDOUT...), or CLOSED before an answer. */
export type ConnectResult = string;

/** laddr, lport, raddr and rport are bcc's SADDR, LPORT, DADDR and DPORT. */
export interface TcpConnectRow extends TcpEndpoints {
  /** Wall-clock time the SYN was sent (connect()), epoch milliseconds. */
  time: number;
  /** The same, in seconds since tracing began (bcc -t's TIME(s)). */
  seconds: number;
  uid: number;
  pid: number;
  comm: string;
  result: ConnectResult;
  /** sk_err when the attempt failed, else 0. */
  errno: number;
  /** From the SYN to the outcome, milliseconds. */
  ms: number;
}

/** Count mode (bcc -c): connects of a flow in the interval that ends at `time`, counted as they ended. */
export interface TcpConnectCountRow extends Pick<TcpEndpoints, 'ipVersion' | 'laddr' | 'raddr'> {
  time: number;
  rport: number;
  connects: number;
}

function connectResult(outcome: number, errno: number): ConnectResult {
  if (outcome === CONNECT_ESTABLISHED) return 'OK';
  if (outcome === CONNECT_FAILED) return errnoName(errno);
  return 'CLOSED';
}

export function decodeConnectEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number, session: { startedAt: number }): TcpConnectRow {
  const startedNs = record.readBigUInt64LE(ConnectEventOffset.timestampNs);
  const errno = record.readUInt32LE(ConnectEventOffset.error);
  const time = toWallClockMs(startedNs);
  return {
    time,
    seconds: (time - session.startedAt) / 1000,
    uid: record.readUInt32LE(ConnectEventOffset.uid),
    pid: record.readUInt32LE(ConnectEventOffset.pid),
    comm: cString(record, ConnectEventOffset.comm, TASK_COMM_LEN),
    ...endpointsAt(record, ConnectEventOffset),
    result: connectResult(record.readUInt16LE(ConnectEventOffset.outcome), errno),
    errno,
    ms: Number(record.readBigUInt64LE(ConnectEventOffset.outcomeNs) - startedNs) / 1e6,
  };
}

export function decodeConnectFlow(key: Buffer, counts: readonly number[], time: number): TcpConnectCountRow {
  return { time, ...addressesAt(key, ConnectFlowOffset), rport: key.readUInt16LE(ConnectFlowOffset.rport), connects: counts[0] ?? 0 };
}

const stateTracepoint: Requirement = { kind: 'tracepoint', category: 'sock', name: 'inet_sock_set_state' };
const connectFunctions: Requirement[] = [
  { kind: 'kernelFunction', name: 'tcp_v4_connect' },
  { kind: 'kernelFunction', name: 'tcp_v6_connect' },
];

const connectHooks = new Set(['tcpconnect_v4_fexit', 'tcpconnect_v6_fexit', 'tcpconnect_v4_kretprobe', 'tcpconnect_v6_kretprobe']);

// Every method takes the outcome from inet_sock_set_state; fentry and kprobe take the owner as bcc does.
const attachMethods: readonly AttachMethod[] = [
  {
    name: 'fentry',
    programs: ['tcpconnect_v4_fexit', 'tcpconnect_v6_fexit', 'tcpconnect_btf'],
    requires: [{ kind: 'feature', feature: 'fentry' }, { kind: 'feature', feature: 'tpBtf' }, ...connectFunctions, stateTracepoint],
  },
  {
    name: 'kprobe',
    programs: ['tcpconnect_v4_kprobe', 'tcpconnect_v4_kretprobe', 'tcpconnect_v6_kprobe', 'tcpconnect_v6_kretprobe', 'tcpconnect_tracepoint'],
    requires: [{ kind: 'feature', feature: 'kprobe' }, { kind: 'feature', feature: 'tracepoint' }, ...connectFunctions, stateTracepoint],
  },
  ...tracepointAttachMethods({ programs: ['tcpconnect'], tracepoints: ['sock:inet_sock_set_state'], fallback: 'tracepoint' }),
];

const columns: TableColumn<TcpConnectRow & TcpConnectCountRow>[] = [
  { ...timeColumn, whenParam: 'count' },
  { ...column('TIME(s)', 'seconds', 9, 'seconds'), decimals: 3, whenParam: 'timestamp' },
  { ...column('UID', 'uid', 6, 'integer'), whenParam: 'printUid' },
  { ...pidColumn, whenParam: '!count' },
  { ...commColumn(12), whenParam: '!count' },
  { ...ipColumn, whenParam: '!count' },
  { ...column('SADDR', 'laddr', 16), whenParam: '!count' },
  { ...column('LPORT', 'lport', 6, 'integer'), whenParam: 'lport' },
  { ...column('DADDR', 'raddr', 16), whenParam: '!count' },
  { ...column('DPORT', 'rport', 6, 'integer'), whenParam: '!count' },
  { ...column('RESULT', 'result', 0), whenParam: '!count' },
  { ...column('LADDR', 'laddr', 25), whenParam: 'count' },
  { ...column('RADDR', 'raddr', 25), whenParam: 'count' },
  { ...column('RPORT', 'rport', 20, 'integer'), whenParam: 'count' },
  { ...column('CONNECTS', 'connects', 0, 'integer'), whenParam: 'count' },
];

export const tcpconnect: TableToolDefinition<TcpconnectParams, TcpConnectRow | TcpConnectCountRow> = {
  name: 'tcpconnect',
  title: 'TCP connects',
  description: 'Every outgoing TCP connection attempt (active open): who made it, from and to where, and how it ended, refused and timed out included',
  howItWorks:
    'Owner from fexit (else kretprobe) on tcp_v4_connect/tcp_v6_connect as bcc, else from the socket entering SYN_SENT in sock:inet_sock_set_state, ' +
    'which tcp_v4_connect and tcp_v6_connect do in the caller\u2019s context: every method attributes alike. Unlike bcc, a row is shown when the ' +
    'attempt ends, with RESULT: OK (established), the error the kernel gave up with (ECONNREFUSED on a reset, ETIMEDOUT when the SYN retries ran ' +
    'out, about 2 minutes by default, EHOSTUNREACH...), or CLOSED (the socket was closed before any answer, such as by the program\u2019s own ' +
    'timeout); TIME(s) is when the SYN was sent. connect() calls that fail before a SYN (no route, no free local port) are not shown, as in bcc. ' +
    'Count mode (bcc -c) counts attempts per flow as they end, each interval. A v4-mapped IPv6 socket is IP 6 with ::ffff: addresses ' +
    '(bcc prints it as IP 4).',
  category: 'network',
  outputKind: 'table',
  objectFile: 'tcpconnect.bpf.o',
  structs: [
    { struct: 'connect_event', offsets: ConnectEventOffset, size: CONNECT_EVENT_SIZE },
    { struct: 'connect_flow', offsets: ConnectFlowOffset, size: CONNECT_FLOW_SIZE },
  ],
  paramsSchema: tcpconnectParams,
  attachMethods,
  ringBufferMap: 'events',
  // bcc's "%-6d" UID (-U), then "%-7d %-12.12s %-2d %-16s %-6d %-16s %-6d" with -L.
  // Event mode: bcc's "%-9.3f" TIME(s) (-t), "%-6d" UID (-U), then "%-7d %-12.12s %-2d %-16s %-6d %-16s %-6d" with LPORT (-L);
  // count mode (-c): "%-25s %-25s %-20s %-10s", on each interval's TIME.
  columns: columns as TableColumn<TcpConnectRow | TcpConnectCountRow>[],
  configure(object, params) {
    object.setGlobal('targ_tgid', u32(params.pid ?? 0));
    object.setGlobal('targ_uid', u32(params.uid ?? NO_UID_FILTER));
    object.setGlobal('targ_family', familyGlobal(params.family));
    setPortFilter(object, 'targ_ports', params.ports);
    object.setGlobal('targ_count', u8(params.count));
    const hooked = object.selectedPrograms().some((name) => connectHooks.has(name));
    object.setGlobal('targ_owner_at_syn_sent', u8(!hooked));
  },
  decode: decodeConnectEvent,
  intervalRows: countModeRows(decodeConnectFlow),
};
