import { z } from 'zod';
import { u32, u8 } from '../../encode.js';
import { decodeHistogramName, histogramStruct, namedHistogramStruct } from '../../histogram.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import type { HistogramToolDefinition } from '../types.js';

// Mirrors runqlat.h.
const RunqlatKeyOffset = { id: 0 } as const;
const RUNQLAT_KEY_SIZE = 4;

const runqlatParams = z
  .object({
    perProcess: z.boolean().default(false).describe('one histogram per process (tgid), like bcc -P'),
    perThread: z.boolean().default(false).describe('one histogram per thread (tid), like bcc -L'),
    pid: z.number().int().min(1).max(4_194_304).optional().describe('only this process, like bcc -p'),
    milliseconds: z.boolean().default(false).describe('buckets in milliseconds instead of microseconds, like bcc -m'),
  })
  .strict()
  .refine((params) => !(params.perProcess && params.perThread), { message: 'perProcess and perThread exclude each other', path: ['perThread'] });

export type RunqlatParams = z.infer<typeof runqlatParams>;

export const runqlat: HistogramToolDefinition<RunqlatParams> = {
  name: 'runqlat',
  title: 'Run queue latency',
  description: 'How long runnable tasks wait for a CPU (wakeup or preemption → running), as a heat map; per process or thread on request',
  category: 'cpu',
  outputKind: 'histogram',
  objectFile: 'runqlat.bpf.o',
  structs: [{ struct: 'runqlat_key', offsets: RunqlatKeyOffset, size: RUNQLAT_KEY_SIZE }, namedHistogramStruct, histogramStruct],
  paramsSchema: runqlatParams,
  attachMethods: tracepointAttachMethods({
    programs: ['runqlat_wakeup', 'runqlat_wakeup_new', 'runqlat_switch'],
    tracepoints: ['sched:sched_wakeup', 'sched:sched_wakeup_new', 'sched:sched_switch'],
  }),
  histogram: {
    source: 'map',
    map: 'histograms',
    measure: 'run queue latency',
    unit: (params) => (params.milliseconds ? 'msecs' : 'usecs'),
    keyName: (params) => (params.perProcess ? 'pid' : params.perThread ? 'tid' : undefined),
    // The pid stays the label (series= in links): a comm changes at exec and is shared by many pids.
    keyLabel: (key, params) => (params.perProcess || params.perThread ? String(key.readUInt32LE(RunqlatKeyOffset.id)) : ''),
    valueName: (value) => decodeHistogramName(value),
  },
  configure(object, params) {
    object.setGlobal('targ_per_process', u8(params.perProcess));
    object.setGlobal('targ_per_thread', u8(params.perThread));
    object.setGlobal('targ_milliseconds', u8(params.milliseconds));
    object.setGlobal('targ_tgid', u32(params.pid ?? 0));
  },
};
