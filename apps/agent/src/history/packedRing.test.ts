import { describe, expect, it } from 'vitest';
import { unpackRecords } from '@bpfscope/formats';
import { PackedRing } from './packedRing.js';
import type { Packable } from './packedRing.js';

describe('PackedRing', () => {
  it('gives back every kind of value it keeps, exactly', () => {
    const values: Packable[] = [
      0,
      -0,
      1,
      255,
      256,
      65_535,
      65_536,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      1_733_500_000_123,
      0.1,
      -12.345,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Infinity,
      -Infinity,
      NaN,
      '',
      'sda',
      'kworker/0:1-events',
      'é ü 漢字 🙂',
      'x'.repeat(100_000),
      true,
      false,
      null,
      undefined,
      [],
      {},
      [1, 'a', null, [2, [3]], { b: false }],
      {
        time: 1_733_500_000_000,
        cpus: 2,
        name: undefined,
        nested: {
          list: [
            { Device: 'nvme0n1', util: 12.5 },
            { Device: 'sda', util: 0 },
          ],
        },
      },
      { 'a key with "quotes" and :colons': 1, '': 2, '{': '}' },
      JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as Packable,
    ];
    const ring = new PackedRing<Packable>(values.length);
    for (const value of values) ring.push(value);
    // Primitives compared with Object.is: -0 and NaN are themselves, not 0 and null.
    expect(ring.values()).toStrictEqual(values);
    expect(Object.is(ring.get(1), -0)).toBe(true);
    expect(Number.isNaN(ring.get(18))).toBe(true);
    // Keys that hold undefined are still there, in their order.
    expect(Object.keys(ring.get(31) as object)).toEqual(['time', 'cpus', 'name', 'nested']);
    // A key named __proto__ is a key, as JSON.parse has it, and leaves the prototype alone.
    const proto = ring.get(33) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the last `capacity` values, oldest first, numbered as pushed', () => {
    const ring = new PackedRing<{ time: number }>(3);
    expect(ring.values()).toEqual([]);
    expect([ring.start, ring.end, ring.size]).toEqual([0, 0, 0]);
    for (let time = 1; time <= 5; time++) ring.push({ time });
    expect(ring.values()).toEqual([{ time: 3 }, { time: 4 }, { time: 5 }]);
    expect([ring.start, ring.end, ring.size]).toEqual([2, 5, 3]);
    expect(ring.get(3)).toEqual({ time: 4 });
    expect(ring.values(4)).toEqual([{ time: 5 }]);
    expect(ring.values(0)).toEqual(ring.values());
    expect(() => ring.get(1)).toThrow(RangeError);
    expect(() => ring.get(5)).toThrow(RangeError);
  });

  it('builds a value anew on each read, so a reader cannot change what is kept', () => {
    const ring = new PackedRing<{ rows: number[] }>(2);
    ring.push({ rows: [1, 2] });
    const first = ring.get(0);
    first.rows.push(3);
    expect(ring.get(0)).toEqual({ rows: [1, 2] });
    expect(ring.get(0)).not.toBe(ring.get(0));
  });

  it('reads only the top-level keys asked for, the others skipped over', () => {
    const ring = new PackedRing<Packable>(4);
    ring.push({ time: 1000, pidstat: { rows: [{ Command: 'node', CPU: 12.5 }] }, label: 'é', bpf: { runqlatP99Us: 812.5 } });
    ring.push({ time: 2000, pidstat: null, label: '', bpf: { runqlatP99Us: null } });
    expect(ring.values(undefined, ['time', 'bpf'])).toEqual([
      { time: 1000, bpf: { runqlatP99Us: 812.5 } },
      { time: 2000, bpf: { runqlatP99Us: null } },
    ]);
    ring.push([1, 2]);
    expect(ring.get(2, ['time'])).toEqual([1, 2]);
  });

  it('refuses what JSON would not carry as it is', () => {
    const ring = new PackedRing<Packable>(1);
    expect(() => ring.push(new Date(0) as unknown as Packable)).toThrow(TypeError);
    expect(() => ring.push({ set: new Set([1]) } as unknown as Packable)).toThrow(TypeError);
    expect(() => ring.push(10n as unknown as Packable)).toThrow(TypeError);
    expect(ring.size).toBe(0);
    expect(() => new PackedRing(0)).toThrow(RangeError);
  });

  it('packs a host sample shape into far fewer bytes than it has numbers × 8, and stays bounded as it wraps', () => {
    const sample = (second: number) => ({
      time: 1_733_500_000_000 + second * 1000,
      cpus: 2,
      mpstat: { rows: ['all', 0, 1].map((CPU) => ({ CPU, usr: (second % 7) * 1.25, sys: 0.5, iowait: 0, idle: 98.25 - (second % 7) * 1.25 })) },
      iostat: [{ Device: 'sda', 'r/s': second % 3, 'w/s': 12, util: 0.4 }],
      pidstat: { rows: Array.from({ length: 10 }, (_, index) => ({ PID: 1000 + index, Command: `worker-${index}`, CPU: index === 0 ? 3.5 : 0 })) },
    });
    const ring = new PackedRing<ReturnType<typeof sample>>(600);
    for (let second = 0; second < 600; second++) ring.push(sample(second));
    const full = ring.bytes;
    // 55 numbers a sample, most of them small counts or zeros; 64 KiB of slack at most (the chunk being filled).
    expect(full / 600).toBeLessThan(55 * 8 * 0.75);
    for (let second = 600; second < 6000; second++) ring.push(sample(second));
    expect(ring.bytes).toBeLessThanOrEqual(full + 64 * 1024);
    expect(ring.get(5999)).toEqual(sample(5999));
    expect(ring.get(5400)).toEqual(sample(5400));
  });

  it('lets the oldest go when asked, and grows its slots up to capacity as it fills', () => {
    const ring = new PackedRing<number>(1000);
    for (let value = 0; value < 300; value++) ring.push(value);
    ring.dropOldest(250);
    expect([ring.start, ring.end, ring.size]).toEqual([250, 300, 50]);
    expect(ring.values()).toEqual(Array.from({ length: 50 }, (_, index) => 250 + index));
    for (let value = 300; value < 2500; value++) ring.push(value);
    expect(ring.size).toBe(1000);
    expect(ring.values()).toEqual(Array.from({ length: 1000 }, (_, index) => 1500 + index));
    ring.dropOldest(5000);
    expect([ring.size, ring.start, ring.end]).toEqual([0, 2500, 2500]);
    ring.push(7);
    expect(ring.values()).toEqual([7]);
  });

  it('keeps its table of shapes bounded when every value has a new shape', () => {
    const ring = new PackedRing<Record<string, number>>(10);
    for (let index = 0; index < 5000; index++) ring.push({ [`key${index}`]: index });
    expect(ring.values()).toEqual(Array.from({ length: 10 }, (_, offset) => ({ [`key${4990 + offset}`]: 4990 + offset })));
    expect(ring.shapes).toBeLessThanOrEqual(256 + 10);
  });

  it('sends a range as the bytes it keeps, which the wire decoder reads back exactly, after wrapping and shape sweeps', () => {
    const ring = new PackedRing<Packable>(300);
    const pushed: Packable[] = [];
    // New shapes often (a key per 7th value), so the table is swept while the ring wraps.
    for (let index = 0; index < 2000; index++) {
      const value = { time: index * 1000, load: index / 7, name: `p${index % 13}`, ...(index % 7 === 0 ? { [`only${index}`]: [index, null] } : {}) };
      pushed.push(value);
      ring.push(value);
    }
    const kept = pushed.slice(-300);
    const all = Array.from({ length: 300 }, (_, index) => ring.start + index);
    expect(unpackRecords(JSON.parse(JSON.stringify(ring.packed(all))))).toStrictEqual(kept);
    // A part of it, and the fields asked for.
    const part = all.slice(100, 150);
    expect(unpackRecords(JSON.parse(JSON.stringify(ring.packed(part))), ['time'])).toStrictEqual(
      kept.slice(100, 150).map((value) => ({ time: (value as { time: number }).time })),
    );
    expect(ring.packed([]).count).toBe(0);
    expect(() => ring.packed([ring.start - 1])).toThrow(RangeError);
  });
});
