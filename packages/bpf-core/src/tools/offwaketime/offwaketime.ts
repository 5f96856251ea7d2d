import { type z } from 'zod';
import type { BpfObject } from '../../bpfObject.js';
import { cString } from '../../encode.js';
import { blockedStackIds, blockedTaskStruct, configureOffCpu, offCpuParamsSchema } from '../../stacks/offcpu.js';
import { TASK_COMM_LEN, collectStackProfile, stackIdAt } from '../../stacks/stackTraces.js';
import { tracepointAttachMethods } from '../shared/attachMethods.js';
import type { AggregationKey } from '../../stacks/stackTraces.js';
import type { StackToolDefinition } from '../types.js';

// Mirrors offwaketime.h.
export const OffwaketimeKeyOffset = {
  pid: 0,
  tid: 4,
  userStackId: 8,
  kernelStackId: 12,
  timeSlot: 16,
  hasWaker: 20,
  wakerPid: 24,
  wakerUserStackId: 28,
  wakerKernelStackId: 32,
  comm: 36,
  wakerComm: 52,
} as const;
export const OFFWAKETIME_KEY_SIZE = 68;
export const WakerOffset = { pid: 0, userStackId: 4, kernelStackId: 8, comm: 12 } as const;
export const WAKER_SIZE = 28;

export function decodeOffwaketimeKey(key: Buffer): AggregationKey {
  const at = OffwaketimeKeyOffset;
  const decoded: AggregationKey = {
    pid: key.readUInt32LE(at.pid),
    tid: key.readUInt32LE(at.tid),
    userStackId: stackIdAt(key, at.userStackId),
    kernelStackId: stackIdAt(key, at.kernelStackId),
    timeSlot: key.readUInt32LE(at.timeSlot),
    comm: cString(key, at.comm, TASK_COMM_LEN),
  };
  // No waker: the thread was preempted, nothing woke it.
  if (key.readUInt32LE(at.hasWaker) !== 0) {
    decoded.waker = {
      pid: key.readUInt32LE(at.wakerPid),
      comm: cString(key, at.wakerComm, TASK_COMM_LEN),
      userStackId: stackIdAt(key, at.wakerUserStackId),
      kernelStackId: stackIdAt(key, at.wakerKernelStackId),
    };
  }
  return decoded;
}

/** Stack ids of threads blocked now and of the wakers of those woken but not yet running. */
function pendingStackIds(object: BpfObject): number[] {
  const ids = blockedStackIds(object);
  for (const { value } of object.entries('wakers')) ids.push(stackIdAt(value, WakerOffset.userStackId), stackIdAt(value, WakerOffset.kernelStackId));
  return ids;
}

export const offwaketimeParams = offCpuParamsSchema;

export type OffwaketimeParams = z.infer<typeof offwaketimeParams>;

export const offwaketime: StackToolDefinition<OffwaketimeParams> = {
  name: 'offwaketime',
  title: 'Off-CPU time with wakers',
  description:
    'Off-CPU time by the stacks where threads blocked, each joined with the stacks of whoever woke them: what was waited for, and who ended the wait',
  category: 'cpu',
  outputKind: 'stacks',
  objectFile: 'offwaketime.bpf.o',
  structs: [
    { struct: 'offwaketime_key', offsets: OffwaketimeKeyOffset, size: OFFWAKETIME_KEY_SIZE },
    { struct: 'waker', offsets: WakerOffset, size: WAKER_SIZE },
    blockedTaskStruct,
  ],
  paramsSchema: offwaketimeParams,
  attachMethods: tracepointAttachMethods({
    programs: ['offwaketime_waking', 'offwaketime_switch'],
    tracepoints: ['sched:sched_waking', 'sched:sched_switch'],
    requires: [{ kind: 'feature', feature: 'stackTraceMap' }],
  }),
  configure(object, params) {
    configureOffCpu('offwaketime', object, params, 'offwake_ns');
  },
  collect(object, params, capture) {
    return collectStackProfile(
      object,
      {
        countsMap: 'offwake_ns',
        unit: 'nanoseconds',
        kernelStacksFrom: 'tracepoint',
        decodeKey: decodeOffwaketimeKey,
        timeline: params.timeline,
        pendingStackIds,
      },
      capture,
    );
  },
};
