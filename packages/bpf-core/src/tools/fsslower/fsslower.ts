import { z } from 'zod';
import { cString, u32, u64 } from '../../encode.js';
import { histogramStruct } from '../../histogram.js';
import type { AttachMethod, Requirement, TableToolDefinition } from '../types.js';

// Mirrors fsslower.h.
const TASK_COMM_LEN = 16;
const FS_NAME_LEN = 16;
const FILE_NAME_LEN = 64;
/** Byte offsets of struct fs_op_event's fields (checked against the object's BTF in tests). */
export const FsOpEventOffset = {
  timestampNs: 0,
  latencyNs: 8,
  size: 16,
  offset: 24,
  pid: 32,
  op: 36,
  comm: 40,
  fileName: 56,
} as const;
export const FS_OP_EVENT_SIZE = 120;
const FsslowerKeyOffset = { op: 0 } as const;
const FSSLOWER_KEY_SIZE = 4;

/** enum fs_op, as bcc's T column letters and as histogram labels. */
const operations = [
  { letter: 'R', label: 'read' },
  { letter: 'W', label: 'write' },
  { letter: 'O', label: 'open' },
  { letter: 'F', label: 'fsync' },
] as const;

export type FileSystemOperationLetter = (typeof operations)[number]['letter'] | '?';

export function operationLetter(op: number): FileSystemOperationLetter {
  return operations[op]?.letter ?? '?';
}

export function operationLabel(op: number): string {
  return operations[op]?.label ?? `op${op}`;
}

const minMs = z
  .number()
  .min(0)
  .max(3_600_000)
  .default(10)
  .describe('only operations taking at least this many milliseconds go to the table, like bcc min_ms (0: every one); the heat map counts all');
const pid = z.number().int().min(1).max(4_194_304).optional().describe('only operations by this process');

const fsslowerParams = z
  .object({
    fs: z
      .string()
      .regex(/^[a-z0-9]{1,15}$/, 'a file system type as /proc/filesystems names it (lowercase letters and digits, at most 15)')
      .default('ext4')
      .describe('file system type to trace (ext4, xfs, btrfs...)'),
    minMs,
    pid,
  })
  .strict();

const ext4slowerParams = z.object({ minMs, pid }).strict();

export type FsslowerParams = z.infer<typeof fsslowerParams>;
export type Ext4slowerParams = z.infer<typeof ext4slowerParams>;

export interface FileSystemOperationRow {
  /** Wall-clock time the operation returned, epoch milliseconds. */
  time: number;
  comm: string;
  pid: number;
  /** R, W, O or F (read, write, open, fsync). */
  type: FileSystemOperationLetter;
  /** Bytes read or written (negative errno on failure); 0 for opens and fsyncs. */
  bytes: number;
  /** File position where it started, bytes; 0 for opens and fsyncs. */
  offset: number;
  latencyMs: number;
  fileName: string;
}

export function decodeFsOpEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): FileSystemOperationRow {
  return {
    time: toWallClockMs(record.readBigUInt64LE(FsOpEventOffset.timestampNs)),
    comm: cString(record, FsOpEventOffset.comm, TASK_COMM_LEN),
    pid: record.readUInt32LE(FsOpEventOffset.pid),
    type: operationLetter(record.readUInt32LE(FsOpEventOffset.op)),
    bytes: Number(record.readBigInt64LE(FsOpEventOffset.size)),
    offset: Number(record.readBigInt64LE(FsOpEventOffset.offset)),
    latencyMs: Number(record.readBigUInt64LE(FsOpEventOffset.latencyNs)) / 1e6,
    fileName: cString(record, FsOpEventOffset.fileName, FILE_NAME_LEN),
  };
}

/** targ_fs: the name NUL-padded to char[FS_NAME_LEN]. */
export function fileSystemNameGlobal(name: string): Buffer {
  const bytes = Buffer.alloc(FS_NAME_LEN);
  if (Buffer.byteLength(name) >= FS_NAME_LEN) throw new RangeError(`file system name "${name}" is longer than ${FS_NAME_LEN - 1} bytes`);
  bytes.write(name, 'latin1');
  return bytes;
}

const kernelFunctions = ['vfs_read', 'vfs_write', 'vfs_open', 'vfs_fsync'] as const;
const syscalls = ['read', 'pread64', 'readv', 'write', 'pwrite64', 'writev', 'openat', 'fsync', 'fdatasync'] as const;

const functionRequirements: Requirement[] = kernelFunctions.map((name) => ({ kind: 'kernelFunction', name }));

const attachMethods: readonly AttachMethod[] = [
  {
    name: 'fentry',
    programs: kernelFunctions.flatMap((name) => [`fsslower_${name}_entry`, `fsslower_${name}_exit`]),
    requires: [{ kind: 'feature', feature: 'fentry' }, ...functionRequirements],
  },
  {
    name: 'kprobe',
    programs: kernelFunctions.flatMap((name) => [`fsslower_${name}_kprobe`, `fsslower_${name}_kretprobe`]),
    requires: [{ kind: 'feature', feature: 'kprobe' }, ...functionRequirements],
  },
  {
    name: 'tracepoint',
    programs: syscalls.flatMap((name) => [`fsslower_enter_${name}`, `fsslower_exit_${name}`]),
    requires: [
      { kind: 'feature', feature: 'tracepoint' },
      ...syscalls.flatMap((name): Requirement[] => [
        { kind: 'tracepoint', category: 'syscalls', name: `sys_enter_${name}` },
        { kind: 'tracepoint', category: 'syscalls', name: `sys_exit_${name}` },
      ]),
    ],
  },
];

// Widths and alignment of bcc's "%-8s %-14.14s %-7d %c %-7d %-8d %7.2f %s".
const columns: TableToolDefinition<unknown, FileSystemOperationRow>['columns'] = [
  { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
  { header: 'COMM', key: 'comm', width: 14, display: 'text', align: 'left' },
  { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
  { header: 'T', key: 'type', width: 1, display: 'text', align: 'left' },
  { header: 'BYTES', key: 'bytes', width: 7, display: 'integer', align: 'left' },
  { header: 'OFF_KB', key: 'offset', width: 8, display: 'kilobytes', align: 'left', unit: 'KB' },
  { header: 'LAT(ms)', key: 'latencyMs', width: 7, display: 'milliseconds', align: 'right', unit: 'ms' },
  { header: 'FILENAME', key: 'fileName', width: 0, display: 'text', align: 'left' },
];

const methodsText =
  'Hooks vfs_read, vfs_write, vfs_open and vfs_fsync with fentry/fexit, else kprobes; else the read, pread64, readv, write, pwrite64, writev, ' +
  'openat, fsync and fdatasync syscall tracepoints, which see system calls only (not mmap page faults, io_uring, AIO, sendfile/splice, ' +
  'or I/O the kernel does itself); vfs hooks miss readv/writev, and time an open without its path lookup.';

/** fsslower for a file system given by params, or fixed (ext4slower). */
function fileSystemSlowerTool<Params extends { minMs: number; pid?: number | undefined }>(options: {
  name: string;
  title: string;
  fileSystemOf: (params: Params) => string;
  paramsSchema: z.ZodType<Params>;
  /** What is traced, in the description. */
  subject: string;
  /** The heat map's measure. */
  measure: string;
}): TableToolDefinition<Params, FileSystemOperationRow> {
  return {
    name: options.name,
    title: options.title,
    description: `Reads, writes, opens and fsyncs of regular files on ${options.subject} slower than a threshold; a heat map of every one, per operation`,
    howItWorks: methodsText,
    category: 'file system',
    outputKind: 'table',
    objectFile: 'fsslower.bpf.o',
    structs: [
      { struct: 'fs_op_event', offsets: FsOpEventOffset, size: FS_OP_EVENT_SIZE },
      { struct: 'fsslower_key', offsets: FsslowerKeyOffset, size: FSSLOWER_KEY_SIZE },
      histogramStruct,
    ],
    paramsSchema: options.paramsSchema,
    attachMethods,
    ringBufferMap: 'events',
    columns: columns as TableToolDefinition<Params, FileSystemOperationRow>['columns'],
    configure(object, params) {
      object.setGlobal('targ_fs', fileSystemNameGlobal(options.fileSystemOf(params)));
      object.setGlobal('targ_tgid', u32(params.pid ?? 0));
      object.setGlobal('targ_min_ns', u64(BigInt(Math.round(params.minMs * 1e6))));
    },
    decode: decodeFsOpEvent,
    histogram: {
      source: 'map',
      map: 'histograms',
      measure: options.measure,
      unit: () => 'usecs',
      keyName: () => 'operation',
      keyLabel: (key) => operationLabel(key.readUInt32LE(FsslowerKeyOffset.op)),
      rows: { column: 'latencyMs', everyEvent: false },
    },
    rowThreshold: { param: 'minMs', relation: 'slower than', unit: 'ms', eventNoun: 'operations' },
  };
}

export const fsslower = fileSystemSlowerTool<FsslowerParams>({
  name: 'fsslower',
  title: 'File system slower operations',
  fileSystemOf: (params) => params.fs,
  paramsSchema: fsslowerParams,
  subject: 'one file system (fs, default ext4)',
  measure: 'file system operation latency',
});

export const ext4slower = fileSystemSlowerTool<Ext4slowerParams>({
  name: 'ext4slower',
  title: 'ext4 slower operations',
  fileSystemOf: () => 'ext4',
  paramsSchema: ext4slowerParams,
  subject: 'ext4',
  measure: 'ext4 operation latency',
});
