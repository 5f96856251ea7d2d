import { describe, expect, it } from 'vitest';
import { FrameCursor, FrameHistory } from './frameHistory.js';

const frame = (time: number) => ({ time, intervalMs: 1000, unit: 'usecs' as const, series: [] });

describe('FrameHistory', () => {
  it('keeps the newest frames, oldest first', () => {
    const history = new FrameHistory(3);
    expect(history.toArray()).toEqual([]);
    for (const time of [1, 2]) history.push(frame(time));
    expect(history.toArray().map((entry) => entry.time)).toEqual([1, 2]);
    for (const time of [3, 4, 5]) history.push(frame(time));
    expect(history.toArray().map((entry) => entry.time)).toEqual([3, 4, 5]);
    expect(history.size).toBe(3);
    expect(history.oldestTime).toBe(3);
  });

  it('gives back frames as pushed, series, names and counts included', () => {
    const history = new FrameHistory(2);
    const pushed = [
      { time: 1_733_500_000_000, intervalMs: 1000, unit: 'usecs' as const, series: [{ label: '', counts: [0, 3, 120, 65_536, 0, 1] }] },
      {
        time: 1_733_500_001_000,
        intervalMs: 999.5,
        unit: 'msecs' as const,
        series: [
          { label: '1234', name: 'postgres', counts: [] },
          { label: 'sda', counts: [7] },
        ],
      },
    ];
    for (const entry of pushed) history.push(entry);
    expect(history.toArray()).toStrictEqual(pushed);
    expect(history.frames(1, 2)).toStrictEqual([pushed[1]]);
    expect(history.frames(0, 10)).toStrictEqual(pushed);
  });

  it('refuses a nonsense capacity', () => {
    expect(() => new FrameHistory(0)).toThrow(RangeError);
  });
});

describe('FrameCursor', () => {
  it('starts with the history, then takes frames as they come, in batches', () => {
    const history = new FrameHistory(10);
    for (const time of [1, 2, 3]) history.push(frame(time));
    const cursor = new FrameCursor(history);
    expect(cursor.length).toBe(3);
    expect(cursor.take(2).map((entry) => entry.time)).toEqual([1, 2]);
    history.push(frame(4));
    expect(cursor.length).toBe(2);
    expect(cursor.take(10).map((entry) => entry.time)).toEqual([3, 4]);
    expect(cursor.take(10)).toEqual([]);
    expect([cursor.length, cursor.dropped]).toEqual([0, 0]);
  });

  it('viewers of one history each get every frame, and one that does not read loses the oldest beyond it, counted', () => {
    const history = new FrameHistory(3);
    const reading = new FrameCursor(history);
    const away = new FrameCursor(history);
    for (let time = 1; time <= 5; time++) {
      history.push(frame(time));
      expect(reading.take(1).map((entry) => entry.time)).toEqual([time]);
    }
    expect(reading.dropped).toBe(0);
    // Counted as soon as the history lets them go, before the viewer reads again.
    expect([away.length, away.dropped]).toEqual([3, 2]);
    expect(away.take(10).map((entry) => entry.time)).toEqual([3, 4, 5]);
    expect(away.dropped).toBe(2);
    history.push(frame(6));
    expect(away.take(10).map((entry) => entry.time)).toEqual([6]);
    expect(away.dropped).toBe(2);
  });

  it('starts after `since` when asked: only the frames that end after it, none counted as lost', () => {
    const history = new FrameHistory(4);
    for (const time of [1000, 2000, 3000, 4000, 5000, 6000]) history.push(frame(time));
    expect(new FrameCursor(history, 4000).take(10).map((entry) => entry.time)).toEqual([5000, 6000]);
    expect(new FrameCursor(history, 4500).take(10).map((entry) => entry.time)).toEqual([5000, 6000]);
    // Before the oldest kept: the whole history; at or after the newest: nothing yet, the next frame first.
    expect(new FrameCursor(history, 0).take(10).map((entry) => entry.time)).toEqual([3000, 4000, 5000, 6000]);
    const caughtUp = new FrameCursor(history, 6000);
    expect([caughtUp.length, caughtUp.dropped]).toEqual([0, 0]);
    history.push(frame(7000));
    expect(caughtUp.take(10).map((entry) => entry.time)).toEqual([7000]);
    expect(new FrameCursor(undefined, 4000).length).toBe(0);
  });

  it('has nothing for an attachment without frames', () => {
    const cursor = new FrameCursor(undefined);
    expect([cursor.length, cursor.dropped, cursor.take(5)]).toEqual([0, 0, []]);
  });
});
