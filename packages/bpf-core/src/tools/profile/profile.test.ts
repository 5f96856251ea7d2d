import { describe, expect, it } from 'vitest';
import { FakeStackObject, u64Value } from '../../../test/fakeStackObject.js';
import { STACK_NONE, decodeStackTrace, timeSlotAt } from '../../stacks/stackTraces.js';
import { profile as profileTool, PROFILE_KEY_SIZE, ProfileKeyOffset, profileParams } from './profile.js';

function profileKey(options: { pid: number; tid?: number; comm: string; user: number; kernel: number; slot?: number }): Buffer {
  const key = Buffer.alloc(PROFILE_KEY_SIZE);
  key.writeUInt32LE(options.pid, ProfileKeyOffset.pid);
  key.writeUInt32LE(options.tid ?? 0, ProfileKeyOffset.tid);
  key.writeInt32LE(options.user, ProfileKeyOffset.userStackId);
  key.writeInt32LE(options.kernel, ProfileKeyOffset.kernelStackId);
  key.writeUInt32LE(options.slot ?? 0, ProfileKeyOffset.timeSlot);
  key.write(options.comm, ProfileKeyOffset.comm);
  return key;
}

const capture = { startedAt: Date.now() - 1000, durationMs: 1000 };

describe('profile params', () => {
  it('defaults as documented', () => {
    expect(profileParams.parse({})).toEqual({
      perThread: false,
      userOnly: false,
      kernelOnly: false,
      maxStacks: 16384,
      includeIdle: false,
      frequency: 49,
      timeline: true,
    });
  });

  it.each([
    { frequency: 0 },
    { frequency: 1001 },
    { frequency: 9.5 },
    { userOnly: true, kernelOnly: true },
    { maxStacks: 1 << 20 },
    { tid: 0 },
    { unknown: 1 },
  ])('refuses %j', (params) => {
    expect(profileParams.safeParse(params).success).toBe(false);
  });

  it('describes every param for the generated form', () => {
    for (const [name, schema] of Object.entries(profileParams.shape)) {
      expect(schema.description, name).toMatch(/\w/);
    }
  });

  it('sets the kernel filters and sizes both maps', () => {
    const object = new FakeStackObject();
    profileTool.configure(object.asBpfObject(), profileParams.parse({ pid: 42, kernelOnly: true, maxStacks: 2048, timeline: false }));
    expect(object.globals.get('targ_tgid')).toEqual(Buffer.from([42, 0, 0, 0]));
    expect(object.globals.get('targ_user_stacks')).toEqual(Buffer.from([0]));
    expect(object.globals.get('targ_kernel_stacks')).toEqual(Buffer.from([1]));
    expect(object.globals.get('targ_timeline')).toEqual(Buffer.from([0]));
    expect(object.maxEntries).toEqual(
      new Map([
        ['stack_traces', 2048],
        ['samples', 2048],
      ]),
    );
  });
});

describe('stack-trace map values', () => {
  it('reads instruction pointers leaf first up to the first zero; 127 frames means cut', () => {
    const value = Buffer.alloc(127 * 8);
    value.writeBigUInt64LE(0xffffffff81000010n, 0);
    value.writeBigUInt64LE(0x401000n, 8);
    expect(decodeStackTrace(value)).toEqual({ ips: [0xffffffff81000010n, 0x401000n], truncated: false });
    for (let index = 0; index < 127; index++) value.writeBigUInt64LE(BigInt(0x1000 + index), index * 8);
    expect(decodeStackTrace(value).truncated).toBe(true);
  });
});

describe('profile collect', () => {
  it('turns counts and stack ids into raw stacks, reading each stack once', () => {
    const object = new FakeStackObject();
    object.setStack(1, [0x401010n, 0x401200n]);
    object.setStack(2, [0xffffffff81001000n]);
    object.set('samples', profileKey({ pid: 7, comm: 'spin', user: 1, kernel: 2 }), u64Value(5));
    object.set('samples', profileKey({ pid: 7, comm: 'spin', user: 1, kernel: STACK_NONE }), u64Value(3));
    const profile = profileTool.collect(object.asBpfObject(), profileParams.parse({ timeline: false, frequency: 99 }), capture);
    expect(profile).toEqual({
      unit: 'samples',
      // Samples begin at the interrupted instruction: folding keeps all their frames.
      kernelStacksFrom: 'sample',
      stacks: [
        { pid: 7, tid: 0, comm: 'spin', userStack: [0x401010n, 0x401200n], kernelStack: [0xffffffff81001000n], value: 5 },
        { pid: 7, tid: 0, comm: 'spin', userStack: [0x401010n, 0x401200n], kernelStack: [], value: 3 },
      ],
      frequencyHz: 99,
      startedAt: capture.startedAt,
      durationMs: 1000,
      lostStacks: 0,
      truncatedStacks: 0,
      droppedSamples: 0,
    });
    expect(object.lookups.filter((lookup) => lookup.map === 'stack_traces')).toHaveLength(2);
  });

  it('clears the counts and the stacks it read, but not stacks the kernel still refers to', () => {
    const object = new FakeStackObject();
    object.setStack(1, [0x401010n]);
    object.setStack(2, [0x402020n]);
    object.set('samples', profileKey({ pid: 7, comm: 'a', user: 1, kernel: STACK_NONE }), u64Value(1));
    object.set('samples', profileKey({ pid: 8, comm: 'b', user: 2, kernel: STACK_NONE }), u64Value(1));
    // A sample of the same stack 2 arrives between the read and the clear of the stack map.
    object.afterRead = (map) => {
      if (map === 'samples' && object.size('samples') === 0)
        object.set('samples', profileKey({ pid: 8, comm: 'b', user: 2, kernel: STACK_NONE, slot: 1 }), u64Value(1));
    };
    const params = profileParams.parse({ timeline: false });
    expect(profileTool.collect(object.asBpfObject(), params, capture).stacks).toHaveLength(2);
    expect(object.size('stack_traces')).toBe(1);
    object.afterRead = undefined;
    const next = profileTool.collect(object.asBpfObject(), params, capture);
    expect(next.stacks.map((stack) => stack.userStack)).toEqual([[0x402020n]]);
    expect(object.size('samples')).toBe(0);
    expect(object.size('stack_traces')).toBe(0);
  });

  it('reports what the kernel lost since the last collect, stacks gone from the map, and cut stacks', () => {
    const object = new FakeStackObject();
    object.counters.set('lost_stacks', 3);
    object.counters.set('drops', 2);
    object.setStack(
      1,
      Array.from({ length: 127 }, (_, index) => BigInt(0x1000 + index)),
    );
    object.set('samples', profileKey({ pid: 7, comm: 'deep', user: 1, kernel: STACK_NONE }), u64Value(4));
    object.set('samples', profileKey({ pid: 7, comm: 'gone', user: 9, kernel: STACK_NONE }), u64Value(1));
    const params = profileParams.parse({ timeline: false });
    const first = profileTool.collect(object.asBpfObject(), params, capture);
    expect(first).toMatchObject({ lostStacks: 4, truncatedStacks: 1, droppedSamples: 2 });
    expect(first.stacks.find((stack) => stack.comm === 'gone')?.userStack).toEqual([]);
    object.counters.set('lost_stacks', 5);
    expect(profileTool.collect(object.asBpfObject(), params, capture)).toMatchObject({ lostStacks: 2, truncatedStacks: 0, droppedSamples: 0 });
  });

  it('maps one wall-clock time to one slot every time it is asked, and neighbouring slots 20 ms apart', () => {
    const at = Date.now() - 5000;
    const slots = new Set(Array.from({ length: 2000 }, () => timeSlotAt(at)));
    expect(slots.size).toBe(1);
    expect(timeSlotAt(at + 20) - timeSlotAt(at)).toBe(1);
    // And it is CLOCK_MONOTONIC's slot: now, by the wall clock, is now by hrtime.
    expect(Math.abs(timeSlotAt(Date.now()) - Number(process.hrtime.bigint() / 20_000_000n))).toBeLessThanOrEqual(1);
  });

  it('places counts in 20 ms slots from the start of the capture', () => {
    const object = new FakeStackObject();
    const first = timeSlotAt(capture.startedAt);
    object.set('samples', profileKey({ pid: 7, comm: 'a', user: STACK_NONE, kernel: STACK_NONE, slot: first + 3 }), u64Value(1));
    object.set('samples', profileKey({ pid: 7, comm: 'a', user: STACK_NONE, kernel: STACK_NONE, slot: first - 1 }), u64Value(1));
    const profile = profileTool.collect(object.asBpfObject(), profileParams.parse({}), capture);
    expect(profile.timeSlotWidthMs).toBe(20);
    expect(profile.stacks.map((stack) => stack.timeSlotMs).sort((a, b) => a! - b!)).toEqual([0, 60]);
  });
});
