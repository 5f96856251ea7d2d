import { describe, expect, it } from 'vitest';
import { countDistinctStacks, parseFoldedText, shortUserStackShare, toFoldedText } from './foldedText.js';

describe('folded text', () => {
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

  it('adds up stacks split over time slots and sorts the lines, or keeps them as they are', () => {
    const stacks = [
      { frames: ['b', 'x'], value: 1, timeSlotMs: 0 },
      { frames: ['a'], value: 2, timeSlotMs: 0 },
      { frames: ['b', 'x'], value: 3, timeSlotMs: 20 },
    ];
    expect(toFoldedText(stacks)).toBe('a 2\nb;x 4\n');
    expect(toFoldedText(stacks, { aggregate: false })).toBe('b;x 1\na 2\nb;x 3\n');
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

  it('counts distinct stacks, not each stack once per time slot it was seen in', () => {
    const hot = ['sha256sum', 'main', 'sha256_block'];
    const overTime = [
      { frames: hot, value: 1, timeSlotMs: 0 },
      { frames: hot, value: 1, timeSlotMs: 20 },
      { frames: hot, value: 1, timeSlotMs: 40 },
      { frames: ['sha256sum', 'main'], value: 1, timeSlotMs: 40 },
      { frames: ['swapper/0', 'cpu_idle_[k]'], value: 2, timeSlotMs: 0 },
    ];
    expect(countDistinctStacks(overTime)).toBe(3);
    // Frames are compared as lists: `a;b` as one frame is not the stack a → b.
    expect(
      countDistinctStacks([
        { frames: ['a', 'b'], value: 1 },
        { frames: ['a;b'], value: 1 },
        { frames: ['a'], value: 1 },
      ]),
    ).toBe(3);
    expect(countDistinctStacks([])).toBe(0);
  });

  it('gives the share of stacks with a user part one or two frames deep, a stack once whatever its time slots', () => {
    const stacks = parseFoldedText(
      [
        'app;main;work;spin 5', // 3 user frames
        'app;libc_read;vfs_read_[k] 2', // 1 user frame, then the kernel
        'app;[unknown];[unknown] 1', // 2
        'kworker/0;worker_thread_[k] 9', // no user frames: not counted
        'nginx;epoll_wait;schedule_[k];--;try_to_wake_up_[k];a;b;c;waker 4', // 1: the waker's frames are not the blocked task's
      ].join('\n'),
    );
    const overTime = [...stacks, { frames: ['app', 'libc_read', 'vfs_read_[k]'], value: 1, timeSlotMs: 20 }];
    expect(shortUserStackShare(overTime)).toBe(3 / 4);
    expect(shortUserStackShare([{ frames: ['swapper/0', 'cpu_idle_[k]'], value: 1 }])).toBe(0);
  });
});
