import { describe, expect, it } from 'vitest';
import { parseFoldedText } from '@bpfscope/formats';
import { countDistinctStacks, shortUserStackShare } from './stackStats.js';

describe('stack statistics', () => {
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
