import { describe, expect, it } from 'vitest';
import { FakeStackObject, u64Value } from '../../../test/fakeStackObject.js';
import { BLOCKED_TASK_SIZE, BlockedTaskOffset } from '../../stacks/offcpu.js';
import { STACK_NONE } from '../../stacks/stackTraces.js';
import { OFFCPUTIME_KEY_SIZE, offcputime, OffcputimeKeyOffset, offcputimeParams } from './offcputime.js';

const capture = { startedAt: Date.now() - 1000, durationMs: 1000 };

function offcputimeKey(options: { pid: number; comm: string; user: number; kernel: number }): Buffer {
  const key = Buffer.alloc(OFFCPUTIME_KEY_SIZE);
  key.writeUInt32LE(options.pid, OffcputimeKeyOffset.pid);
  key.writeInt32LE(options.user, OffcputimeKeyOffset.userStackId);
  key.writeInt32LE(options.kernel, OffcputimeKeyOffset.kernelStackId);
  key.write(options.comm, OffcputimeKeyOffset.comm);
  return key;
}

describe('offcputime params', () => {
  it('defaults as documented', () => {
    expect(offcputimeParams.parse({})).toEqual({
      perThread: false,
      userOnly: false,
      kernelOnly: false,
      maxStacks: 16384,
      state: 'any',
      minBlockUs: 1,
      includeKernelThreads: false,
      timeline: false,
    });
  });

  it.each([
    { state: 'running' },
    { minBlockUs: -1 },
    { minBlockUs: 50, maxBlockUs: 10 },
    { maxBlockUs: 0 },
    { userOnly: true, kernelOnly: true },
    { frequency: 99 },
  ])('refuses %j', (params) => {
    expect(offcputimeParams.safeParse(params).success).toBe(false);
  });

  it('describes every param for the generated form', () => {
    for (const [name, schema] of Object.entries(offcputimeParams.shape)) expect(schema.description, name).toMatch(/\w/);
  });

  it('passes the state as task_struct state bits and the bounds in nanoseconds', () => {
    const object = new FakeStackObject();
    offcputime.configure(object.asBpfObject(), offcputimeParams.parse({ state: 'uninterruptible', minBlockUs: 250, tid: 99 }));
    expect(object.globals.get('targ_state_mask')?.readUInt32LE()).toBe(2);
    expect(object.globals.get('targ_min_block_ns')?.readBigUInt64LE()).toBe(250_000n);
    expect(object.globals.get('targ_max_block_ns')?.readBigUInt64LE()).toBe(2n ** 64n - 1n);
    expect(object.globals.get('targ_tid')?.readUInt32LE()).toBe(99);
    expect(object.globals.get('targ_include_kernel_threads')).toEqual(Buffer.from([0]));
    offcputime.configure(object.asBpfObject(), offcputimeParams.parse({ state: 'interruptible', maxBlockUs: 5 }));
    expect(object.globals.get('targ_state_mask')?.readUInt32LE()).toBe(1);
    expect(object.globals.get('targ_max_block_ns')?.readBigUInt64LE()).toBe(5000n);
    expect(object.maxEntries).toEqual(
      new Map([
        ['stack_traces', 16384],
        ['offcpu_ns', 16384],
      ]),
    );
  });
});

describe('offcputime collect', () => {
  it('sums nanoseconds by stack and keeps the stacks of threads still blocked', () => {
    const object = new FakeStackObject();
    object.setStack(1, [0x401010n]);
    object.setStack(2, [0xffffffff81002000n]);
    object.setStack(3, [0x403030n]);
    object.set('offcpu_ns', offcputimeKey({ pid: 7, comm: 'sleeper', user: 1, kernel: 2 }), u64Value(80_000_000));
    object.set('offcpu_ns', offcputimeKey({ pid: 7, comm: 'sleeper', user: 3, kernel: 2 }), u64Value(20_000_000));
    // Thread 7 is blocked again at stack 1 (and kernel stack 2) right now.
    const blocked = Buffer.alloc(BLOCKED_TASK_SIZE);
    blocked.writeInt32LE(1, BlockedTaskOffset.userStackId);
    blocked.writeInt32LE(2, BlockedTaskOffset.kernelStackId);
    object.set('blocked', Buffer.from([7, 0, 0, 0]), blocked);

    const profile = offcputime.collect(object.asBpfObject(), offcputimeParams.parse({}), capture);
    expect(profile.unit).toBe('nanoseconds');
    // Taken inside the sched_switch program: folding strips the tracer's frames.
    expect(profile.kernelStacksFrom).toBe('tracepoint');
    expect(profile.timeSlotWidthMs).toBeUndefined();
    expect(profile.stacks).toEqual([
      { pid: 7, tid: 0, comm: 'sleeper', userStack: [0x401010n], kernelStack: [0xffffffff81002000n], value: 80_000_000 },
      { pid: 7, tid: 0, comm: 'sleeper', userStack: [0x403030n], kernelStack: [0xffffffff81002000n], value: 20_000_000 },
    ]);
    expect(object.size('offcpu_ns')).toBe(0);
    expect([...(object.maps.get('stack_traces')?.keys() ?? [])]).toEqual(['01000000', '02000000']);
  });

  it('leaves a stack out when it was not captured', () => {
    const object = new FakeStackObject();
    object.set('offcpu_ns', offcputimeKey({ pid: 7, comm: 'k', user: STACK_NONE, kernel: STACK_NONE }), u64Value(1000));
    const [stack] = offcputime.collect(object.asBpfObject(), offcputimeParams.parse({}), capture).stacks;
    expect(stack).toMatchObject({ userStack: [], kernelStack: [], value: 1000 });
    expect(object.lookups).toEqual([]);
  });
});
