// Brendan Gregg's folded-stack text (`comm;frame;frame count` per line): what
// flamegraph.pl, speedscope and most profilers read and write. bpfscope-tool's
// stack tools print it and the web's "Folded" export saves it: both call
// toFoldedText, so one profile gives the same bytes from either.
import type { FoldedStack } from './foldedStacks.js';

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

/**
 * Stacks → folded text, a line per distinct frame list and a newline after the
 * last. The stacks of one list (a timeline splits them by time slot) add up:
 * the text has no timeline.
 *
 * Lines are sorted by their stack in code point order (UTF-8 byte order, as
 * Perl's `cmp` and `LC_ALL=C sort` compare), as stackcollapse-perf.pl prints
 * them: the same profile always gives the same bytes, two captures diff line by
 * line, and a stack sits by its siblings. Sorted by value, the file would be
 * reordered by every capture; flamegraph.pl and speedscope read either.
 *
 * A `;` inside a frame is written `:` (stackcollapse-perf.pl does the same) and a
 * run of line breaks a space: either would change the stack's shape when read
 * back. parseFoldedText reads the text back to the same lists and counts.
 */
export function toFoldedText(stacks: readonly FoldedStack[]): string {
  const totals = new Map<string, number>();
  for (const stack of stacks) {
    const line = foldedLine(stack.frames);
    totals.set(line, (totals.get(line) ?? 0) + stack.value);
  }
  const lines = [...totals.keys()].sort(compareCodePoints);
  let text = '';
  for (const line of lines) text += `${line} ${formatCount(totals.get(line) as number)}\n`;
  return text;
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

/**
 * Code point order: UTF-16 code unit order but for surrogates (code points past
 * U+FFFF), which sort after U+E000..U+FFFF as their UTF-8 bytes do.
 */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return codePointRank(left) - codePointRank(right);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Integers as they are (no exponent, however large); fractions (scaled diffs) to 6 places, without exponent or trailing zeros. */
function formatCount(value: number): string {
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  return value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}
