import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFoldedText, toFoldedText } from '../src/foldedText.js';
import type { FoldedProfile } from '../src/foldedStacks.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
/** Kernel frames, offwaketime wakers, a `;` and line breaks inside frames, names past U+FFFF, stacks split over time slots. */
const profile = JSON.parse(fixture('profile.json')) as FoldedProfile;
const expected = fixture('profile.folded');

describe('folded text', () => {
  it('writes the fixture profile as the fixture text: time slots summed, sorted by stack, unsafe characters replaced', () => {
    expect(toFoldedText(profile.stacks)).toBe(expected);
    // Whatever order the stacks come in.
    expect(toFoldedText([...profile.stacks].reverse())).toBe(expected);
  });

  it('reads its own text back to the same stacks and counts, and writes them again byte for byte', () => {
    const stacks = parseFoldedText(expected);
    expect(stacks).toHaveLength(expected.split('\n').length - 1);
    const total = (list: readonly { value: number }[]) => list.reduce((sum, stack) => sum + stack.value, 0);
    expect(total(stacks)).toBe(total(profile.stacks));
    expect(stacks.find((stack) => stack.frames[0] === 'java')?.frames).toEqual([
      'java',
      'Interpreter',
      'Ljava/lang/Object:.wait(J)V',
      'futex_wait_[k]',
      'schedule_[k]',
    ]);
    expect(stacks.find((stack) => stack.frames[0] === 'bash')?.frames).toEqual(['bash', 'main', 'eval line ', 'read_[k]']);
    expect(toFoldedText(stacks)).toBe(expected);
  });

  it('round-trips sorted unique stacks exactly', () => {
    const stacks = [
      { frames: ['bash', 'main', 'read', 'vfs_read_[k]'], value: 12 },
      { frames: ['nginx', 'epoll_wait', 'schedule_[k]', '--', 'try_to_wake_up_[k]', 'ksoftirqd/0'], value: 250_000_000 },
      { frames: ['python3', 'operator new(unsigned long)', '[unknown]'], value: 3 },
    ];
    const text = toFoldedText(stacks);
    expect(text).toBe(
      'bash;main;read;vfs_read_[k] 12\n' +
        'nginx;epoll_wait;schedule_[k];--;try_to_wake_up_[k];ksoftirqd/0 250000000\n' +
        'python3;operator new(unsigned long);[unknown] 3\n',
    );
    expect(parseFoldedText(text)).toEqual(stacks);
  });

  it('adds up stacks split over time slots and sorts the lines', () => {
    const stacks = [
      { frames: ['b', 'x'], value: 1, timeSlotMs: 0 },
      { frames: ['a'], value: 2, timeSlotMs: 0 },
      { frames: ['b', 'x'], value: 3, timeSlotMs: 20 },
    ];
    expect(toFoldedText(stacks)).toBe('a 2\nb;x 4\n');
    expect(toFoldedText([])).toBe('');
  });

  it('writes counts without exponents: integers as they are, fractions to six places', () => {
    expect(toFoldedText([{ frames: ['a'], value: 12_000_000_000_000_000_000_000 }])).toBe('a 12000000000000000000000\n');
    expect(
      toFoldedText([
        { frames: ['a'], value: 0.1 },
        { frames: ['a'], value: 0.2 },
        { frames: ['b'], value: 1e-7 },
        { frames: ['c'], value: 2.5 },
      ]),
    ).toBe('a 0.3\nb 0\nc 2.5\n');
  });

  it('reads CRLF files, comments, blank lines, fractions, and reports lines without a count', () => {
    const invalid: Array<[string, number]> = [];
    const stacks = parseFoldedText('# from perf\r\na;b 3\r\n\r\nno-count-here\r\na;c 1.5\r\nbroken -1\r\n', {
      onInvalidLine: (line, lineNumber) => invalid.push([line, lineNumber]),
    });
    expect(stacks).toEqual([
      { frames: ['a', 'b'], value: 3 },
      { frames: ['a', 'c'], value: 1.5 },
    ]);
    expect(invalid).toEqual([
      ['no-count-here', 4],
      ['broken -1', 6],
    ]);
    expect(parseFoldedText('')).toEqual([]);
  });

  it('writes frames with `;` or line breaks so they read back as one frame', () => {
    const text = toFoldedText([{ frames: ['app', 'weird;name', 'two\nlines'], value: 1 }]);
    expect(text).toBe('app;weird:name;two lines 1\n');
    expect(parseFoldedText(text)[0]?.frames).toHaveLength(3);
  });
});
