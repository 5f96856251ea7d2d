// Folded stacks (Brendan Gregg's format): what bpf-core's stack tools produce, the
// agent serves, and the flame-graph views and exports read. One definition, so the
// CLI's text and the web's export cannot drift apart.

/** What a stack's value counts: CPU samples (profile) or time blocked (offcputime, offwaketime). */
export type StackUnit = 'samples' | 'nanoseconds';

/** Suffix of kernel frames (flamegraph.pl's convention), so they are coloured apart. */
export const KERNEL_FRAME_SUFFIX = '_[k]';
/** offwaketime's frame between the blocked task's stack and its waker's (bcc offwaketime -f). */
export const WAKER_SEPARATOR = '--';
/** A user stack this shallow (and not empty) usually means a binary built without frame pointers. */
export const SHORT_USER_STACK_FRAMES = 2;

export interface FoldedStack {
  /**
   * Root first: comm, then user frames, then kernel frames suffixed `_[k]`. With
   * a waker (offwaketime): a `--` frame, then the waker's kernel and user frames
   * leaf first and its comm last, as bcc offwaketime -f prints them.
   */
  frames: string[];
  value: number;
  /** Start of the time slot this count falls in, ms since the capture started (FlameScope); absent without a timeline. */
  timeSlotMs?: number;
}

export interface FoldedProfile {
  unit: StackUnit;
  /** A frame list once per time slot it was seen in (when the capture kept a timeline), else once. */
  stacks: FoldedStack[];
  /** Width of a time slot (ms) when stacks carry timeSlotMs. */
  timeSlotWidthMs?: number;
  /** Sampling frequency (profile). */
  frequencyHz?: number;
  /** Capture start, epoch ms, and length. */
  startedAt: number;
  durationMs: number;
  stats: {
    /** Stacks the kernel could not store in the stack-trace map (hash collision or map full). */
    lostStacks: number;
    /** Stacks cut at the kernel's depth limit (127 frames). */
    truncatedStacks: number;
    /** Counts lost because the aggregation map was full. */
    droppedSamples: number;
    /** Frames that could not be named (no symbol, process gone...). */
    unknownFrames: number;
    /** Raw stacks with a user part of at most SHORT_USER_STACK_FRAMES frames: a sign of binaries without frame pointers. */
    shortUserStacks: number;
    symbolCacheHits: number;
    symbolCacheMisses: number;
  };
}
