// What offcputime and offwaketime share in user space (src/bpf/offcpu.bpf.h):
// their params, the globals they set, and the threads blocked right now.
import { z } from 'zod';
import type { BpfObject } from '../bpfObject.js';
import { u32, u64, u8 } from '../encode.js';
import { configureStackTarget, notUserAndKernelOnly, stackIdAt, stackTargetParams, userAndKernelOnlyMessage } from './stackTraces.js';
import type { StackTarget } from './stackTraces.js';
import type { StructLayout } from '../tools/types.js';

// Mirrors src/bpf/offcpu.h.
export const BlockedTaskOffset = { startNs: 0, pid: 8, tid: 12, userStackId: 16, kernelStackId: 20, comm: 24 } as const;
export const BLOCKED_TASK_SIZE = 40;
const BLOCKED_MAP = 'blocked';
export const blockedTaskStruct: StructLayout = { struct: 'blocked_task', offsets: BlockedTaskOffset, size: BLOCKED_TASK_SIZE };

/** task_struct state bits (include/linux/sched.h) each `state` choice times. */
const blockedStateMask = { any: 0, interruptible: 1, uninterruptible: 2 } as const;

const offCpuParams = {
  ...stackTargetParams,
  state: z
    .enum(['any', 'interruptible', 'uninterruptible'])
    .default('any')
    .describe(
      'only blocks in this state (TASK_INTERRUPTIBLE: sleeps, waits for I/O on sockets and pipes; TASK_UNINTERRUPTIBLE: disk I/O, locks); any includes preemption',
    ),
  minBlockUs: z.number().int().min(0).max(3_600_000_000).default(1).describe('ignore blocks shorter than this, in microseconds, like bcc -m'),
  maxBlockUs: z
    .number()
    .int()
    .min(1)
    .max(3_600_000_000)
    .optional()
    .describe('ignore blocks longer than this, in microseconds, like bcc -M (default: no limit)'),
  includeKernelThreads: z.boolean().default(false).describe('time kernel threads (kworkers...) too, not only user threads'),
  timeline: z.boolean().default(false).describe('also keep a total per 20 ms slot of the capture (when each block ended), for a FlameScope heat map'),
};

/** For .refine(): the block-length bounds are in order. */
const blockBoundsInOrder = (params: { minBlockUs: number; maxBlockUs?: number | undefined }): boolean =>
  params.maxBlockUs === undefined || params.minBlockUs <= params.maxBlockUs;
const blockBoundsMessage = { message: 'minBlockUs must not exceed maxBlockUs', path: ['maxBlockUs'] };

/** The params of both off-CPU tools: they filter blocked time the same way. */
export const offCpuParamsSchema = z
  .object(offCpuParams)
  .strict()
  .refine(notUserAndKernelOnly, userAndKernelOnlyMessage)
  .refine(blockBoundsInOrder, blockBoundsMessage);

export interface OffCpuParams extends StackTarget {
  state: keyof typeof blockedStateMask;
  minBlockUs: number;
  maxBlockUs?: number | undefined;
  includeKernelThreads: boolean;
  timeline: boolean;
}

/** Writes the globals of stacks.bpf.h and offcpu.bpf.h and sizes the stack maps; `countsMap` is the tool's aggregation. */
export function configureOffCpu(tool: string, object: BpfObject, params: OffCpuParams, countsMap: string): void {
  configureStackTarget(tool, object, params, countsMap);
  object.setGlobal('targ_include_kernel_threads', u8(params.includeKernelThreads));
  object.setGlobal('targ_state_mask', u32(blockedStateMask[params.state]));
  object.setGlobal('targ_min_block_ns', u64(BigInt(params.minBlockUs) * 1000n));
  object.setGlobal('targ_max_block_ns', u64(params.maxBlockUs === undefined ? 2n ** 64n - 1n : BigInt(params.maxBlockUs) * 1000n));
  object.setGlobal('targ_timeline', u8(params.timeline));
}

/** Stack ids of threads blocked now: their time is not counted yet, their stacks must stay. */
export function blockedStackIds(object: BpfObject): number[] {
  const ids: number[] = [];
  for (const { value } of object.entries(BLOCKED_MAP)) {
    ids.push(stackIdAt(value, BlockedTaskOffset.userStackId), stackIdAt(value, BlockedTaskOffset.kernelStackId));
  }
  return ids;
}
