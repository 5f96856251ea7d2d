import { describe, expect, it } from 'vitest';
import { cputimeAdjust, groupTaskRecords, TASKSTAT_RECORD_SIZE, taskGroupReadings } from './taskstat.js';

interface Thread {
  pid: number;
  tgid: number;
  runtime: number;
  utime: number;
  stime: number;
  gtime?: number;
  runDelay?: number;
  start?: number;
  dead?: { runtime: number; utime: number; stime: number; gtime?: number };
  cpu?: number;
  state?: number;
  comm?: string;
}

/** struct taskstat_record as the iterator writes it (taskstat.h). */
function records(threads: readonly Thread[]): Buffer {
  const buffer = Buffer.alloc(threads.length * TASKSTAT_RECORD_SIZE);
  threads.forEach((thread, i) => {
    const at = i * TASKSTAT_RECORD_SIZE;
    buffer.writeUInt32LE(thread.pid, at);
    buffer.writeUInt32LE(thread.tgid, at + 4);
    const u64s = [
      thread.runtime,
      thread.utime,
      thread.stime,
      thread.gtime ?? 0,
      thread.runDelay ?? 0,
      thread.start ?? 0,
      thread.dead?.runtime ?? 0,
      thread.dead?.utime ?? 0,
      thread.dead?.stime ?? 0,
      thread.dead?.gtime ?? 0,
    ];
    u64s.forEach((value, field) => buffer.writeBigUInt64LE(BigInt(value), at + 8 + field * 8));
    buffer.writeUInt32LE(thread.cpu ?? 0, at + 88);
    buffer.writeUInt32LE(thread.state ?? 0, at + 92);
    buffer.write(thread.comm ?? '', at + 96, 15, 'utf8');
  });
  return buffer;
}

describe('groupTaskRecords', () => {
  it('sums live threads and adds the exited ones from the leader record only', () => {
    const buffer = records([
      {
        pid: 10,
        tgid: 10,
        runtime: 3e9,
        utime: 2e9,
        stime: 1e9,
        runDelay: 7e6,
        start: 5e9,
        dead: { runtime: 1e9, utime: 5e8, stime: 5e8 },
        cpu: 1,
        comm: 'postgres',
      },
      { pid: 11, tgid: 10, runtime: 2e9, utime: 2e9, stime: 0, runDelay: 9e9, start: 5e9 },
      { pid: 12, tgid: 12, runtime: 5e6, utime: 0, stime: 5e6, start: 6e9, state: 0x402, comm: 'kworker/0:1' },
    ]);
    const groups = groupTaskRecords(buffer, buffer.length);
    expect(groups.get(10)).toMatchObject({
      comm: 'postgres',
      threads: 2,
      runtimeNs: 6e9,
      rawUtimeNs: 4.5e9,
      rawStimeNs: 1.5e9,
      leaderRunDelayNs: 7e6,
      processor: 1,
      state: 'R',
    });
    expect(groups.get(12)).toMatchObject({ comm: 'kworker/0:1', threads: 1, state: 'I' });
  });

  it('ignores a partial record at the end', () => {
    const buffer = records([{ pid: 1, tgid: 1, runtime: 1, utime: 1, stime: 0 }]);
    expect(groupTaskRecords(buffer, buffer.length - 1).size).toBe(0);
  });
});

describe('cputimeAdjust (the kernel function of the same name)', () => {
  it('splits the runtime by the sampled ratio', () => {
    expect(cputimeAdjust(1000, 3, 1, null)).toEqual({ utime: 750, stime: 250 });
    expect(cputimeAdjust(1000, 0, 0, null)).toEqual({ utime: 1000, stime: 0 });
    expect(cputimeAdjust(1000, 0, 5, null)).toEqual({ utime: 0, stime: 1000 });
  });

  it('never lets user or system time go backwards', () => {
    const first = cputimeAdjust(1000, 1, 1, null);
    // The ratio swings to all-user: system stays where it was, user takes the rest.
    expect(cputimeAdjust(1200, 1, 0, first)).toEqual({ utime: 700, stime: 500 });
    // Runtime not past the previous split: the previous split stands.
    expect(cputimeAdjust(900, 1, 1, first)).toBe(first);
  });
});

describe('taskGroupReadings', () => {
  it('gives pidstat ticks of USER_HZ, lowest PIDs first, at most max, skipping a group whose leader is gone', () => {
    const buffer = records([
      { pid: 30, tgid: 30, runtime: 2e8, utime: 1, stime: 1, start: 4e9, runDelay: 5, comm: 'b' },
      { pid: 21, tgid: 20, runtime: 1e8, utime: 1, stime: 0 },
      { pid: 7, tgid: 7, runtime: 5e7, utime: 1, stime: 0, gtime: 1e7, start: 1e8, comm: 'a' },
      { pid: 40, tgid: 40, runtime: 1, utime: 1, stime: 0 },
    ]);
    const readings = taskGroupReadings(groupTaskRecords(buffer, buffer.length), 2, new Map());
    expect(readings.map((reading) => reading.pid)).toEqual([7, 30]);
    expect(readings[0]).toMatchObject({ comm: 'a', utime: 5, stime: 0, guestTime: 1, starttime: 10, runDelayNs: 0 });
    expect(readings[1]).toMatchObject({ comm: 'b', utime: 10, stime: 10, starttime: 400, runDelayNs: 5, numThreads: 1 });
  });
});
