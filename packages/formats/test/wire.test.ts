import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FoldedProfile } from '../src/foldedStacks.js';
import { toFoldedText } from '../src/foldedText.js';
import type { HistogramFrame } from '../src/histogramFrames.js';
import { packFrames, unpackFrames } from '../src/wire/packedFrames.js';
import { fromBase64, fromBase64Portable, packNumbers, toBase64, toBase64Portable, unpackNumbers } from '../src/wire/packedNumbers.js';
import { packProfile, unpackProfile } from '../src/wire/packedProfile.js';
import { WireFormatError } from '../src/wire/wireError.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
/** Kernel frames, offwaketime wakers, odd characters, names past U+FFFF, stacks split over time slots. */
const profile = JSON.parse(fixture('profile.json')) as FoldedProfile;
/** Through JSON, as the packed form travels. */
const overTheWire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe('packed numbers', () => {
  it('takes the narrowest element type that holds every value exactly', () => {
    expect(packNumbers([0, 255]).type).toBe('u8');
    expect(packNumbers([0, 256]).type).toBe('u16');
    expect(packNumbers([65_536]).type).toBe('u32');
    expect(packNumbers([2 ** 32 - 1]).type).toBe('u32');
    // Counts past 2^32 (nanosecond sums, a busy hour), fractions and negatives go as float64, exactly.
    for (const values of [[2 ** 32], [2 ** 53 - 1], [0.5], [-1], [1_765_064_000_123]]) {
      const packed = packNumbers(values);
      expect(packed.type).toBe('f64');
      expect(Array.from(unpackNumbers(overTheWire(packed), 'test'))).toEqual(values);
    }
  });

  it('round-trips every element type and the empty list', () => {
    for (const values of [[], [7], [1, 2, 3, 250], [300, 65_535, 0], [70_000, 4_000_000_000]]) {
      expect(Array.from(unpackNumbers(overTheWire(packNumbers(values)), 'test'))).toEqual(values);
    }
  });

  it('writes and reads base64 as RFC 4648 does, with every padding', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((text) => toBase64(bytes(text)))).toEqual([
      '',
      'Zg==',
      'Zm8=',
      'Zm9v',
      'Zm9vYg==',
      'Zm9vYmE=',
      'Zm9vYmFy',
    ]);
    expect(new TextDecoder().decode(fromBase64('Zm9vYmE='))).toBe('fooba');
    const all = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(Array.from(fromBase64(toBase64(all)))).toEqual(Array.from(all));
  });

  it('writes and reads the same base64 on the portable path as on the platform’s', () => {
    for (let length = 0; length < 20; length++) {
      const bytes = Uint8Array.from({ length: length * 37 }, (_, index) => (index * 131 + length) & 255);
      expect(toBase64Portable(bytes)).toBe(toBase64(bytes));
      expect(Array.from(fromBase64Portable(toBase64(bytes)))).toEqual(Array.from(bytes));
    }
  });

  it('refuses what is not a packed list with a WireFormatError naming the field', () => {
    const good = packNumbers([1, 2, 3]);
    const bad: unknown[] = [
      undefined,
      { ...good, type: 'i64' },
      { ...good, length: -1 },
      { ...good, length: 4 },
      { ...good, base64: 'AQID!!==' },
      { ...good, base64: 'AQI' },
      { ...good, extra: 1 },
    ];
    for (const input of bad) {
      expect(() => unpackNumbers(input, 'counts')).toThrow(WireFormatError);
      expect(() => unpackNumbers(input, 'counts')).toThrow(/^counts: /);
    }
  });
});

const frame = (time: number, series: HistogramFrame['series'], unit: HistogramFrame['unit'] = 'usecs', intervalMs = 1000): HistogramFrame => ({
  time,
  intervalMs,
  unit,
  series,
});

describe('packed histogram frames', () => {
  it('round-trips frames exactly: several series, names that change, empty frames, ragged rows, units that change', () => {
    const frames = [
      frame(1_765_064_000_000, [{ label: '', counts: [0, 3, 12, 40] }]),
      frame(1_765_064_001_000, []),
      frame(1_765_064_002_003, [
        { label: '1234', name: 'bash', counts: [1] },
        { label: '1234', name: 'make', counts: [0, 0, 7] },
        { label: 'sda', counts: [] },
        { label: '', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9] },
      ]),
      // The attachment's unit changed (bucket bounds in msecs now): kept per frame.
      frame(1_765_064_003_000, [{ label: '', counts: [5, 0, 0] }], 'msecs', 997),
    ];
    const packed = packFrames(frames);
    expect(packed.units).toEqual(['usecs', 'msecs']);
    expect(packed.series).toEqual([{ label: '' }, { label: '1234', name: 'bash' }, { label: '1234', name: 'make' }, { label: 'sda' }]);
    expect(packed.counts.length).toBe(4 + 1 + 3 + 0 + 32 + 3);
    expect(unpackFrames(overTheWire(packed))).toEqual(frames);
  });

  it('packs nothing and one column', () => {
    expect(unpackFrames(overTheWire(packFrames([])))).toEqual([]);
    const one = [frame(1000, [{ label: '', counts: [1, 2] }])];
    expect(unpackFrames(overTheWire(packFrames(one)))).toEqual(one);
  });

  it('keeps counts past 2^32 and times that are not whole ms after the first', () => {
    const frames = [frame(2000.5, [{ label: '', counts: [2 ** 40, 1] }]), frame(1000, [{ label: '', counts: [3] }])];
    const packed = packFrames(frames);
    expect(packed.counts.type).toBe('f64');
    expect(packed.time.type).toBe('f64');
    expect(unpackFrames(overTheWire(packed))).toEqual(frames);
  });

  it('keeps each frame’s buckets: log2, or an argdist --linear session’s linear buckets', () => {
    const linear = { kind: 'linear' as const, min: 1000, max: 5000, step: 500 };
    const frames: HistogramFrame[] = [
      { ...frame(1000, [{ label: '', counts: [0, 3, 4] }]), buckets: linear },
      { ...frame(2000, [{ label: '', counts: [1] }]), buckets: { ...linear } },
      frame(3000, [{ label: '', counts: [5] }]),
    ];
    const packed = packFrames(frames);
    expect(packed.buckets).toEqual([linear, 'log2']);
    expect(unpackFrames(overTheWire(packed))).toEqual(frames);
  });

  it('is a fraction of the JSON of an hour of frames', () => {
    const hour = Array.from({ length: 3600 }, (_, second) =>
      frame(1_765_064_000_000 + second * 1000, [{ label: '', counts: [0, 12, 80, 400, 1500, 900, 200, 30, 4, 1] }]),
    );
    expect(JSON.stringify(packFrames(hour)).length).toBeLessThan(JSON.stringify(hour).length / 2);
  });

  it('refuses forms whose lengths disagree, and ids out of range, with a WireFormatError', () => {
    const packed = packFrames([frame(1000, [{ label: '', counts: [1, 2] }]), frame(2000, [{ label: 'x', counts: [3] }])]);
    const bad: unknown[] = [
      null,
      { ...packed, format: 'bpfscope.histogram-frames.v0' },
      { ...packed, buckets: 'linear' },
      { ...packed, intervalMs: packNumbers([1000]) },
      { ...packed, seriesCount: packNumbers([1, 2]) },
      { ...packed, counts: packNumbers([1, 2]) },
      { ...packed, series: [{ label: '' }] },
      { ...packed, unitIndex: packNumbers([0, 3], 'u8') },
      { ...packed, bucketIndex: packNumbers([0, 1], 'u8') },
      { ...packed, buckets: [{ kind: 'linear', min: 0, max: 10, step: 0 }] },
      { ...packed, series: [{ label: 'x'.repeat(300) }, { label: 'x' }] },
    ];
    for (const input of bad) expect(() => unpackFrames(input)).toThrow(WireFormatError);
  });
});

describe('packed folded profiles', () => {
  it('round-trips the fixture profile exactly, time slots and odd frame names included', () => {
    const packed = packProfile(profile);
    expect(packed.frameNames.length).toBe(new Set(profile.stacks.flatMap((stack) => stack.frames)).size);
    const unpacked = unpackProfile(overTheWire(packed));
    expect(unpacked).toEqual(profile);
    expect(toFoldedText(unpacked.stacks)).toBe(toFoldedText(profile.stacks));
  });

  it('sends a stack seen in many time slots once, its entries sharing the frames', () => {
    const frames = ['nginx', 'main', 'ngx_process_events_and_timers', 'epoll_wait', 'do_epoll_wait_[k]'];
    const timeline: FoldedProfile = {
      ...profile,
      timeSlotWidthMs: 20,
      stacks: Array.from({ length: 500 }, (_, slot) => ({ frames: [...frames], value: 1 + (slot % 3), timeSlotMs: slot * 20 })),
    };
    const packed = packProfile(timeline);
    expect(packed.frameNames).toEqual(frames);
    expect(packed.frameCount.length).toBe(1);
    expect(packed.stackId.length).toBe(500);
    const unpacked = unpackProfile(overTheWire(packed));
    expect(unpacked).toEqual(timeline);
    expect(unpacked.stacks[0]?.frames).toBe(unpacked.stacks[499]?.frames);
  });

  it('keeps nanosecond values past 2^32, and a profile without stacks or a timeline', () => {
    const offcpu: FoldedProfile = {
      ...profile,
      unit: 'nanoseconds',
      timeSlotWidthMs: undefined,
      stacks: [{ frames: ['java', 'futex_wait_[k]'], value: 250_000_000_000 }],
    };
    delete offcpu.timeSlotWidthMs;
    const packed = packProfile(offcpu);
    expect(packed.value.type).toBe('f64');
    expect(packed.timeSlotMs).toBeUndefined();
    expect(unpackProfile(overTheWire(packed))).toEqual(offcpu);
    const empty: FoldedProfile = { ...offcpu, stacks: [] };
    expect(unpackProfile(overTheWire(packProfile(empty)))).toEqual(empty);
  });

  it('refuses forms whose ids or lengths disagree with a WireFormatError', () => {
    const packed = packProfile(profile);
    const bad: unknown[] = [
      { ...packed, format: 'folded' },
      { ...packed, frameNames: packed.frameNames.slice(1) },
      { ...packed, stackId: packNumbers(new Array<number>(packed.stackId.length).fill(packed.frameCount.length)) },
      { ...packed, value: packNumbers([1]) },
      { ...packed, stackFrames: packNumbers([0]) },
      { ...packed, frameCount: packNumbers([1_000_000]) },
      { ...packed, stats: { ...packed.stats, lostStacks: 'none' } },
    ];
    for (const input of bad) expect(() => unpackProfile(overTheWire(input))).toThrow(WireFormatError);
  });
});
