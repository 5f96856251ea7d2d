import { describe, expect, it } from 'vitest';
import { packRecords, shapeOf, shapeOfSignature, unpackRecords, Writer, writeValue } from '../src/wire/packedRecords.js';
import type { Packable } from '../src/wire/packedRecords.js';
import { WireFormatError } from '../src/wire/wireError.js';

/** Through JSON, as the packed form travels. */
const overTheWire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

/** A second of a host as the overview keeps it, cut down: rows per CPU and disk, strings, nulls, fractions. */
const sample = (time: number, disks: string[]): Packable => ({
  time,
  cpus: 2,
  loadavg: { one: 0.52, five: 0.31, fifteen: 0.2 },
  mpstat: [
    { cpu: 'all', usr: 3.5, sys: 1.25, idle: 95.25 },
    { cpu: '0', usr: 4, sys: 1.5, idle: 94.5 },
  ],
  iostat: disks.map((Device, index) => ({ Device, rs: index, util: 12.5 * index, await: null })),
  kernelLog: { available: true, lost: 0, records: [] },
  bpf: { runqlatP99Us: 900, biolatencyP99Us: null, tcpSessions: 2, tcpSessionP99Ms: 35.5 },
});

describe('packed records', () => {
  it('round-trips records of several shapes exactly, through JSON, each shape sent once', () => {
    const values = [sample(1_765_000_000_000, ['sda']), sample(1_765_000_001_000, ['sda']), sample(1_765_000_002_000, ['sda', 'nvme0n1']), 'x', [1, -0.5]];
    const packed = packRecords(values);
    expect(packed.count).toBe(5);
    // Two samples of one disk share a shape; the two-disk sample, the string and the array have theirs.
    expect(packed.shapes).toHaveLength(4);
    expect(unpackRecords(overTheWire(packed))).toStrictEqual(values);
  });

  it('keeps what JSON would lose: -0, NaN, Infinity, undefined, odd keys, __proto__ as an own key', () => {
    const values: Packable[] = [
      { a: -0, b: NaN, c: Infinity, d: undefined, 'a "quoted" key: {x}': 'é 漢字 🙂', '': 1 },
      JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as Packable,
    ];
    const [first, second] = unpackRecords<Record<string, unknown>>(overTheWire(packRecords(values)));
    expect(Object.is(first?.a, -0)).toBe(true);
    expect(first?.b).toBeNaN();
    expect(first?.c).toBe(Infinity);
    expect(Object.keys(first ?? {})).toEqual(['a', 'b', 'c', 'd', 'a "quoted" key: {x}', '']);
    expect(first?.['a "quoted" key: {x}']).toBe('é 漢字 🙂');
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(second, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('reads only the keys asked for, skipping the others, each record from where the one before ends', () => {
    const values = [sample(1000, ['sda']), sample(2000, ['sda', 'sdb']), sample(3000, ['sda'])];
    const read = unpackRecords<Record<string, unknown>>(overTheWire(packRecords(values)), ['time', 'cpus']);
    expect(read).toStrictEqual([
      { time: 1000, cpus: 2 },
      { time: 2000, cpus: 2 },
      { time: 3000, cpus: 2 },
    ]);
  });

  it('reads the keys the form names when the reader names none', () => {
    const values = [sample(1000, ['sda']), sample(2000, ['sda', 'sdb'])];
    const packed = packRecords(values, ['time', 'bpf']);
    expect(unpackRecords(overTheWire(packed))).toStrictEqual(
      values.map((value) => ({ time: (value as { time: number }).time, bpf: (value as { bpf: Packable }).bpf })),
    );
    expect(unpackRecords(overTheWire(packed), ['cpus'])).toStrictEqual([{ cpus: 2 }, { cpus: 2 }]);
  });

  it('reads a signature back into the shape it was written from', () => {
    for (const value of [sample(1, ['sda', 'sdb']), [], {}, [[[]]], { 'k"\\\\': [true, false, null, undefined, 's', 0] }] as Packable[]) {
      const signature = writeValue(value, new Writer());
      expect(shapeOfSignature(signature)).toStrictEqual(shapeOf(value));
    }
  });

  it('packs nothing as nothing', () => {
    const packed = packRecords([]);
    expect(packed).toMatchObject({ count: 0, shapes: [], bytes: '' });
    expect(unpackRecords(overTheWire(packed))).toEqual([]);
  });

  it('refuses forms that do not decode with a WireFormatError: truncated, extra bytes, unknown shape, bad signature, wrong format', () => {
    const packed = packRecords([sample(1000, ['sda']), sample(2000, ['sda'])]);
    const bytes = Buffer.from(packed.bytes, 'base64');
    const withBytes = (changed: Uint8Array) => ({ ...packed, bytes: Buffer.from(changed).toString('base64') });
    const cases: unknown[] = [
      { ...packed, count: 3 },
      withBytes(bytes.subarray(0, bytes.length - 3)),
      withBytes(bytes.subarray(0, 7)),
      withBytes(Buffer.concat([bytes, Buffer.from([0])])),
      { ...packed, shapes: [] },
      { ...packed, shapes: [{ id: 0, signature: '{"time":n' }] },
      { ...packed, shapes: [{ id: 0, signature: '{time:n}' }] },
      { ...packed, shapes: [{ id: 0, signature: 'nn' }] },
      { ...packed, shapes: [{ id: 0, signature: `${'['.repeat(100)}${']'.repeat(100)}` }] },
      { ...packed, format: 'bpfscope.packed-records.v0' },
      { ...packed, bytes: 'not base64!' },
      { ...packed, count: -1 },
    ];
    for (const input of cases) expect(() => unpackRecords(input), JSON.stringify(input).slice(0, 120)).toThrow(WireFormatError);
  });

  it('is a fraction of the JSON of the same records', () => {
    const values = Array.from({ length: 600 }, (_, second) => sample(1_765_000_000_000 + second * 1000, ['sda', 'nvme0n1']));
    expect(JSON.stringify(packRecords(values)).length).toBeLessThan(JSON.stringify(values).length / 2);
  });
});
