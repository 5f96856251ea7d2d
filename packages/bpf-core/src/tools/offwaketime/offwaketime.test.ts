import { describe, expect, it } from 'vitest';
import { FakeStackObject, u64Value } from '../../../test/fakeStackObject.js';
import { STACK_NONE } from '../../stacks/stackTraces.js';
import { OFFWAKETIME_KEY_SIZE, offwaketime, OffwaketimeKeyOffset, WAKER_SIZE, WakerOffset, decodeOffwaketimeKey, offwaketimeParams } from './offwaketime.js';

const capture = { startedAt: Date.now() - 1000, durationMs: 1000 };

function offwaketimeKey(options: {
  pid: number;
  comm: string;
  user: number;
  kernel: number;
  waker?: { pid: number; comm: string; user: number; kernel: number };
}): Buffer {
  const at = OffwaketimeKeyOffset;
  const key = Buffer.alloc(OFFWAKETIME_KEY_SIZE);
  key.writeUInt32LE(options.pid, at.pid);
  key.writeInt32LE(options.user, at.userStackId);
  key.writeInt32LE(options.kernel, at.kernelStackId);
  key.write(options.comm, at.comm);
  key.writeInt32LE(STACK_NONE, at.wakerUserStackId);
  key.writeInt32LE(STACK_NONE, at.wakerKernelStackId);
  if (options.waker) {
    key.writeUInt32LE(1, at.hasWaker);
    key.writeUInt32LE(options.waker.pid, at.wakerPid);
    key.writeInt32LE(options.waker.user, at.wakerUserStackId);
    key.writeInt32LE(options.waker.kernel, at.wakerKernelStackId);
    key.write(options.waker.comm, at.wakerComm);
  }
  return key;
}

describe('offwaketime keys', () => {
  it('decodes the blocked thread and its waker', () => {
    expect(
      decodeOffwaketimeKey(offwaketimeKey({ pid: 7, comm: 'reader', user: 1, kernel: 2, waker: { pid: 0, comm: 'swapper/1', user: STACK_NONE, kernel: 4 } })),
    ).toEqual({
      pid: 7,
      tid: 0,
      comm: 'reader',
      userStackId: 1,
      kernelStackId: 2,
      timeSlot: 0,
      waker: { pid: 0, comm: 'swapper/1', userStackId: STACK_NONE, kernelStackId: 4 },
    });
  });

  it('has no waker for a thread that was preempted', () => {
    expect(decodeOffwaketimeKey(offwaketimeKey({ pid: 7, comm: 'busy', user: 1, kernel: 2 })).waker).toBeUndefined();
  });

  it('takes the params offcputime takes', () => {
    expect(offwaketimeParams.parse({ state: 'interruptible' })).toMatchObject({ state: 'interruptible', minBlockUs: 1, timeline: false });
    expect(offwaketimeParams.safeParse({ minBlockUs: 2, maxBlockUs: 1 }).success).toBe(false);
  });
});

describe('offwaketime collect', () => {
  it("returns the waker's stacks and keeps those of wakers whose wakee has not run yet", () => {
    const object = new FakeStackObject();
    object.setStack(1, [0x401010n]);
    object.setStack(2, [0xffffffff81002000n]);
    object.setStack(3, [0x405050n]);
    object.setStack(4, [0xffffffff81004000n]);
    object.set(
      'offwake_ns',
      offwaketimeKey({ pid: 7, comm: 'reader', user: 1, kernel: 2, waker: { pid: 8, comm: 'writer', user: 3, kernel: 4 } }),
      u64Value(20_000_000),
    );
    object.set('offwake_ns', offwaketimeKey({ pid: 7, comm: 'reader', user: 1, kernel: 2 }), u64Value(1_000));
    // Thread 7 was just woken again by the same writer's stack.
    const waker = Buffer.alloc(WAKER_SIZE);
    waker.writeInt32LE(3, WakerOffset.userStackId);
    waker.writeInt32LE(STACK_NONE, WakerOffset.kernelStackId);
    object.set('wakers', Buffer.from([7, 0, 0, 0]), waker);

    const profile = offwaketime.collect(object.asBpfObject(), offwaketimeParams.parse({}), capture);
    expect(profile.kernelStacksFrom).toBe('tracepoint');
    expect(profile.stacks).toEqual([
      {
        pid: 7,
        tid: 0,
        comm: 'reader',
        userStack: [0x401010n],
        kernelStack: [0xffffffff81002000n],
        waker: { pid: 8, comm: 'writer', userStack: [0x405050n], kernelStack: [0xffffffff81004000n] },
        value: 20_000_000,
      },
      { pid: 7, tid: 0, comm: 'reader', userStack: [0x401010n], kernelStack: [0xffffffff81002000n], value: 1_000 },
    ]);
    expect([...(object.maps.get('stack_traces')?.keys() ?? [])]).toEqual(['03000000']);
  });
});
