import { z } from 'zod';
import { cString, u32, u8 } from '../../encode.js';
import { leaveOutUnsupported } from '../shared/optionalPrograms.js';
import type { Requirement, TableToolDefinition } from '../types.js';

// Mirrors opensnoop.h.
const TASK_COMM_LEN = 16;
const NO_UID_FILTER = 0xffffffff;
const OPEN_EVENT_HEADER_SIZE = 56;
/** Byte offsets of struct open_event's fields (checked against the object's BTF in tests). */
export const OpenEventOffset = {
  timestampNs: 0,
  pid: 8,
  tid: 12,
  uid: 16,
  ret: 20,
  flags: 24,
  mode: 28,
  pathSize: 32,
  comm: 40,
  path: OPEN_EVENT_HEADER_SIZE,
} as const;
const OpenArgsOffset = { path: 0, flags: 8, mode: 12 } as const;

/**
 * Open flags by name, for bcc's flag filter (opensnoop.py -f): the generic
 * (x86, and most architectures') values, with arm64's own where they differ.
 */
const genericFlags: Record<string, number> = {
  O_WRONLY: 0o1,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000,
  O_DIRECT: 0o40000,
  O_LARGEFILE: 0o100000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_NOATIME: 0o1000000,
  O_CLOEXEC: 0o2000000,
  O_SYNC: 0o4010000,
  O_PATH: 0o10000000,
  O_TMPFILE: 0o20200000,
};
const arm64Flags: Record<string, number> = { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000, O_DIRECT: 0o200000, O_LARGEFILE: 0o400000, O_TMPFILE: 0o20040000 };

export function openFlagValue(name: string, arch: string = process.arch): number {
  const value = (arch === 'arm64' ? arm64Flags[name] : undefined) ?? genericFlags[name];
  if (value === undefined) throw new RangeError(`unknown open flag ${name}`);
  return value;
}

const flagNames = ['O_RDONLY', ...Object.keys(genericFlags)] as [string, ...string[]];
const O_CREAT = 0o100;
const O_TMPFILE_BITS = (arch: string) => openFlagValue('O_TMPFILE', arch);

export const opensnoopParams = z
  .object({
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only opens by this process, like bcc -p'),
    tid: z.number().int().min(1).max(4_194_304).optional().describe('only opens by this thread, like bcc -t'),
    uid: z.number().int().min(0).max(0xfffffffe).optional().describe('only opens by this user id, like bcc -u'),
    name: z
      .string()
      .min(1)
      .max(TASK_COMM_LEN - 1)
      .optional()
      .describe('only processes whose COMM contains this, like bcc -n'),
    failedOnly: z.boolean().default(false).describe('only failed opens, like bcc -x'),
    timestamp: z.boolean().default(false).describe('a TIME column, like bcc -T'),
    printUid: z.boolean().default(false).describe('a UID column, like bcc -U'),
    extendedFields: z.boolean().default(false).describe('FLAGS and MODE columns (octal), like bcc -e'),
    flagFilter: z
      .array(z.enum(flagNames))
      .min(1)
      .max(flagNames.length)
      .optional()
      .describe('only opens with any of these flags (O_WRONLY, O_CREAT...), like opensnoop.py -f'),
  })
  .strict();

export type OpensnoopParams = z.infer<typeof opensnoopParams>;

export interface OpenRow {
  /** Wall-clock time the open returned, epoch milliseconds. */
  time: number;
  uid: number;
  pid: number;
  tid: number;
  comm: string;
  /** The file descriptor, -1 when the open failed (bcc's FD). */
  fd: number;
  /** The errno of a failed open, 0 when it succeeded (bcc's ERR). */
  err: number;
  /** Open flags as bcc -e prints them: 8 octal digits. */
  flags: string;
  /** The mode, 4 octal digits, with O_CREAT or O_TMPFILE; 'n/a' otherwise, as bcc prints it. */
  mode: string;
  /** The path as the caller passed it (relative to its directory or dirfd when not absolute). */
  path: string;
}

export function decodeOpenEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number, arch: string = process.arch): OpenRow {
  const ret = record.readInt32LE(OpenEventOffset.ret);
  const flags = record.readInt32LE(OpenEventOffset.flags);
  const mode = record.readUInt32LE(OpenEventOffset.mode);
  const pathSize = Math.min(record.readUInt32LE(OpenEventOffset.pathSize), record.length - OpenEventOffset.path);
  const tmpfile = O_TMPFILE_BITS(arch);
  // The mode argument means something only when the open may create (bcc zeroes it otherwise).
  const hasMode = (flags & O_CREAT) !== 0 || (flags & tmpfile) === tmpfile;
  return {
    time: toWallClockMs(record.readBigUInt64LE(OpenEventOffset.timestampNs)),
    uid: record.readUInt32LE(OpenEventOffset.uid),
    pid: record.readUInt32LE(OpenEventOffset.pid),
    tid: record.readUInt32LE(OpenEventOffset.tid),
    comm: cString(record, OpenEventOffset.comm, TASK_COMM_LEN),
    fd: ret >= 0 ? ret : -1,
    err: ret >= 0 ? 0 : -ret,
    flags: (flags >>> 0).toString(8).padStart(8, '0'),
    mode: hasMode ? mode.toString(8).padStart(4, '0') : 'n/a',
    path: cString(record, OpenEventOffset.path, Math.max(0, pathSize)),
  };
}

// open and creat exist on x86_64 but not on arm64 or riscv (only openat there); openat2 since 5.6.
const syscalls = ['open', 'creat', 'openat', 'openat2'] as const;
const optionalSyscalls = ['open', 'creat', 'openat2'] as const;
const optionalPrograms = Object.fromEntries(
  optionalSyscalls.flatMap((name) => [
    [`opensnoop_enter_${name}`, { tracepoint: `syscalls:sys_enter_${name}` }],
    [`opensnoop_exit_${name}`, { tracepoint: `syscalls:sys_exit_${name}` }],
  ]),
);

export const opensnoop: TableToolDefinition<OpensnoopParams, OpenRow> = {
  name: 'opensnoop',
  title: 'Open snoop',
  description: 'Every file open (open, openat, openat2, creat) with its process, fd or error and path; failed opens alone on request',
  howItWorks:
    'Syscall tracepoints on open, openat, openat2 and creat (each where the architecture and kernel have it: arm64 has only openat and openat2): ' +
    'the arguments at entry, the fd or errno and the path at exit. bcc uses the same tracepoints. Opens the kernel makes itself, io_uring ' +
    'opens and open_by_handle_at are not system calls of these kinds and are not seen; PATH is as the caller passed it (relative to its ' +
    'working directory or dirfd when not absolute).',
  category: 'file system',
  outputKind: 'table',
  objectFile: 'opensnoop.bpf.o',
  structs: [
    { struct: 'open_event', offsets: OpenEventOffset },
    { struct: 'open_args', offsets: OpenArgsOffset, size: 16 },
  ],
  paramsSchema: opensnoopParams,
  attachMethods: [
    {
      name: 'tracepoint',
      programs: syscalls.flatMap((name) => [`opensnoop_enter_${name}`, `opensnoop_exit_${name}`]),
      requires: [
        { kind: 'feature', feature: 'tracepoint' },
        ...(['sys_enter_openat', 'sys_exit_openat'].map((name) => ({ kind: 'tracepoint', category: 'syscalls', name })) as Requirement[]),
      ],
    },
  ],
  ringBufferMap: 'events',
  // libbpf-tools' "%-8s %-7d %-6d %-16s %3d %3d %08o %04o %s".
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left', whenParam: 'timestamp' },
    { header: 'UID', key: 'uid', width: 7, display: 'integer', align: 'left', whenParam: 'printUid' },
    { header: 'PID', key: 'pid', width: 6, display: 'integer', align: 'left' },
    { header: 'COMM', key: 'comm', width: 16, display: 'text', align: 'left' },
    { header: 'FD', key: 'fd', width: 3, display: 'integer', align: 'right' },
    { header: 'ERR', key: 'err', width: 3, display: 'integer', align: 'right' },
    { header: 'FLAGS', key: 'flags', width: 8, display: 'text', align: 'left', whenParam: 'extendedFields' },
    { header: 'MODE', key: 'mode', width: 4, display: 'text', align: 'left', whenParam: 'extendedFields' },
    { header: 'PATH', key: 'path', width: 0, display: 'text', align: 'left' },
  ],
  configure(object, params) {
    let mask = 0;
    for (const name of params.flagFilter ?? []) if (name !== 'O_RDONLY') mask |= openFlagValue(name);
    object.setGlobal('targ_tgid', u32(params.pid ?? 0));
    object.setGlobal('targ_tid', u32(params.tid ?? 0));
    object.setGlobal('targ_uid', u32(params.uid ?? NO_UID_FILTER));
    object.setGlobal('targ_failed', u8(params.failedOnly));
    object.setGlobal('targ_flags_mask', u32(mask >>> 0));
    object.setGlobal('targ_flags_rdonly', u8(params.flagFilter?.includes('O_RDONLY') ?? false));
    leaveOutUnsupported(object, optionalPrograms);
  },
  decode: (record, toWallClockMs) => decodeOpenEvent(record, toWallClockMs),
  // bcc -n matches a substring of the process name, in user space as libbpf-tools does.
  accept: (row, params) => params.name === undefined || row.comm.includes(params.name),
};
