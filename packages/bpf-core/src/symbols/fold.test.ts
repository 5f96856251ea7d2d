// foldProfile with a fake symbolizer: frame order, kernel suffix, the
// offwaketime waker layout, merging and stats. The text is @bpfscope/formats'.
import { describe, expect, it } from 'vitest';
import type { Frame, RawStack, RawStackProfile } from '../stacks/types.js';
import { foldProfile } from './fold.js';
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
      profileOf(
        [
          stack({
            userStack: [0x2n, 0x1n],
            kernelStack: [0xbn, 0xan],
            waker: { pid: 9, comm: 'waker', userStack: [0x6n, 0x5n], kernelStack: [0xdn, 0xcn] },
            value: 1000,
          }),
        ],
        { unit: 'nanoseconds' },
      ),
      new FakeSymbolizer(),
      { pidInComm: true },
    );
    expect(folded.unit).toBe('nanoseconds');
    expect(folded.stacks[0]?.frames).toEqual(['app-7', 'u7_1', 'u7_2', 'k_a_[k]', 'k_b_[k]', '--', 'k_d_[k]', 'k_c_[k]', 'u9_6', 'u9_5', 'waker-9']);
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

describe('foldProfile, tracer frames', () => {
  /** Kernel functions at 0x10, 0x20, ...; the program's JIT image at 0xc000 (kallsyms may call it anything). */
  const kernelNames = new Map<bigint, string>([
    [0xc000n, 'bpf_prog_e15858918bee0289_offcputime_switch_btf'],
    [0xc001n, '_einittext'],
    [0x10n, 'bpf_trace_run4'],
    [0x11n, 'bpf_trace_run1'],
    [0x20n, '__traceiter_sched_switch'],
    [0x21n, '__bpf_trace_sched_switch'],
    [0x30n, '__schedule'],
    [0x31n, 'schedule'],
    [0x40n, 'try_to_wake_up'],
    [0x41n, 'hrtimer_wakeup'],
    [0x50n, '___bpf_prog_run'],
    [0x51n, '__bpf_prog_run32'],
  ]);
  const named: FrameSymbolizer = {
    user: (_pid, address) => ({ name: `u_${address.toString(16)}`, module: '/app', kernel: false, address }),
    kernel: (address) => ({ name: kernelNames.get(address) ?? `k_${address.toString(16)}`, module: '[kernel]', kernel: true, address }),
  };
  const kernelPart = (frames: string[] | undefined) => (frames ?? []).filter((frame) => frame.endsWith('_[k]'));
  const fold = (kernelStack: bigint[], kernelStacksFrom?: 'sample' | 'tracepoint') =>
    kernelPart(foldProfile(profileOf([stack({ kernelStack })], kernelStacksFrom ? { kernelStacksFrom } : {}), named).stacks[0]?.frames);

  it('strips the program and the dispatch into it from tracepoint stacks, however many dispatch frames there are', () => {
    // One probe on the tracepoint: the static call goes straight to the probe, which tail-calls bpf_trace_run4.
    expect(fold([0xc000n, 0x10n, 0x30n, 0x31n], 'tracepoint')).toEqual(['schedule_[k]', '__schedule_[k]']);
    // More probes: through __traceiter_; a kernel where the probe is a frame of its own.
    expect(fold([0xc000n, 0x10n, 0x20n, 0x30n, 0x31n], 'tracepoint')).toEqual(['schedule_[k]', '__schedule_[k]']);
    expect(fold([0xc000n, 0x10n, 0x21n, 0x20n, 0x30n, 0x31n], 'tracepoint')).toEqual(['schedule_[k]', '__schedule_[k]']);
    // The interpreter (no JIT) between the program and the dispatch.
    expect(fold([0xc000n, 0x50n, 0x51n, 0x10n, 0x30n], 'tracepoint')).toEqual(['__schedule_[k]']);
  });

  it('strips the program whatever kallsyms calls it: older than the program, or the program unloaded since', () => {
    expect(fold([0xc001n, 0x10n, 0x20n, 0x30n], 'tracepoint')).toEqual(['__schedule_[k]']);
    // A second, misnamed copy of the program before the dispatch (an unwinder that reports it twice).
    expect(fold([0xc000n, 0xc001n, 0x10n, 0x30n], 'tracepoint')).toEqual(['__schedule_[k]']);
    // No dispatch frame close behind (an unexpected kernel): only the program and BPF code go.
    expect(fold([0xc001n, 0x50n, 0x30n, 0x31n], 'tracepoint')).toEqual(['schedule_[k]', '__schedule_[k]']);
  });

  it('strips them from the waker stack too, and stops at the first frame that is not the tracer', () => {
    const folded = foldProfile(
      profileOf(
        [
          stack({
            kernelStack: [0xc000n, 0x10n, 0x20n, 0x30n],
            waker: { pid: 9, comm: 'waker', userStack: [], kernelStack: [0xc000n, 0x11n, 0x40n, 0x41n, 0x10n, 0x20n] },
          }),
        ],
        { kernelStacksFrom: 'tracepoint' },
      ),
      named,
    );
    // A dispatch frame further out is a tracepoint the waker was in, not ours.
    expect(folded.stacks[0]?.frames).toEqual([
      'app',
      '__schedule_[k]',
      '--',
      'try_to_wake_up_[k]',
      'hrtimer_wakeup_[k]',
      'bpf_trace_run4_[k]',
      '__traceiter_sched_switch_[k]',
      'waker',
    ]);
  });

  it('keeps every frame of sampled stacks: profile may catch a CPU inside a BPF program', () => {
    expect(fold([0xc000n, 0x10n, 0x20n, 0x30n])).toEqual([
      '__schedule_[k]',
      '__traceiter_sched_switch_[k]',
      'bpf_trace_run4_[k]',
      'bpf_prog_e15858918bee0289_offcputime_switch_btf_[k]',
    ]);
    expect(fold([0xc000n, 0x10n, 0x30n], 'sample')).toHaveLength(3);
    expect(fold([], 'tracepoint')).toEqual([]);
  });
});
