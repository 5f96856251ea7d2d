import { describe, expect, it } from 'vitest';
import { LiveRows } from './liveRows';

const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ n: from + i }));

describe('LiveRows', () => {
  it('keeps the newest rows under the cap and counts what it dropped', () => {
    const live = new LiveRows(5);
    live.append(rows(0, 3));
    live.append(rows(3, 4));
    expect(live.rows.map((row) => row.n)).toEqual([2, 3, 4, 5, 6]);
    expect(live.droppedByCap).toBe(2);
    expect(live.received).toBe(7);
  });

  it('holds rows back while paused and shows them on resume', () => {
    const live = new LiveRows(100);
    live.append(rows(0, 2));
    live.pause();
    const before = live.version;
    live.append(rows(2, 3));
    expect(live.rows).toHaveLength(2);
    expect(live.waitingCount).toBe(3);
    expect(live.version).toBeGreaterThan(before);
    live.resume();
    expect(live.rows.map((row) => row.n)).toEqual([0, 1, 2, 3, 4]);
    expect(live.waitingCount).toBe(0);
  });

  it('bounds the waiting rows too, and the merge on resume', () => {
    const live = new LiveRows(4);
    live.append(rows(0, 3));
    live.pause();
    live.append(rows(3, 6));
    expect(live.waitingCount).toBe(4);
    expect(live.droppedByCap).toBe(2);
    live.resume();
    expect(live.rows.map((row) => row.n)).toEqual([5, 6, 7, 8]);
    expect(live.droppedByCap).toBe(2 + 3);
  });

  it('lowering the cap drops the oldest at once; clear resets the counters', () => {
    const live = new LiveRows(10);
    live.append(rows(0, 10));
    live.setCap(3);
    expect(live.rows.map((row) => row.n)).toEqual([7, 8, 9]);
    expect(live.droppedByCap).toBe(7);
    live.clear();
    expect([live.rows.length, live.droppedByCap, live.received]).toEqual([0, 0, 0]);
  });

  it('refuses nonsense caps', () => {
    expect(new LiveRows(Number.NaN).cap).toBe(100_000);
    expect(new LiveRows(0).cap).toBe(1);
    expect(new LiveRows(1e12).cap).toBe(1_000_000);
  });
});
