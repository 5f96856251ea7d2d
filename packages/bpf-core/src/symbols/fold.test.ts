// foldProfile and toFoldedText with a fake symbolizer: frame order, kernel
// suffix, the offwaketime waker layout, merging, sanitizing and stats.
import { describe, expect, it } from 'vitest';
import type { Frame, RawStack, RawStackProfile } from '../stacks/types.js';
import { foldProfile, toFoldedText } from './fold.js';
import type { FrameSymbolizer } from './fold.js';

/** Names addresses `u<pid>_<hex>` and `k_<hex>`; 0xdead is unknown. */
class FakeSymbolizer implements FrameSymbolizer {
  hits = 0;
  misses = 0;
  private readonly seen = new Set<string>();

  user(pid: number, address: bigint): Frame {
    this.count(`${pid}:${address}`);
    const name = address === 0xdeadn ? 'app+0xdead' : `u${pid}_${address.toString(16)}`;
    return { name, module: '/app', kernel: false, address };
  }

  kernel(address: bigint): Frame {
    this.count(`k:${address}`);
    return { name: address === 0xdeadn ? '[unknown]' : `k_${address.toString(16)}`, module: '[kernel]', kernel: true, address };
  }

  stats() {
    return { cacheHits: this.hits, cacheMisses: this.misses };
  }

  private count(key: string): void {
    if (this.seen.has(key)) this.hits++;
    else this.misses++;
    this.seen.add(key);
  }
}

function profileOf(stacks: RawStack[], extra: Partial<RawStackProfile> = {}): RawStackProfile {
  return { unit: 'samples', stacks, startedAt: 1_700_000_000_000, durationMs: 5000, lostStacks: 3, truncatedStacks: 2, droppedSamples: 1, ...extra };
}

const stack = (overrides: Partial<RawStack>): RawStack => ({ pid: 7, tid: 7, comm: 'app', userStack: [], kernelStack: [], value: 1, ...overrides });

describe('foldProfile', () => {
  it('puts comm first, then user frames root to leaf, then kernel frames root to leaf with _[k]', () => {
    const folded = foldProfile(profileOf([stack({ userStack: [0x3n, 0x2n, 0x1n], kernelStack: [0xbn, 0xan], value: 5 })]), new FakeSymbolizer());
    expect(folded.stacks).toEqual([{ frames: ['app', 'u7_1', 'u7_2', 'u7_3', 'k_a_[k]', 'k_b_[k]'], value: 5 }]);
  });

  it('lays out offwaketime stacks as bcc offwaketime -f does', () => {
    const folded = foldProfile(
      profileOf([
        stack({
          userStack: [0x2n, 0x1n],
          kernelStack: [0xbn, 0xan],
          waker: { pid: 9, comm: 'waker', userStack: [0x6n, 0x5n], kernelStack: [0xdn, 0xcn] },
          value: 1000,
        }),
      ], { unit: 'nanoseconds' }),
      new FakeSymbolizer(),
      { pidInComm: true },
    );
    expect(folded.unit).toBe('nanoseconds');
    expect(folded.stacks[0]?.frames).toEqual([
      'app-7', 'u7_1', 'u7_2', 'k_a_[k]', 'k_b_[k]',
      '--',
      'k_d_[k]', 'k_c_[k]', 'u9_6', 'u9_5', 'waker-9',
    ]);
  });

  it('sums identical frame lists within a time slot, keeps slots apart, and fills stats', () => {
    const symbolizer = new FakeSymbolizer();
    const folded = foldProfile(
      profileOf(
        [
          stack({ userStack: [0x1n], kernelStack: [0xan], timeSlotMs: 0, value: 2 }),
          stack({ tid: 8, userStack: [0x1n], kernelStack: [0xan], timeSlotMs: 0, value: 3 }),
          stack({ userStack: [0x1n], kernelStack: [0xan], timeSlotMs: 20, value: 4 }),
          stack({ userStack: [0xdeadn, 0x2n, 0x1n], kernelStack: [0xdeadn], timeSlotMs: 20, value: 1 }),
          stack({ comm: 'idle', pid: 0, tid: 0, kernelStack: [0xan], timeSlotMs: 20, value: 6 }),
        ],
        { timeSlotWidthMs: 20, frequencyHz: 49 },
      ),
      symbolizer,
    );
    expect(folded.stacks).toEqual([
      { frames: ['app', 'u7_1', 'k_a_[k]'], value: 5, timeSlotMs: 0 },
      { frames: ['app', 'u7_1', 'k_a_[k]'], value: 4, timeSlotMs: 20 },
      { frames: ['app', 'u7_1', 'u7_2', 'app+0xdead', '[unknown]_[k]'], value: 1, timeSlotMs: 20 },
      { frames: ['idle', 'k_a_[k]'], value: 6, timeSlotMs: 20 },
    ]);
    expect(folded).toMatchObject({ timeSlotWidthMs: 20, frequencyHz: 49, startedAt: 1_700_000_000_000, durationMs: 5000 });
    expect(folded.stats).toEqual({
      lostStacks: 3,
      truncatedStacks: 2,
      droppedSamples: 1,
      unknownFrames: 2,
      shortUserStacks: 3,
      symbolCacheHits: 6,
      symbolCacheMisses: 5,
    });
  });

  it('folds an empty profile, and works with a symbolizer without stats', () => {
    const symbolizer: FrameSymbolizer = {
      user: (_pid, address) => ({ name: 'f', module: 'm', kernel: false, address }),
      kernel: (address) => ({ name: 'g', module: '[kernel]', kernel: true, address }),
    };
    expect(foldProfile(profileOf([]), symbolizer).stacks).toEqual([]);
    expect(foldProfile(profileOf([stack({ userStack: [1n] })]), symbolizer).stats).toMatchObject({ symbolCacheHits: 0, symbolCacheMisses: 0 });
  });
});

describe('toFoldedText', () => {
  it('prints one line per stack, largest first, summing time slots, with ; and newlines in names replaced', () => {
    const folded = foldProfile(profileOf([]), new FakeSymbolizer());
    folded.stacks = [
      { frames: ['app', 'main', 'work'], value: 3, timeSlotMs: 0 },
      { frames: ['app', 'operator;()', 'line\nbreak\r'], value: 10 },
      { frames: ['app', 'main', 'work'], value: 4, timeSlotMs: 20 },
      { frames: ['app', 'main', 'LazyCompile:~f /a b.js:1'], value: 7 },
    ];
    expect(toFoldedText(folded)).toBe(
      'app;operator_();line_break_ 10\napp;main;LazyCompile:~f /a b.js:1 7\napp;main;work 7\n',
    );
    expect(toFoldedText({ ...folded, stacks: [] })).toBe('');
  });
});
