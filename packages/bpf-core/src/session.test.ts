import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { BpfObject } from './bpfObject.js';
import { histogramDescriptionOf, nextFrameBoundary, parseToolParams, ToolSession } from './session.js';
import { getTool } from './tools/registry.js';
import type { TableToolDefinition } from './tools/types.js';

describe('nextFrameBoundary', () => {
  it('is the next whole interval on the wall clock', () => {
    expect(nextFrameBoundary(10_250, 0, 1000)).toBe(11_000);
    expect(nextFrameBoundary(11_000, 0, 1000)).toBe(12_000);
  });

  it('never gives the same boundary twice when a timer fires a millisecond early', () => {
    // The timer for 11 000 fired at 10 999: the next frame ends at 12 000, not 11 000 again.
    expect(nextFrameBoundary(10_999, 11_000, 1000)).toBe(12_000);
  });
});

describe('histogramDescriptionOf', () => {
  const describeWith = (name: string, params: unknown) => histogramDescriptionOf(getTool(name), parseToolParams(getTool(name), params));

  it('says what a map histogram measures under the params: its unit and the key its series go by', () => {
    expect(describeWith('biolatency', {})).toEqual({ measure: 'block I/O latency', unit: 'usecs', keyName: undefined });
    expect(describeWith('biolatency', { perDisk: true, milliseconds: true })).toEqual({ measure: 'block I/O latency', unit: 'msecs', keyName: 'disk' });
    expect(describeWith('runqlat', { perProcess: true })).toMatchObject({ unit: 'usecs', keyName: 'pid' });
  });

  it('says what a histogram of rows measures, and nothing for a stack tool', () => {
    expect(describeWith('tcplife', {})).toEqual({ measure: 'TCP session duration', unit: 'usecs' });
    expect(describeWith('profile', {})).toBeUndefined();
  });
});

/** A loaded object with nothing in it but a per-interval counter the fake tool reads. */
function fakeObject(): { object: BpfObject; closed: () => boolean } {
  let closed = false;
  const object = {
    maps: () => [],
    sumPerCpuCounter: () => 0,
    programIds: () => [],
    programStats: () => [],
    linkIds: () => [],
    closeAsync: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  return { object: object as unknown as BpfObject, closed: () => closed };
}

interface CountRow {
  time: number;
  key: string;
  count: number | null;
  ms: number;
}

/** An interval-rows table tool: each read says what interval it covered and how many events the kernel counted meanwhile. */
function countingTool(options: { intervalMs?: number; counted: () => number }): TableToolDefinition<{ only?: string }, CountRow> {
  return {
    name: 'countfake',
    title: 'fake',
    description: 'fake',
    category: 'processes',
    outputKind: 'table',
    objectFile: 'none.bpf.o',
    structs: [],
    paramsSchema: z.object({ only: z.string().optional() }),
    attachMethods: [],
    configure: () => undefined,
    columns: [
      { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
      { header: 'KEY', key: 'key', width: 4, display: 'text', align: 'left' },
      { header: 'COUNT', key: 'count', width: 0, display: 'integer', align: 'right' },
    ],
    intervalRows: {
      intervalMs: options.intervalMs === undefined ? undefined : () => options.intervalMs as number,
      open: () => ({
        read(interval) {
          const count = options.counted();
          const ms = interval.endsAt - interval.startsAt;
          return {
            rows: [
              { time: interval.endsAt, key: 'a', count, ms },
              { time: interval.endsAt, key: 'b', count: null, ms },
            ],
            events: count,
          };
        },
      }),
    },
    accept: (row, params) => params.only === undefined || row.key === params.only,
    timeSeries: [{ title: 'counts', columns: ['count'], unit: 'per interval' }],
  };
}

describe('interval rows', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(10_250);
  });
  afterEach(() => vi.useRealTimers());

  it('reads on each wall-clock boundary, each row stamped with its interval end', async () => {
    let counted = 0;
    const { object, closed } = fakeObject();
    const session = new ToolSession<CountRow>(countingTool({ counted: () => counted }), {}, 'tracepoint', object);
    const batches: CountRow[][] = [];
    session.onRows((rows) => batches.push(rows));
    counted = 3;
    await vi.advanceTimersByTimeAsync(750);
    expect(batches).toEqual([
      [
        { time: 11_000, key: 'a', count: 3, ms: 750 },
        { time: 11_000, key: 'b', count: null, ms: 750 },
      ],
    ]);
    counted = 5;
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches[1]?.map((row) => [row.time, row.count, row.ms])).toEqual([
      [12_000, 5, 1000],
      [12_000, null, 1000],
    ]);
    expect(session.stats().events).toBe(8);
    await session.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(batches).toHaveLength(2);
    expect(closed()).toBe(true);
  });

  it('keeps only what accept keeps, and flush ends the interval early', async () => {
    const { object } = fakeObject();
    const session = new ToolSession<CountRow>(countingTool({ counted: () => 1 }), { only: 'b' }, 'tracepoint', object);
    const seen: CountRow[] = [];
    session.onRows((rows) => seen.push(...rows));
    await vi.advanceTimersByTimeAsync(350);
    expect(session.flushIntervalRows().map((row) => [row.key, row.time, row.ms])).toEqual([['b', 10_600, 350]]);
    // The timer's interval starts where the flushed one ended.
    await vi.advanceTimersByTimeAsync(400);
    expect(seen.map((row) => [row.key, row.time, row.ms])).toEqual([
      ['b', 10_600, 350],
      ['b', 11_000, 400],
    ]);
    await session.close();
    expect(session.flushIntervalRows()).toEqual([]);
  });

  it('takes the interval from the params, on its own wall-clock multiples', async () => {
    const { object } = fakeObject();
    const session = new ToolSession<CountRow>(countingTool({ intervalMs: 5000, counted: () => 0 }), {}, 'tracepoint', object);
    const times: number[] = [];
    session.onRows((rows) => times.push(rows[0]?.time ?? -1));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(times).toEqual([15_000, 20_000]);
    await session.close();
  });

  it('refuses a table tool that makes no rows', () => {
    const { object } = fakeObject();
    const tool = { ...countingTool({ counted: () => 0 }), intervalRows: undefined };
    expect(() => new ToolSession(tool, {}, 'tracepoint', object)).toThrow(/neither a ring buffer nor interval rows/);
  });
});
