// Stack profiles: what the stack tools (profile, offcputime, offwaketime) collect
// from the kernel, and their symbolized, folded form (Brendan Gregg's format),
// whose types @bpfscope/formats holds for every layer.
import type { StackUnit } from '@bpfscope/formats';

export type { FoldedProfile, FoldedStack, StackUnit } from '@bpfscope/formats';

/** One aggregated stack from the kernel: who, where, how much. */
export interface RawStack {
  /** Process (tgid). */
  pid: number;
  /** Thread, or 0 when the tool does not key by thread. */
  tid: number;
  comm: string;
  /** Instruction pointers, leaf first, as the stack-trace map holds them; empty when not captured or lost. */
  userStack: bigint[];
  kernelStack: bigint[];
  /** offwaketime: who woke the blocked task, and from where. */
  waker?: { pid: number; comm: string; userStack: bigint[]; kernelStack: bigint[] };
  /**
   * Start of the time slot this count falls in, ms since the capture started
   * (FlameScope's subsecond heat map); undefined when the tool kept no timeline.
   */
  timeSlotMs?: number;
  /** Samples (profile) or nanoseconds blocked (offcputime, offwaketime). */
  value: number;
}

export interface RawStackProfile {
  unit: StackUnit;
  stacks: RawStack[];
  /** Width of a time slot (ms) when stacks carry timeSlotMs. */
  timeSlotWidthMs?: number;
  /** Sampling frequency (profile). */
  frequencyHz?: number;
  /**
   * Where kernel stacks begin: 'sample' (the default) at the interrupted
   * instruction (profile's perf events); 'tracepoint' inside the tracer's
   * raw_tp/tp_btf program (offcputime, offwaketime), so their leaf frames are
   * the tracer's own, which folding strips.
   */
  kernelStacksFrom?: 'sample' | 'tracepoint';
  /** Capture start, epoch ms, and length. */
  startedAt: number;
  durationMs: number;
  /** Stacks the kernel could not store in the stack-trace map (hash collision or map full). */
  lostStacks: number;
  /** Stacks cut at the kernel's depth limit (127 frames). */
  truncatedStacks: number;
  /** Counts lost because the aggregation map was full. */
  droppedSamples: number;
}

/** A symbolized frame. */
export interface Frame {
  /** Function name; for unknown addresses `module+0xoffset` or `[unknown]`. */
  name: string;
  /** Binary or shared object path, `[kernel]`, `[vdso]`, or a perf map. */
  module: string;
  kernel: boolean;
  address: bigint;
}
