import { describe, expect, it } from 'vitest';
import { FrameHistory } from './frameHistory.js';

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

  it('refuses a nonsense capacity', () => {
    expect(() => new FrameHistory(0)).toThrow(RangeError);
  });
});
