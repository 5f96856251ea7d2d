// Brendan Gregg's folded-stack text (`comm;frame;frame count` per line): what
// flamegraph.pl, speedscope and most profilers read and write.
import { KERNEL_SUFFIX, WAKER_SEPARATOR } from './flameTree.js';
import type { FoldedStack } from './types.js';

export interface ParseFoldedTextOptions {
  /** Told of each line that is neither blank, a comment, nor `stack count`; such lines are skipped, as flamegraph.pl does. */
  onInvalidLine?(line: string, lineNumber: number): void;
}

/**
 * Folded text → stacks, one per line, in file order. The count is the last
 * space-separated field (frames may hold spaces: `operator new(unsigned long)`).
 */
export function parseFoldedText(text: string, options: ParseFoldedTextOptions = {}): FoldedStack[] {
  const stacks: FoldedStack[] = [];
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const count = space === -1 ? NaN : Number(line.slice(space + 1));
    if (!Number.isFinite(count) || count < 0 || line.slice(space + 1) === '') {
      options.onInvalidLine?.(line, lineNumber);
      continue;
    }
    const stackText = line.slice(0, space);
    stacks.push({ frames: stackText === '' ? [] : stackText.split(';'), value: count });
  }
  return stacks;
}

export interface ToFoldedTextOptions {
  /** Add up the stacks of one path (time slots split them) and sort the lines, as stackcollapse does. Default true. */
  aggregate?: boolean;
}

/**
 * Stacks → folded text, a line per stack and a newline after the last. A `;`
 * or line break inside a frame would change the stack's shape when read back,
 * so it is written as `:` or a space.
 */
export function toFoldedText(stacks: readonly FoldedStack[], options: ToFoldedTextOptions = {}): string {
  const lines: Array<[string, number]> = [];
  if (options.aggregate ?? true) {
    const totals = new Map<string, number>();
    for (const stack of stacks) {
      const key = foldedLine(stack.frames);
      totals.set(key, (totals.get(key) ?? 0) + stack.value);
    }
    for (const entry of totals) lines.push(entry);
    lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  } else for (const stack of stacks) lines.push([foldedLine(stack.frames), stack.value]);
  let text = '';
  for (const [key, value] of lines) text += `${key} ${formatCount(value)}\n`;
  return text;
}

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

/** A user stack this shallow usually means a binary built without frame pointers (bpf-core's fold counts the same). */
const SHORT_USER_STACK_FRAMES = 2;

/**
 * Share (0..1) of the distinct stacks with a user part that are one or two user
 * frames deep: the user frames are those between the comm and the first kernel
 * frame (or offwaketime's `--`). Stacks without user frames are not counted.
 */
export function shortUserStackShare(stacks: readonly FoldedStack[]): number {
  const depths = new Map<string, number>();
  for (const stack of stacks) {
    const key = stack.frames.join('\0');
    if (depths.has(key)) continue;
    let depth = 0;
    for (let index = 1; index < stack.frames.length; index++) {
      const frame = stack.frames[index] as string;
      if (frame === WAKER_SEPARATOR || frame.endsWith(KERNEL_SUFFIX)) break;
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

function foldedLine(frames: readonly string[]): string {
  let line = '';
  for (let index = 0; index < frames.length; index++) {
    const frame = frames[index] as string;
    const clean = /[;\r\n]/.test(frame) ? frame.replace(/;/g, ':').replace(/[\r\n]+/g, ' ') : frame;
    line += index === 0 ? clean : `;${clean}`;
  }
  return line;
}

/** Integers as they are; fractions (scaled diffs) without exponent notation. */
function formatCount(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}
