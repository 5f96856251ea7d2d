import { z } from 'zod';
import { cString, u32, u8 } from '../../encode.js';
import { formatArguments } from '@bpfscope/formats';
import type { TableToolDefinition } from '../types.js';

// Mirrors execsnoop.h.
const TASK_COMM_LEN = 16;
const MAX_ARGS_LIMIT = 60;
const DEFAULT_MAX_ARGS = 20;
const NO_UID_FILTER = 0xffffffff;
const EXEC_FLAG_ARGS_TRUNCATED = 1;
const EXEC_EVENT_HEADER_SIZE = 56;
/** Byte offsets of struct exec_event's fields (checked against the object's BTF in tests). */
export const ExecEventOffset = {
  timestampNs: 0,
  pid: 8,
  ppid: 12,
  uid: 16,
  retval: 20,
  argsCount: 24,
  argsSize: 28,
  flags: 32,
  comm: 40,
  args: EXEC_EVENT_HEADER_SIZE,
} as const;

export const execsnoopParams = z
  .object({
    uid: z.number().int().min(0).max(0xfffffffe).optional().describe('only execs by this user id'),
    comm: z
      .string()
      .min(1)
      .max(TASK_COMM_LEN - 1)
      .optional()
      .describe('only execs whose PCOMM is exactly this'),
    nameContains: z.string().min(1).max(256).optional().describe('only execs whose ARGS contain this text'),
    includeFailed: z.boolean().default(false).describe('include failed execs (RET < 0), like bcc -x'),
    maxArgs: z.number().int().min(1).max(MAX_ARGS_LIMIT).default(DEFAULT_MAX_ARGS).describe('arguments captured, like bcc --max-args'),
  })
  .strict();

export type ExecsnoopParams = z.infer<typeof execsnoopParams>;

export interface ExecRow {
  /** Wall-clock time of the exec's return, epoch milliseconds. */
  time: number;
  pcomm: string;
  pid: number;
  ppid: number;
  uid: number;
  ret: number;
  /** File name then argv[1..], as bcc prints them. */
  argv: string[];
  argsTruncated: boolean;
}

export function decodeExecEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): ExecRow {
  const argsCount = record.readUInt32LE(ExecEventOffset.argsCount);
  const argsSize = Math.min(record.readUInt32LE(ExecEventOffset.argsSize), record.length - ExecEventOffset.args);
  const argv: string[] = [];
  let start = ExecEventOffset.args;
  const end = ExecEventOffset.args + argsSize;
  while (argv.length < argsCount && start < end) {
    let nul = record.indexOf(0, start);
    if (nul === -1 || nul > end) nul = end;
    argv.push(record.toString('utf8', start, nul));
    start = nul + 1;
  }
  return {
    time: toWallClockMs(record.readBigUInt64LE(ExecEventOffset.timestampNs)),
    pcomm: cString(record, ExecEventOffset.comm, TASK_COMM_LEN),
    pid: record.readUInt32LE(ExecEventOffset.pid),
    ppid: record.readUInt32LE(ExecEventOffset.ppid),
    uid: record.readUInt32LE(ExecEventOffset.uid),
    ret: record.readInt32LE(ExecEventOffset.retval),
    argv,
    argsTruncated: (record.readUInt32LE(ExecEventOffset.flags) & EXEC_FLAG_ARGS_TRUNCATED) !== 0,
  };
}

export const execsnoop: TableToolDefinition<ExecsnoopParams, ExecRow> = {
  name: 'execsnoop',
  title: 'Exec snoop',
  description: 'Every new process (exec), with its arguments, parent and result, failed execs included on request',
  category: 'processes',
  outputKind: 'table',
  objectFile: 'execsnoop.bpf.o',
  structs: [{ struct: 'exec_event', offsets: ExecEventOffset }],
  paramsSchema: execsnoopParams,
  // bcc uses a kprobe on the execve syscall; the syscall tracepoints see the same
  // calls with a stable ABI on every kernel, so they are the first choice here.
  attachMethods: [
    {
      name: 'tracepoint',
      programs: ['execsnoop_enter', 'execsnoop_exit'],
      requires: [
        { kind: 'feature', feature: 'tracepoint' },
        { kind: 'tracepoint', category: 'syscalls', name: 'sys_enter_execve' },
        { kind: 'tracepoint', category: 'syscalls', name: 'sys_exit_execve' },
      ],
    },
  ],
  ringBufferMap: 'events',
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'PCOMM', key: 'pcomm', width: 16, display: 'text', align: 'left' },
    { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
    { header: 'PPID', key: 'ppid', width: 7, display: 'integer', align: 'left' },
    { header: 'RET', key: 'ret', width: 3, display: 'integer', align: 'right' },
    { header: 'ARGS', key: 'argv', width: 0, display: 'arguments', align: 'left' },
  ],
  configure(object, params) {
    // Execs in flight at once are few: their 8 MB need not be allocated at every start.
    object.allocateOnUpdate('execs');
    object.setGlobal('targ_uid', u32(params.uid ?? NO_UID_FILTER));
    object.setGlobal('targ_max_args', u32(params.maxArgs));
    object.setGlobal('targ_include_failed', u8(params.includeFailed));
  },
  decode: decodeExecEvent,
  accept(row, params) {
    if (params.comm !== undefined && row.pcomm !== params.comm) return false;
    // Matched against ARGS as the 'arguments' column prints it.
    if (params.nameContains !== undefined && !formatArguments(row.argv, row.argsTruncated).includes(params.nameContains)) return false;
    return true;
  },
};
