import { z } from 'zod';
import { u8 } from '../../encode.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import { leaveOut } from '../shared/optionalPrograms.js';
import { countModeConflicts, countModeRows, countParams } from '../shared/countMode.js';
import { column, ipColumn, pidColumn, timeColumn } from '../shared/columns.js';
import { endpointsAt, familyGlobal, familyParam, tcpStateName } from '../shared/inet.js';
import type { TcpEndpoints } from '../shared/inet.js';
import type { AttachMethod, Requirement, TableColumn, TableToolDefinition } from '../types.js';

// Mirrors tcpretrans.h.
const RETRANS_TYPE_LOSS_PROBE = 2;
/** Byte offsets of struct retrans_event's fields (checked against the object's BTF in tests). */
export const RetransEventOffset = {
  laddr: 0,
  raddr: 16,
  timestampNs: 32,
  pid: 40,
  seq: 44,
  lport: 48,
  rport: 50,
  family: 52,
  segments: 54,
  state: 56,
  type: 57,
} as const;
export const RETRANS_EVENT_SIZE = 64;

/** struct retrans_flow, the key of the count mode's map (its value: struct retrans_count, three u64). */
const RetransFlowOffset = { laddr: 0, raddr: 16, lport: 32, rport: 34, family: 36 } as const;
const RETRANS_FLOW_SIZE = 40;
const RetransCountOffset = { retransmits: 0, segments: 8, lossProbes: 16 } as const;
const RETRANS_COUNT_SIZE = 24;

const tcpretransParams = z
  .object({
    lossProbes: z
      .boolean()
      .default(false)
      .describe('also show tail loss probe attempts (L>), like bcc -l; they need fentry or a kprobe: without them, retransmits only'),
    family: familyParam,
    ...countParams,
  })
  .strict()
  .superRefine(countModeConflicts([]));

export type TcpretransParams = z.infer<typeof tcpretransParams>;

export interface TcpRetransRow extends TcpEndpoints {
  /** Wall-clock time of the retransmit, epoch milliseconds. */
  time: number;
  /** The task on CPU: mostly 0, as retransmits run from timers and softirqs. */
  pid: number;
  /** LADDR:LPORT as bcc prints it. */
  local: string;
  /** R> a retransmitted segment, L> a tail loss probe attempt. */
  type: 'R>' | 'L>';
  /** RADDR:RPORT as bcc prints it. */
  remote: string;
  state: string;
  /** First sequence number of the segment (bcc -s); null for a loss probe. */
  seq: number | null;
  /** Segments in the retransmitted skb (tcp_skb_pcount(), what RetransSegs adds); null for a loss probe. */
  segments: number | null;
}

/** Count mode (bcc -c): retransmits of a connection in the interval that ends at `time`. */
export interface TcpRetransCountRow extends TcpEndpoints {
  time: number;
  local: string;
  remote: string;
  /** R> and L> events, as bcc -c counts them. */
  retransmits: number;
  /** Segments the R> ones resent (what RetransSegs adds up). */
  segments: number;
  lossProbes: number;
}

export function decodeRetransFlow(key: Buffer, counts: readonly number[], time: number): TcpRetransCountRow {
  const endpoints = endpointsAt(key, RetransFlowOffset);
  const [retransmits = 0, segments = 0, lossProbes = 0] = counts;
  return { time, ...endpoints, ...joinedEndpoints(endpoints), retransmits, segments, lossProbes };
}

/** LADDR:LPORT and RADDR:RPORT as bcc prints them. */
function joinedEndpoints(endpoints: TcpEndpoints): { local: string; remote: string } {
  return { local: `${endpoints.laddr}:${endpoints.lport}`, remote: `${endpoints.raddr}:${endpoints.rport}` };
}

export function decodeRetransEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): TcpRetransRow {
  const lossProbe = record.readUInt8(RetransEventOffset.type) === RETRANS_TYPE_LOSS_PROBE;
  const endpoints = endpointsAt(record, RetransEventOffset);
  return {
    time: toWallClockMs(record.readBigUInt64LE(RetransEventOffset.timestampNs)),
    pid: record.readUInt32LE(RetransEventOffset.pid),
    ...endpoints,
    ...joinedEndpoints(endpoints),
    type: lossProbe ? 'L>' : 'R>',
    state: tcpStateName(record.readUInt8(RetransEventOffset.state)),
    seq: lossProbe ? null : record.readUInt32LE(RetransEventOffset.seq),
    segments: lossProbe ? null : record.readUInt16LE(RetransEventOffset.segments),
  };
}

const retransmitTracepoint: Requirement = { kind: 'tracepoint', category: 'tcp', name: 'tcp_retransmit_skb' };
const lossProbeFunction: Requirement = { kind: 'kernelFunction', name: 'tcp_send_loss_probe' };
const lossProbePrograms = new Set(['tcpretrans_loss_probe_fentry', 'tcpretrans_loss_probe_kprobe']);

// Retransmits always come from the tracepoint; fentry and kprobe add tail loss probes, which have none.
const attachMethods: readonly AttachMethod[] = [
  {
    name: 'fentry',
    programs: ['tcpretrans_btf', 'tcpretrans_loss_probe_fentry'],
    requires: [{ kind: 'feature', feature: 'fentry' }, { kind: 'feature', feature: 'tpBtf' }, lossProbeFunction, retransmitTracepoint],
  },
  {
    name: 'kprobe',
    programs: ['tcpretrans_tracepoint', 'tcpretrans_loss_probe_kprobe'],
    requires: [{ kind: 'feature', feature: 'kprobe' }, { kind: 'feature', feature: 'tracepoint' }, lossProbeFunction, retransmitTracepoint],
  },
  ...tracepointAttachMethods({ programs: ['tcpretrans'], tracepoints: ['tcp:tcp_retransmit_skb'], fallback: 'tracepoint' }).map((method) => ({
    ...method,
    limitation:
      'no tail loss probes (lossProbes, bcc -l): tcp_send_loss_probe has no tracepoint and needs fentry or a kprobe, so -l shows ' +
      'no L> rows; a probe that resends data is still an R> row',
  })),
];

const columns: TableColumn<TcpRetransRow & TcpRetransCountRow>[] = [
  timeColumn,
  { ...pidColumn, whenParam: '!count' },
  { ...ipColumn, whenParam: '!count' },
  column('LADDR:LPORT', 'local', 20),
  { ...column('T>', 'type', 2), whenParam: '!count' },
  column('RADDR:RPORT', 'remote', 20),
  { ...column('STATE', 'state', 0), whenParam: '!count' },
  { ...column('RETRANSMITS', 'retransmits', 0, 'integer'), whenParam: 'count' },
];

export const tcpretrans: TableToolDefinition<TcpretransParams, TcpRetransRow | TcpRetransCountRow> = {
  name: 'tcpretrans',
  title: 'TCP retransmits',
  description: 'Every TCP retransmit with its connection and state, and tail loss probes on request',
  howItWorks:
    'Retransmits from the tcp:tcp_retransmit_skb tracepoint (tp_btf, else the classic tracepoint) with every method: one row per ' +
    'retransmitted skb, whose segments (what RetransSegs adds up) are in each row; attempts that sent nothing (kernel 6.17 and later report ' +
    'them with an error) are left out, SYN-ACK retransmits are not shown, as in bcc. Tail loss probes (lossProbes, bcc -l) have no ' +
    'tracepoint: they need fentry, else a kprobe, on tcp_send_loss_probe; with tp_btf or tracepoint only, the tool runs without L> rows ' +
    'and its header says so. A probe that resends data calls __tcp_retransmit_skb, where the tracepoint and RetransSegs both are on every ' +
    'kernel with the tracepoint (4.15 on; 6.17 kept it there and added the failed attempts): it is also an R> row, and R> rows add up to ' +
    'RetransSegs. PID is whoever was on CPU: mostly 0, the kernel\u2019s timers and softirqs. ' +
    'Count mode (bcc -c) counts R> and L> per connection, as bcc, each interval; each row also carries the segments resent.',
  category: 'network',
  outputKind: 'table',
  objectFile: 'tcpretrans.bpf.o',
  structs: [
    { struct: 'retrans_event', offsets: RetransEventOffset, size: RETRANS_EVENT_SIZE },
    { struct: 'retrans_flow', offsets: RetransFlowOffset, size: RETRANS_FLOW_SIZE },
    { struct: 'retrans_count', offsets: RetransCountOffset, size: RETRANS_COUNT_SIZE },
  ],
  paramsSchema: tcpretransParams,
  attachMethods,
  ringBufferMap: 'events',
  // bcc's "%-8s %-7d %-2d %-20s %1s> %-20s %s"; count mode (-c): "%-20s <-> %-20s %10d", on each interval's TIME.
  columns: columns as TableColumn<TcpRetransRow | TcpRetransCountRow>[],
  configure(object, params) {
    object.setGlobal('targ_family', familyGlobal(params.family));
    object.setGlobal('targ_count', u8(params.count));
    // Without fentry and kprobes, -l still runs: retransmits only, as the method's limitation says in the header.
    if (!params.lossProbes) leaveOut(object, (name) => lossProbePrograms.has(name));
  },
  decode: decodeRetransEvent,
  intervalRows: countModeRows(decodeRetransFlow),
};
