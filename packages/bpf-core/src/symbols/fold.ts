// Raw kernel stacks → folded stacks (Brendan Gregg's format, what flamegraph.pl,
// speedscope and FlameScope read): one frame list per stack, root first, with
// identical lists summed.
import { KERNEL_FRAME_SUFFIX, SHORT_USER_STACK_FRAMES, WAKER_SEPARATOR } from '@bpfscope/formats';
import type { FoldedProfile, FoldedStack, Frame, RawStack, RawStackProfile } from '../stacks/types.js';
import { isUnknownFrame } from './frameNames.js';
import { tracerFrameCount } from './tracerFrames.js';

/** What folding needs from a symbolizer; tests pass a fake, production the Symbolizer. */
export interface FrameSymbolizer {
  user(pid: number, address: bigint): Frame;
  kernel(address: bigint): Frame;
  stats?(): { cacheHits: number; cacheMisses: number };
}

export interface FoldOptions {
  /** Render the comm frame as `comm-pid` (bcc's -p style). Default false. */
  pidInComm?: boolean;
}

/**
 * Folds a profile. Frames root first: comm, user frames, kernel frames (`_[k]`).
 * With a waker (offwaketime): the target as above, `--`, then the waker's
 * kernel and user frames leaf first and its comm last, as bcc offwaketime -f prints.
 * Kernel stacks taken in a tracepoint program lose the tracer's own leaf frames.
 */
export function foldProfile(profile: RawStackProfile, symbolizer: FrameSymbolizer, options: FoldOptions = {}): FoldedProfile {
  const before = symbolizer.stats?.();
  const pidInComm = options.pidInComm ?? false;
  let unknownFrames = 0;
  let shortUserStacks = 0;

  const userFrames = (pid: number, stack: readonly bigint[]): string[] =>
    stack.map((address) => {
      const frame = symbolizer.user(pid, address);
      if (isUnknownFrame(frame)) unknownFrames++;
      return frame.name;
    });
  // By name after symbolizing, not a skip count in the kernel: each other probe on the tracepoint can add a frame.
  const tracerFrames = profile.kernelStacksFrom === 'tracepoint';
  const kernelFrames = (stack: readonly bigint[]): string[] =>
    stack.slice(tracerFrames ? tracerFrameCount(stack, (address) => symbolizer.kernel(address).name) : 0).map((address) => {
      const frame = symbolizer.kernel(address);
      if (isUnknownFrame(frame)) unknownFrames++;
      return frame.name + KERNEL_FRAME_SUFFIX;
    });
  const commFrame = (comm: string, pid: number) => (pidInComm ? `${comm}-${pid}` : comm);

  const merged = new Map<string, FoldedStack>();
  for (const stack of profile.stacks) {
    if (stack.userStack.length > 0 && stack.userStack.length <= SHORT_USER_STACK_FRAMES) shortUserStacks++;
    const frames = foldFrames(stack, commFrame, userFrames, kernelFrames);
    const key = `${frames.join('\0')}\0${stack.timeSlotMs ?? ''}`;
    const existing = merged.get(key);
    if (existing !== undefined) {
      existing.value += stack.value;
    } else {
      const folded: FoldedStack = { frames, value: stack.value };
      if (stack.timeSlotMs !== undefined) folded.timeSlotMs = stack.timeSlotMs;
      merged.set(key, folded);
    }
  }

  const after = symbolizer.stats?.();
  const folded: FoldedProfile = {
    unit: profile.unit,
    stacks: [...merged.values()],
    startedAt: profile.startedAt,
    durationMs: profile.durationMs,
    stats: {
      lostStacks: profile.lostStacks,
      truncatedStacks: profile.truncatedStacks,
      droppedSamples: profile.droppedSamples,
      unknownFrames,
      shortUserStacks,
      symbolCacheHits: (after?.cacheHits ?? 0) - (before?.cacheHits ?? 0),
      symbolCacheMisses: (after?.cacheMisses ?? 0) - (before?.cacheMisses ?? 0),
    },
  };
  if (profile.timeSlotWidthMs !== undefined) folded.timeSlotWidthMs = profile.timeSlotWidthMs;
  if (profile.frequencyHz !== undefined) folded.frequencyHz = profile.frequencyHz;
  return folded;
}

function foldFrames(
  stack: RawStack,
  commFrame: (comm: string, pid: number) => string,
  userFrames: (pid: number, stack: readonly bigint[]) => string[],
  kernelFrames: (stack: readonly bigint[]) => string[],
): string[] {
  // Raw stacks are leaf first; the target's part of a folded stack is root first.
  const frames = [commFrame(stack.comm, stack.pid), ...userFrames(stack.pid, stack.userStack).reverse(), ...kernelFrames(stack.kernelStack).reverse()];
  const { waker } = stack;
  if (waker !== undefined) {
    frames.push(WAKER_SEPARATOR, ...kernelFrames(waker.kernelStack), ...userFrames(waker.pid, waker.userStack), commFrame(waker.comm, waker.pid));
  }
  return frames;
}
