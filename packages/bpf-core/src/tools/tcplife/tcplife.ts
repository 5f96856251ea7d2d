import { z } from 'zod';
import { cString, u32 } from '../../encode.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import { endpointsAt, portsParam, setPortFilter } from '../shared/inet.js';
import type { EndpointOffsets } from '../shared/inet.js';
import type { TableToolDefinition } from '../types.js';

// Mirrors tcplife.h.
const TASK_COMM_LEN = 16;
/** Byte offsets of struct tcp_session_event's fields (checked against the object's BTF in tests). */
export const TcpSessionEventOffset = {
  localAddr: 0,
  remoteAddr: 16,
  timestampNs: 32,
  durationNs: 40,
  rxBytes: 48,
  txBytes: 56,
  pid: 64,
  localPort: 68,
  remotePort: 70,
  family: 72,
  comm: 80,
} as const;
export const TCP_SESSION_EVENT_SIZE = 96;

const tcplifeParams = z
  .object({
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only sessions owned by this process'),
    localPorts: portsParam('only these local ports, like bcc -L'),
    remotePorts: portsParam('only these remote ports, like bcc -D'),
  })
  .strict();

export type TcplifeParams = z.infer<typeof tcplifeParams>;

export interface TcpSessionRow {
  /** Wall-clock time the session closed, epoch milliseconds. */
  time: number;
  pid: number;
  comm: string;
  ipVersion: 4 | 6;
  laddr: string;
  lport: number;
  raddr: string;
  rport: number;
  txBytes: number;
  rxBytes: number;
  /** Session lifetime in milliseconds. */
  ms: number;
}

const endpointOffsets: EndpointOffsets = {
  laddr: TcpSessionEventOffset.localAddr,
  raddr: TcpSessionEventOffset.remoteAddr,
  lport: TcpSessionEventOffset.localPort,
  rport: TcpSessionEventOffset.remotePort,
  family: TcpSessionEventOffset.family,
};

export function decodeTcpSessionEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): TcpSessionRow {
  return {
    time: toWallClockMs(record.readBigUInt64LE(TcpSessionEventOffset.timestampNs)),
    pid: record.readUInt32LE(TcpSessionEventOffset.pid),
    comm: cString(record, TcpSessionEventOffset.comm, TASK_COMM_LEN),
    ...endpointsAt(record, endpointOffsets),
    txBytes: Number(record.readBigUInt64LE(TcpSessionEventOffset.txBytes)),
    rxBytes: Number(record.readBigUInt64LE(TcpSessionEventOffset.rxBytes)),
    ms: Number(record.readBigUInt64LE(TcpSessionEventOffset.durationNs)) / 1e6,
  };
}

export const tcplife: TableToolDefinition<TcplifeParams, TcpSessionRow> = {
  name: 'tcplife',
  title: 'TCP session life',
  description: 'Every TCP session when it closes: owner, addresses, bytes each way and duration',
  category: 'network',
  outputKind: 'table',
  objectFile: 'tcplife.bpf.o',
  structs: [{ struct: 'tcp_session_event', offsets: TcpSessionEventOffset, size: TCP_SESSION_EVENT_SIZE }],
  paramsSchema: tcplifeParams,
  attachMethods: tracepointAttachMethods({ programs: ['tcplife'], tracepoints: ['sock:inet_sock_set_state'], fallback: 'tracepoint' }),
  ringBufferMap: 'events',
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
    { header: 'COMM', key: 'comm', width: 16, display: 'text', align: 'left' },
    { header: 'LADDR', key: 'laddr', width: 15, display: 'text', align: 'left' },
    { header: 'LPORT', key: 'lport', width: 5, display: 'integer', align: 'left' },
    { header: 'RADDR', key: 'raddr', width: 15, display: 'text', align: 'left' },
    { header: 'RPORT', key: 'rport', width: 5, display: 'integer', align: 'left' },
    { header: 'TX_KB', key: 'txBytes', width: 5, display: 'kilobytes', align: 'right', unit: 'KB' },
    { header: 'RX_KB', key: 'rxBytes', width: 5, display: 'kilobytes', align: 'right', unit: 'KB' },
    { header: 'MS', key: 'ms', width: 0, display: 'milliseconds', align: 'left', unit: 'ms' },
  ],
  configure(object, params) {
    object.setGlobal('targ_pid', u32(params.pid ?? 0));
    setPortFilter(object, 'targ_local_ports', params.localPorts);
    setPortFilter(object, 'targ_remote_ports', params.remotePorts);
  },
  decode: decodeTcpSessionEvent,
  // The MS column as a heat map: how long sessions lived, binned like the kernel's log2.
  histogram: { source: 'rows', measure: 'TCP session duration', unit: 'usecs', valueOf: (row) => row.ms * 1000, rows: { column: 'ms', everyEvent: true } },
};
