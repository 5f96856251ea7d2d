import { z } from 'zod';
import { cString, u32, u64, u8 } from '../../encode.js';
import { histogramStruct } from '../../histogram.js';
import { blockDeviceName, diskParam, diskTargetDev } from '../shared/blockDevices.js';
import { cgroupTargetId } from '../shared/cgroups.js';
import { leaveOutUnsupported } from '../shared/optionalPrograms.js';
import type { AttachMethod, Requirement, TableToolDefinition } from '../types.js';

// Mirrors biosnoop.h.
const TASK_COMM_LEN = 16;
const QUEUED_UNKNOWN = 0xffffffffffffffffn;
const BIO_FLAG_PREFLUSH = 1;
const BIO_FLAG_FUA = 2;
const BIO_FLAG_RAHEAD = 4;
const BIO_FLAG_SYNC = 8;
const BIO_FLAG_META = 16;
/** Byte offsets of struct bio_event's fields (checked against the object's BTF in tests). */
export const BioEventOffset = {
  timestampNs: 0,
  latencyNs: 8,
  queuedNs: 16,
  sector: 24,
  bytes: 32,
  pid: 36,
  dev: 40,
  op: 44,
  flags: 46,
  comm: 48,
} as const;
export const BIO_EVENT_SIZE = 64;
const BiosnoopKeyOffset = { dev: 0 } as const;

/** REQ_OP_* values (include/linux/blk_types.h). */
const REQ_OP_READ = 0;
const REQ_OP_WRITE = 1;
const REQ_OP_FLUSH = 2;
const REQ_OP_DISCARD = 3;
const REQ_OP_SECURE_ERASE = 5;

/** bcc's T column: the kernel's rwbs letters (blk_fill_rwbs) of the operation and flags. */
export function rwbs(op: number, flags: number): string {
  let text = flags & BIO_FLAG_PREFLUSH ? 'F' : '';
  switch (op) {
    case REQ_OP_WRITE:
      text += 'W';
      break;
    case REQ_OP_DISCARD:
      text += 'D';
      break;
    case REQ_OP_SECURE_ERASE:
      text += 'DE';
      break;
    case REQ_OP_FLUSH:
      text += 'F';
      break;
    case REQ_OP_READ:
      text += 'R';
      break;
    default:
      text += 'N';
  }
  if (flags & BIO_FLAG_FUA) text += 'F';
  if (flags & BIO_FLAG_RAHEAD) text += 'A';
  if (flags & BIO_FLAG_SYNC) text += 'S';
  if (flags & BIO_FLAG_META) text += 'M';
  return text;
}

export const biosnoopParams = z
  .object({
    queued: z.boolean().default(false).describe('a QUE(ms) column: time queued in the I/O scheduler before issue, like bcc -Q'),
    disk: diskParam('only this disk (name as in /sys/block), like bcc -d'),
    minMs: z
      .number()
      .min(0)
      .max(3_600_000)
      .default(0)
      .describe('only requests taking at least this many milliseconds go to the table, like bcc -m; the heat map counts all'),
    cgroup: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('only requests submitted from this cgroup v2 (a path, absolute or under the cgroup2 mount), like bcc -c'),
  })
  .strict();

export type BiosnoopParams = z.infer<typeof biosnoopParams>;

export interface BlockIoRow {
  /** Wall-clock time the request completed, epoch milliseconds. */
  time: number;
  /** Seconds from the start of tracing to the completion, bcc's TIME(s). */
  seconds: number;
  comm: string;
  /** The process that submitted it; 0 (COMM '?') when it was not seen. */
  pid: number;
  disk: string;
  /** bcc's T: rwbs letters (R, W, WS, FWS, RA...). */
  type: string;
  sector: number;
  bytes: number;
  /** Insertion into the I/O scheduler to issue, ms: 0 for a disk without a scheduler, null when the insertion was not seen. */
  queuedMs: number | null;
  /** Issue to completion, ms. */
  latencyMs: number;
}

export function decodeBioEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number, session: { startedAt: number }): BlockIoRow {
  const time = toWallClockMs(record.readBigUInt64LE(BioEventOffset.timestampNs));
  const queuedNs = record.readBigUInt64LE(BioEventOffset.queuedNs);
  const pid = record.readUInt32LE(BioEventOffset.pid);
  return {
    time,
    seconds: Math.max(0, time - session.startedAt) / 1000,
    comm: pid === 0 ? '?' : cString(record, BioEventOffset.comm, TASK_COMM_LEN),
    pid,
    disk: blockDeviceName(record.readUInt32LE(BioEventOffset.dev)),
    type: rwbs(record.readUInt16LE(BioEventOffset.op), record.readUInt16LE(BioEventOffset.flags)),
    sector: Number(record.readBigUInt64LE(BioEventOffset.sector)),
    bytes: record.readUInt32LE(BioEventOffset.bytes),
    queuedMs: queuedNs === QUEUED_UNKNOWN ? null : Number(queuedNs) / 1e6,
    latencyMs: Number(record.readBigUInt64LE(BioEventOffset.latencyNs)) / 1e6,
  };
}

const requestTracepoints: Requirement[] = ['block_rq_issue', 'block_rq_complete'].map((name) => ({ kind: 'tracepoint', category: 'block', name }));
const requestPrograms = (suffix: '_btf' | '_raw') => ['biosnoop_insert', 'biosnoop_issue', 'biosnoop_complete'].map((name) => name + suffix);
const ioStart: Requirement = { kind: 'tracepoint', category: 'block', name: 'block_io_start' };
const accountStart: Requirement = { kind: 'kernelFunction', name: 'blk_account_io_start' };

const attachMethods: readonly AttachMethod[] = [
  // The process where the kernel accounts the request as started (6.5+), as libbpf-tools prefers.
  {
    name: 'tp_btf',
    programs: ['biosnoop_io_start_btf', ...requestPrograms('_btf')],
    requires: [{ kind: 'feature', feature: 'tpBtf' }, ioStart, ...requestTracepoints],
  },
  // Before 6.5: the same place, by its function.
  {
    name: 'fentry',
    programs: ['biosnoop_account_start_fentry', ...requestPrograms('_btf')],
    requires: [{ kind: 'feature', feature: 'fentry' }, { kind: 'feature', feature: 'tpBtf' }, accountStart, ...requestTracepoints],
  },
  {
    name: 'kprobe',
    programs: ['biosnoop_account_start_kprobe', ...requestPrograms('_raw')],
    requires: [{ kind: 'feature', feature: 'kprobe' }, { kind: 'feature', feature: 'rawTracepoint' }, accountStart, ...requestTracepoints],
  },
  {
    name: 'raw_tracepoint',
    programs: ['biosnoop_io_start_raw', ...requestPrograms('_raw')],
    requires: [{ kind: 'feature', feature: 'rawTracepoint' }, ...requestTracepoints],
    limitation:
      'On a kernel without the block:block_io_start tracepoint (before 6.5), the process is the one that inserted or issued the ' +
      'request, which for plugged or scheduled I/O can be a kworker or another process flushing its plug, rather than the submitter.',
  },
];

// libbpf-tools' "%-11.6f %-14.14s %-7d %-7s %-4s %-10lld %-7d %7.3f %7.3f".
const columns: TableToolDefinition<BiosnoopParams, BlockIoRow>['columns'] = [
  { header: 'TIME(s)', key: 'seconds', width: 11, display: 'seconds', align: 'left', unit: 's' },
  { header: 'COMM', key: 'comm', width: 14, display: 'text', align: 'left' },
  { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
  { header: 'DISK', key: 'disk', width: 7, display: 'text', align: 'left' },
  { header: 'T', key: 'type', width: 4, display: 'text', align: 'left' },
  { header: 'SECTOR', key: 'sector', width: 10, display: 'integer', align: 'left' },
  { header: 'BYTES', key: 'bytes', width: 7, display: 'integer', align: 'left' },
  { header: 'QUE(ms)', key: 'queuedMs', width: 7, display: 'milliseconds', decimals: 3, align: 'right', unit: 'ms', whenParam: 'queued' },
  { header: 'LAT(ms)', key: 'latencyMs', width: 7, display: 'milliseconds', decimals: 3, align: 'right', unit: 'ms' },
];

export const biosnoop: TableToolDefinition<BiosnoopParams, BlockIoRow> = {
  name: 'biosnoop',
  title: 'Block I/O snoop',
  description:
    'Every block device I/O request with the process that submitted it, disk, operation, sector, size and latency; a heat map of the latency per disk',
  howItWorks:
    'Block tracepoints with the struct request (tp_btf, else raw_tp): block_rq_issue starts the latency and records sector, size and ' +
    'flags, block_rq_complete ends it once the whole request has completed, block_rq_insert starts the queued time (-Q). The ' +
    'process is taken where the kernel accounts the request as started (block:block_io_start, 6.5+; before that fentry or a ' +
    'kprobe on blk_account_io_start), in the submitter’s context, as libbpf-tools’ biosnoop does: writeback is the flusher ' +
    'kworker’s, and a request issued before tracing began is left out. COMM is ? when its start was not seen (a flush the ' +
    'kernel makes itself). The heat map counts every request, the table those at least minMs.',
  category: 'disk',
  outputKind: 'table',
  objectFile: 'biosnoop.bpf.o',
  structs: [
    { struct: 'bio_event', offsets: BioEventOffset, size: BIO_EVENT_SIZE },
    { struct: 'biosnoop_key', offsets: BiosnoopKeyOffset, size: 4 },
    histogramStruct,
  ],
  paramsSchema: biosnoopParams,
  attachMethods,
  ringBufferMap: 'events',
  columns,
  configure(object, params) {
    object.setGlobal('targ_dev', u32(diskTargetDev('biosnoop', params.disk)));
    object.setGlobal('targ_min_ns', u64(BigInt(Math.round(params.minMs * 1e6))));
    object.setGlobal('targ_cgroup_id', u64(cgroupTargetId('biosnoop', params.cgroup)));
    // Without block_io_start (before 6.5) the raw_tp method takes the process at insertion or issue.
    const late = leaveOutUnsupported(object, { biosnoop_io_start_raw: { tracepoint: 'block:block_io_start' } }).length > 0;
    object.setGlobal('targ_late_attribution', u8(late));
  },
  decode: decodeBioEvent,
  histogram: {
    source: 'map',
    map: 'histograms',
    measure: 'block I/O latency',
    unit: () => 'usecs',
    keyName: () => 'disk',
    keyLabel: (key) => blockDeviceName(key.readUInt32LE(BiosnoopKeyOffset.dev)),
    rows: { column: 'latencyMs', everyEvent: false },
  },
  rowThreshold: { param: 'minMs', relation: 'slower than', unit: 'ms', eventNoun: 'requests' },
};
