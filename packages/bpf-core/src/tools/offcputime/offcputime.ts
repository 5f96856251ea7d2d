import { type z } from 'zod';
import { blockedStackIds, blockedTaskStruct, configureOffCpu, offCpuParamsSchema } from '../../stacks/offcpu.js';
import { collectStackProfile, decodeTaskStackKey } from '../../stacks/stackTraces.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import type { StackToolDefinition } from '../types.js';

// Mirrors offcputime.h.
export const OffcputimeKeyOffset = { pid: 0, tid: 4, userStackId: 8, kernelStackId: 12, timeSlot: 16, comm: 20 } as const;
export const OFFCPUTIME_KEY_SIZE = 36;

export const offcputimeParams = offCpuParamsSchema;

export type OffcputimeParams = z.infer<typeof offcputimeParams>;

export const offcputime: StackToolDefinition<OffcputimeParams> = {
  name: 'offcputime',
  title: 'Off-CPU time',
  description:
    'Time threads spend blocked off-CPU (sleeps, I/O, locks, preemption), summed in the kernel by the stacks where they blocked: an off-CPU flame graph',
  category: 'cpu',
  outputKind: 'stacks',
  objectFile: 'offcputime.bpf.o',
  structs: [{ struct: 'offcputime_key', offsets: OffcputimeKeyOffset, size: OFFCPUTIME_KEY_SIZE }, blockedTaskStruct],
  paramsSchema: offcputimeParams,
  attachMethods: tracepointAttachMethods({
    programs: ['offcputime_switch'],
    tracepoints: ['sched:sched_switch'],
    requires: [{ kind: 'feature', feature: 'stackTraceMap' }],
  }),
  configure(object, params) {
    configureOffCpu('offcputime', object, params, 'offcpu_ns');
  },
  collect(object, params, capture) {
    return collectStackProfile(
      object,
      {
        countsMap: 'offcpu_ns',
        unit: 'nanoseconds',
        kernelStacksFrom: 'tracepoint',
        decodeKey: (key) => decodeTaskStackKey(key, OffcputimeKeyOffset),
        timeline: params.timeline,
        pendingStackIds: blockedStackIds,
      },
      capture,
    );
  },
};
