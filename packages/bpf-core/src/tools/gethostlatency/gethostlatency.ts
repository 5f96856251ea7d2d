import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { BpfObject } from '../../bpfObject.js';
import { cString, u32 } from '../../encode.js';
import { BpfError, ToolError } from '../../errors.js';
import { histogramStruct } from '../../histogram.js';
import type { AttachMethod, TableToolDefinition } from '../types.js';
import { elfMachine, findProcessLibc, findSystemLibc } from './libc.js';

// Mirrors gethostlatency.h.
const TASK_COMM_LEN = 16;
const HOST_NAME_LEN = 256;
const LOOKUP_FLAG_FAILED = 1;
/** LOOKUP_* values: index = the value the kernel reports. */
const LOOKUP_FUNCTIONS = ['getaddrinfo', 'gethostbyname', 'gethostbyname2'] as const;
type LookupFunction = (typeof LOOKUP_FUNCTIONS)[number];
/** Byte offsets of struct host_lookup_event's fields (checked against the object's BTF in tests). */
export const HostLookupEventOffset = {
  timestampNs: 0,
  latencyNs: 8,
  pid: 16,
  tid: 20,
  function: 24,
  flags: 28,
  comm: 32,
  host: 48,
} as const;
export const HOST_LOOKUP_EVENT_SIZE = 304;
const HostLookupKeyOffset = { function: 0 } as const;
const HOST_LOOKUP_KEY_SIZE = 4;

/** Each traced function, the program that sees it start, and whether the tool can do without it. */
const lookupProbes: ReadonlyArray<{ functionName: LookupFunction; entryProgram: string; required: boolean }> = [
  { functionName: 'getaddrinfo', entryProgram: 'getaddrinfo_enter', required: true },
  { functionName: 'gethostbyname', entryProgram: 'gethostbyname_enter', required: false },
  { functionName: 'gethostbyname2', entryProgram: 'gethostbyname2_enter', required: false },
];
const RETURN_PROGRAM = 'host_lookup_exit';
/** __LIBBPF_ERRNO__START in libbpf.h: errors of libbpf itself (bad ELF...) rather than the kernel's. */
const LIBBPF_ERRNO_START = 4000;

export const gethostlatencyParams = z
  .object({
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only lookups made by this process, like bcc -p'),
    libc: z
      .string()
      .max(4096)
      .regex(/^\/[^\0]*$/, 'an absolute path such as /lib/x86_64-linux-gnu/libc.so.6')
      .optional()
      .describe('the C library to trace (absolute path); by default the system libc, or the one the pid has mapped'),
  })
  .strict();

export type GethostlatencyParams = z.infer<typeof gethostlatencyParams>;

export interface HostLookupRow {
  /** Wall-clock time the lookup returned, epoch milliseconds. */
  time: number;
  pid: number;
  tid: number;
  comm: string;
  /** How long the call took, milliseconds. */
  latencyMs: number;
  /** The name asked for ('' for getaddrinfo(NULL, service, ...)). */
  host: string;
  /** getaddrinfo, gethostbyname or gethostbyname2. */
  function: string;
  /** The lookup found nothing (or failed). */
  failed: boolean;
}

function lookupFunctionName(index: number): string {
  return LOOKUP_FUNCTIONS[index] ?? `function ${index}`;
}

export function decodeHostLookupEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): HostLookupRow {
  const functionIndex = record.readUInt32LE(HostLookupEventOffset.function);
  return {
    time: toWallClockMs(record.readBigUInt64LE(HostLookupEventOffset.timestampNs)),
    pid: record.readUInt32LE(HostLookupEventOffset.pid),
    tid: record.readUInt32LE(HostLookupEventOffset.tid),
    comm: cString(record, HostLookupEventOffset.comm, TASK_COMM_LEN),
    latencyMs: Number(record.readBigUInt64LE(HostLookupEventOffset.latencyNs)) / 1e6,
    host: cString(record, HostLookupEventOffset.host, HOST_NAME_LEN),
    function: lookupFunctionName(functionIndex),
    failed: (record.readUInt32LE(HostLookupEventOffset.flags) & LOOKUP_FLAG_FAILED) !== 0,
  };
}

const invalid = (message: string) => new ToolError('INVALID_PARAMS', `invalid params for gethostlatency: ${message}`);

/** A `libc` given by the user must be a regular ELF file, checked before anything loads. */
function checkLibcParam(libc: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(libc).isFile();
  } catch {
    throw invalid(`libc: ${libc} does not exist`);
  }
  if (!isFile) throw invalid(`libc: ${libc} is not a regular file`);
  if (elfMachine(libc) === undefined) throw invalid(`libc: ${libc} is not an ELF file`);
}

/** The thread group (process) of `pid`, which may name a thread; undefined when there is no such task. */
function processOf(pid: number): number | undefined {
  try {
    const tgid = /^Tgid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return tgid === undefined ? pid : Number(tgid);
  } catch {
    return undefined;
  }
}

/**
 * The libc to put the uprobes on: the `libc` param, else the one the traced
 * process has mapped (it may be a container's), else the system's.
 */
export function resolveLibc(params: GethostlatencyParams): string {
  if (params.libc !== undefined) {
    checkLibcParam(params.libc);
    return params.libc;
  }
  if (params.pid !== undefined) {
    const found = findProcessLibc(params.pid);
    if (found.kind === 'noProcess') throw invalid(`pid: no process ${params.pid}`);
    if (found.kind === 'noLibc') {
      throw new ToolError(
        'UNAVAILABLE',
        `gethostlatency cannot trace process ${params.pid}: it has no shared libc mapped (statically linked, or a runtime with its own resolver such as Go's)`,
      );
    }
    return found.path;
  }
  const system = findSystemLibc();
  if (!system) {
    throw new ToolError(
      'UNAVAILABLE',
      "gethostlatency found no libc: not in `ldconfig -p`, the usual paths (/lib/<arch>-linux-gnu/libc.so.6, /usr/lib64/libc.so.6, musl's /lib/ld-musl-<arch>.so.1) or this process's own maps; give its path in the libc param",
    );
  }
  return system;
}

/** Which libc each loaded object was configured for, so attach uses the file configure checked. */
const libcOfObject = new WeakMap<BpfObject, string>();

function attachLookupProbes(object: BpfObject, params: GethostlatencyParams, method: AttachMethod): void {
  const libc = libcOfObject.get(object) ?? resolveLibc(params);
  const pid = params.pid ?? -1;
  for (const probe of lookupProbes) {
    if (!method.programs.includes(probe.entryProgram)) continue;
    // Return probe first: a return without its entry does nothing, an entry without
    // its return would leave lookups that never end.
    try {
      object.attachUprobe(RETURN_PROGRAM, { binaryPath: libc, functionName: probe.functionName, pid, retprobe: true });
    } catch (error) {
      if (!(error instanceof BpfError)) throw error;
      if (error.code === 'ESRCH' && params.pid !== undefined) throw invalid(`pid: process ${params.pid} exited`);
      // Not every C library has every function (gethostbyname2 is not in POSIX).
      if (error.code === 'ENOENT' && !probe.required) continue;
      if (error.code === 'ENOENT') {
        throw new ToolError('UNAVAILABLE', `gethostlatency: ${libc} has no ${probe.functionName} function (is it a C library?)`, undefined, { cause: error });
      }
      // libbpf's own codes (4000 and up) say the file's symbols could not be used, e.g. an executable's imports.
      if (error.errno >= LIBBPF_ERRNO_START) {
        const reason = error.message.split('\n').at(-1) ?? error.message;
        throw new ToolError('UNAVAILABLE', `gethostlatency: cannot find ${probe.functionName} in ${libc} (is it a C library?): ${reason}`, undefined, {
          cause: error,
        });
      }
      throw error;
    }
    object.attachUprobe(probe.entryProgram, { binaryPath: libc, functionName: probe.functionName, pid, retprobe: false });
  }
}

export const gethostlatency: TableToolDefinition<GethostlatencyParams, HostLookupRow> = {
  name: 'gethostlatency',
  title: 'Host name lookup latency',
  description: 'Every host name lookup through libc (getaddrinfo, gethostbyname, gethostbyname2): who asked for which name and how long it took',
  category: 'dns',
  outputKind: 'table',
  objectFile: 'gethostlatency.bpf.o',
  structs: [
    { struct: 'host_lookup_event', offsets: HostLookupEventOffset, size: HOST_LOOKUP_EVENT_SIZE },
    { struct: 'host_lookup_key', offsets: HostLookupKeyOffset, size: HOST_LOOKUP_KEY_SIZE },
    histogramStruct,
  ],
  paramsSchema: gethostlatencyParams,
  attachMethods: [
    {
      name: 'uprobe',
      programs: [...lookupProbes.map((probe) => probe.entryProgram), RETURN_PROGRAM],
      requires: [{ kind: 'feature', feature: 'uprobe' }],
    },
  ],
  ringBufferMap: 'events',
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
    { header: 'COMM', key: 'comm', width: 16, display: 'text', align: 'left' },
    // bcc prints three decimals here.
    { header: 'LATms', key: 'latencyMs', width: 10, display: 'milliseconds', decimals: 3, align: 'left', unit: 'ms' },
    { header: 'HOST', key: 'host', width: 0, display: 'text', align: 'left' },
  ],
  configure(object, params) {
    let tgid = 0;
    if (params.pid !== undefined) {
      const found = processOf(params.pid);
      if (found === undefined) throw invalid(`pid: no process ${params.pid}`);
      tgid = found;
    }
    libcOfObject.set(object, resolveLibc(params));
    object.setGlobal('targ_tgid', u32(tgid));
  },
  attach: attachLookupProbes,
  decode: decodeHostLookupEvent,
  histogram: {
    source: 'map',
    map: 'histograms',
    measure: 'host name lookup latency',
    unit: () => 'usecs',
    keyName: () => 'function',
    keyLabel: (key) => lookupFunctionName(key.readUInt32LE(HostLookupKeyOffset.function)),
    rows: { column: 'latencyMs', everyEvent: true },
  },
};
