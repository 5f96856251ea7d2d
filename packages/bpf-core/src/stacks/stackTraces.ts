// What the stack tools (profile, offcputime, offwaketime) share in user space:
// reading the kernel's aggregation and stack-trace maps into a RawStackProfile,
// and clearing them so the next capture starts clean.
import { z } from 'zod';
import type { BpfObject } from '../bpfObject.js';
import { cString, u32, u64, u8 } from '../encode.js';
import { cgroupTargetId } from '../tools/shared/cgroups.js';
import type { RawStack, RawStackProfile } from './types.js';

// Mirrors src/bpf/stacks.h.
const STACK_DEPTH = 127;
export const STACK_NONE = -1;
const TIME_SLOT_MS = 20;
const DEFAULT_MAX_STACKS = 16384;
const TIME_SLOT_NS = BigInt(TIME_SLOT_MS) * 1_000_000n;
export const TASK_COMM_LEN = 16;

/** Maps of src/bpf/stacks.bpf.h and bpfscope.bpf.h every stack tool has. */
const STACK_TRACE_MAP = 'stack_traces';
const LOST_STACKS_COUNTER = 'lost_stacks';
const DROPS_COUNTER = 'drops';

/** Where a stack is in the kernel's aggregation: its stack-trace map ids, STACK_NONE when not captured. */
export interface StackIds {
  userStackId: number;
  kernelStackId: number;
}

/** One key of a tool's aggregation map, decoded. */
export interface AggregationKey extends StackIds {
  pid: number;
  tid: number;
  comm: string;
  /** 20 ms slot of CLOCK_MONOTONIC (0 without a timeline). */
  timeSlot: number;
  waker?: StackIds & { pid: number; comm: string };
}

/** Instruction pointers of a stack-trace map value, leaf first, up to the first 0. */
export function decodeStackTrace(value: Buffer): { ips: bigint[]; truncated: boolean } {
  const ips: bigint[] = [];
  for (let offset = 0; offset + 8 <= value.length; offset += 8) {
    const ip = value.readBigUInt64LE(offset);
    if (ip === 0n) break;
    ips.push(ip);
  }
  // The map keeps STACK_DEPTH frames: a stack that fills them all was cut there.
  return { ips, truncated: ips.length >= STACK_DEPTH };
}

/**
 * Reads stacks from the stack-trace map, each id once per collect, and remembers
 * which ids it read so they can be deleted afterwards.
 */
class StackTraceReader {
  readonly #object: BpfObject;
  readonly #stacks = new Map<number, { ips: bigint[]; truncated: boolean } | null>();
  /** References to ids no longer in the map (deleted while a key still pointed at them). */
  missing = 0;

  constructor(object: BpfObject) {
    this.#object = object;
  }

  /** The stack of `id`, leaf first; empty for STACK_NONE or a missing id. */
  read(id: number): bigint[] {
    const stack = this.#get(id);
    if (id >= 0 && !stack) this.missing++;
    return stack?.ips ?? [];
  }

  isTruncated(id: number): boolean {
    return this.#get(id)?.truncated ?? false;
  }

  #get(id: number): { ips: bigint[]; truncated: boolean } | undefined {
    if (id < 0) return undefined;
    let stack = this.#stacks.get(id);
    if (stack === undefined) {
      const key = Buffer.alloc(4);
      key.writeUInt32LE(id);
      const value = this.#object.lookup(STACK_TRACE_MAP, key);
      stack = value ? decodeStackTrace(value) : null;
      this.#stacks.set(id, stack);
    }
    return stack ?? undefined;
  }

  /** Deletes every id read from the stack-trace map, except those still referenced. */
  release(stillReferenced: ReadonlySet<number>): void {
    const key = Buffer.alloc(4);
    for (const [id, stack] of this.#stacks) {
      if (stack === null || stillReferenced.has(id)) continue;
      key.writeUInt32LE(id);
      this.#object.delete(STACK_TRACE_MAP, key);
    }
    this.#stacks.clear();
  }
}

// Per-CPU counters only grow (the session reports `drops` since the start); a
// capture reports what they gained since the previous collect of the same object.
const counterBaselines = new WeakMap<BpfObject, Map<string, number>>();

function counterSinceLastCollect(object: BpfObject, counter: string): number {
  let baselines = counterBaselines.get(object);
  if (!baselines) counterBaselines.set(object, (baselines = new Map()));
  const total = object.sumPerCpuCounter(counter);
  const gained = total - (baselines.get(counter) ?? 0);
  baselines.set(counter, total);
  return gained;
}

/**
 * CLOCK_MONOTONIC (the kernel's bpf_ktime_get_ns; process.hrtime here) minus
 * wall-clock time. Kept, not worked out at each call: Date.now()'s whole
 * milliseconds made the same instant land a slot apart now and then. Taken
 * again when the wall clock was stepped (NTP) by more than a few slots.
 */
let wallToMonotonicNs = currentWallToMonotonicNs();
const CLOCK_STEP_NS = 50_000_000n;

function currentWallToMonotonicNs(): bigint {
  return process.hrtime.bigint() - BigInt(Date.now()) * 1_000_000n;
}

/** The 20 ms CLOCK_MONOTONIC slot (as bpf_ktime_get_ns counts) the epoch time `epochMs` fell in. */
export function timeSlotAt(epochMs: number): number {
  const fresh = currentWallToMonotonicNs();
  if (fresh - wallToMonotonicNs > CLOCK_STEP_NS || wallToMonotonicNs - fresh > CLOCK_STEP_NS) wallToMonotonicNs = fresh;
  return Number((BigInt(Math.round(epochMs * 1e6)) + wallToMonotonicNs) / TIME_SLOT_NS);
}

export interface StackCollection {
  /** The tool's aggregation hash: key → u64 total. */
  countsMap: string;
  unit: RawStackProfile['unit'];
  /** Taken in a perf_event sample or in a tracepoint program (see RawStackProfile). */
  kernelStacksFrom: NonNullable<RawStackProfile['kernelStacksFrom']>;
  decodeKey(key: Buffer): AggregationKey;
  timeline: boolean;
  frequencyHz?: number;
  /** Stack ids the kernel still holds outside the aggregation (threads blocked now, their wakers). */
  pendingStackIds?(object: BpfObject): Iterable<number>;
}

function stackIdsOf(key: AggregationKey): number[] {
  const ids = [key.userStackId, key.kernelStackId];
  if (key.waker) ids.push(key.waker.userStackId, key.waker.kernelStackId);
  return ids.filter((id) => id >= 0);
}

/**
 * Reads and clears what the kernel aggregated since the last collect, resolves
 * its stacks, then deletes those stacks from the stack-trace map unless the
 * kernel still refers to them (keys added meanwhile, threads blocked now), so
 * the map does not fill up over captures.
 */
export function collectStackProfile(object: BpfObject, collection: StackCollection, capture: { startedAt: number; durationMs: number }): RawStackProfile {
  const entries = object.entries(collection.countsMap, { clear: true });
  const reader = new StackTraceReader(object);
  const captureSlot = collection.timeline ? timeSlotAt(capture.startedAt) : 0;
  const stacks: RawStack[] = [];
  let truncatedStacks = 0;
  for (const entry of entries) {
    const key = collection.decodeKey(entry.key);
    const stack: RawStack = {
      pid: key.pid,
      tid: key.tid,
      comm: key.comm,
      userStack: reader.read(key.userStackId),
      kernelStack: reader.read(key.kernelStackId),
      value: Number(entry.value.readBigUInt64LE(0)),
    };
    if (key.waker) {
      stack.waker = {
        pid: key.waker.pid,
        comm: key.waker.comm,
        userStack: reader.read(key.waker.userStackId),
        kernelStack: reader.read(key.waker.kernelStackId),
      };
    }
    // Slot 0 is the kernel clock's 20 ms slot the capture started in (so it can
    // begin up to 20 ms before the capture); a key counted in the instant before
    // (between the previous read and its clear) goes in it too.
    if (collection.timeline) stack.timeSlotMs = Math.max(0, key.timeSlot - captureSlot) * TIME_SLOT_MS;
    if (stackIdsOf(key).some((id) => reader.isTruncated(id))) truncatedStacks++;
    stacks.push(stack);
  }

  const stillReferenced = new Set<number>();
  for (const entry of object.entries(collection.countsMap)) {
    for (const id of stackIdsOf(collection.decodeKey(entry.key))) stillReferenced.add(id);
  }
  for (const id of collection.pendingStackIds?.(object) ?? []) if (id >= 0) stillReferenced.add(id);
  reader.release(stillReferenced);

  const profile: RawStackProfile = {
    unit: collection.unit,
    kernelStacksFrom: collection.kernelStacksFrom,
    stacks,
    startedAt: capture.startedAt,
    durationMs: capture.durationMs,
    lostStacks: counterSinceLastCollect(object, LOST_STACKS_COUNTER) + reader.missing,
    truncatedStacks,
    droppedSamples: counterSinceLastCollect(object, DROPS_COUNTER),
  };
  if (collection.timeline) profile.timeSlotWidthMs = TIME_SLOT_MS;
  if (collection.frequencyHz !== undefined) profile.frequencyHz = collection.frequencyHz;
  return profile;
}

/** Reads a stack id (s32) of a struct. */
export const stackIdAt = (buffer: Buffer, offset: number): number => buffer.readInt32LE(offset);

/** zod pieces every stack tool's params share. */
const threadId = z.number().int().min(1).max(4_194_304);
export const stackTargetParams = {
  pid: threadId.optional().describe('only this process (tgid), like bcc -p'),
  tid: threadId.optional().describe('only this thread, like bcc -t'),
  cgroup: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('only tasks in this cgroup v2: its path, absolute or under the cgroup2 mount (system.slice/nginx.service), like bcc --cgroupmap'),
  perThread: z.boolean().default(false).describe('keep threads apart (key by thread id) instead of summing a process'),
  userOnly: z.boolean().default(false).describe('user stacks only, like bcc -U'),
  kernelOnly: z.boolean().default(false).describe('kernel stacks only, like bcc -K'),
  maxStacks: z
    .number()
    .int()
    .min(1024)
    .max(65_536)
    .default(DEFAULT_MAX_STACKS)
    .describe('distinct stacks (stack-trace map, about 1 KiB each) and keys the kernel can hold; overflow is counted, not hidden'),
};

/** What stackTargetParams hold once parsed. */
export interface StackTarget {
  pid?: number | undefined;
  tid?: number | undefined;
  cgroup?: string | undefined;
  perThread: boolean;
  userOnly: boolean;
  kernelOnly: boolean;
  maxStacks: number;
}

/**
 * Writes the target globals of src/bpf/stacks.bpf.h (pid, tid, cgroup, per
 * thread, which stacks) and sizes the stack maps; `countsMap` is the tool's aggregation.
 */
export function configureStackTarget(tool: string, object: BpfObject, target: StackTarget, countsMap: string): void {
  object.setGlobal('targ_tgid', u32(target.pid ?? 0));
  object.setGlobal('targ_tid', u32(target.tid ?? 0));
  object.setGlobal('targ_cgroup_id', u64(cgroupTargetId(tool, target.cgroup)));
  object.setGlobal('targ_per_thread', u8(target.perThread));
  object.setGlobal('targ_user_stacks', u8(!target.kernelOnly));
  object.setGlobal('targ_kernel_stacks', u8(!target.userOnly));
  object.setMapMaxEntries(STACK_TRACE_MAP, target.maxStacks);
  object.setMapMaxEntries(countsMap, target.maxStacks);
}

/** For .refine(): userOnly and kernelOnly exclude each other. */
export const notUserAndKernelOnly = (params: { userOnly: boolean; kernelOnly: boolean }): boolean => !(params.userOnly && params.kernelOnly);
export const userAndKernelOnlyMessage = { message: 'userOnly and kernelOnly exclude each other', path: ['kernelOnly'] };

/** Decodes the key layout profile and offcputime share: pid, tid, user and kernel stack ids, time slot, comm. */
export function decodeTaskStackKey(key: Buffer, offsets: TaskStackKeyOffsets): AggregationKey {
  return {
    pid: key.readUInt32LE(offsets.pid),
    tid: key.readUInt32LE(offsets.tid),
    userStackId: stackIdAt(key, offsets.userStackId),
    kernelStackId: stackIdAt(key, offsets.kernelStackId),
    timeSlot: key.readUInt32LE(offsets.timeSlot),
    comm: cString(key, offsets.comm, TASK_COMM_LEN),
  };
}

export interface TaskStackKeyOffsets {
  pid: number;
  tid: number;
  userStackId: number;
  kernelStackId: number;
  timeSlot: number;
  comm: number;
}
