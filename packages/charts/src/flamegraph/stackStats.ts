// What a profile view says about its stacks besides the graph: how many there
// are, and how many stop short (binaries built without frame pointers).
import { KERNEL_FRAME_SUFFIX, SHORT_USER_STACK_FRAMES, WAKER_SEPARATOR } from '@bpfscope/formats';
import type { FoldedStack } from '@bpfscope/formats';

/**
 * Distinct stacks (frame lists): what "N stacks" counts. A capture with a
 * timeline holds a stack once per time slot it was seen in; those are one stack.
 */
export function countDistinctStacks(stacks: readonly FoldedStack[]): number {
  const seen = new Set<string>();
  // NUL cannot occur in a symbol name, so joined frame lists are distinct exactly when the lists are.
  for (const stack of stacks) seen.add(stack.frames.join('\0'));
  return seen.size;
}

/**
 * Share (0..1) of the distinct stacks with a user part that are at most
 * SHORT_USER_STACK_FRAMES user frames deep (bpf-core's fold counts the same):
 * the user frames are those between the comm and the first kernel frame (or
 * offwaketime's `--`). Stacks without user frames are not counted.
 */
export function shortUserStackShare(stacks: readonly FoldedStack[]): number {
  const depths = new Map<string, number>();
  for (const stack of stacks) {
    const key = stack.frames.join('\0');
    if (depths.has(key)) continue;
    let depth = 0;
    for (let index = 1; index < stack.frames.length; index++) {
      const frame = stack.frames[index] as string;
      if (frame === WAKER_SEPARATOR || frame.endsWith(KERNEL_FRAME_SUFFIX)) break;
      depth++;
    }
    depths.set(key, depth);
  }
  let withUser = 0;
  let short = 0;
  for (const depth of depths.values()) {
    if (depth === 0) continue;
    withUser++;
    if (depth <= SHORT_USER_STACK_FRAMES) short++;
  }
  return withUser > 0 ? short / withUser : 0;
}
