// toPprof checked against an independent decoder (Datadog's pprof-format) and
// an independent gunzip (node:zlib).
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { toFoldedText } from '@bpfscope/formats';
import type { FoldedStack } from '@bpfscope/formats';
import { gzipBytes, toPprof, toPprofGzip } from './pprof.js';
import type { PprofInput } from './pprof.js';

const stack = (line: string, value: number, timeSlotMs?: number): FoldedStack => ({
  frames: line.split(';'),
  value,
  ...(timeSlotMs === undefined ? {} : { timeSlotMs }),
});

interface Decoded {
  profile: Profile;
  strings: string[];
  /** The samples back as folded stacks, frames root first, from each function's system name. */
  stacks: FoldedStack[];
  /** value per sample type, summed over samples. */
  totals: number[];
  sampleTypes: string[];
}

function decode(bytes: Uint8Array): Decoded {
  const profile = Profile.decode(bytes);
  const strings = profile.stringTable.strings;
  const text = (index: number | bigint) => strings[Number(index)] as string;
  const functions = new Map(profile.function.map((fn) => [Number(fn.id), fn]));
  const locations = new Map(profile.location.map((location) => [Number(location.id), location]));
  const stacks = profile.sample.map((sample) => ({
    frames: sample.locationId.map((id) => text(functions.get(Number(locations.get(Number(id))?.line[0]?.functionId))?.systemName ?? 0)).reverse(),
    value: Number(sample.value[0]),
  }));
  const totals = profile.sampleType.map((_, index) => profile.sample.reduce((sum, sample) => sum + Number(sample.value[index]), 0));
  return { profile, strings, stacks, totals, sampleTypes: profile.sampleType.map((type) => `${text(type.type)}/${text(type.unit)}`) };
}

describe('toPprof', () => {
  const cpuProfile: PprofInput = {
    unit: 'samples',
    frequencyHz: 99,
    startedAt: 1_767_225_600_123,
    durationMs: 30_000,
    stacks: [
      stack('bash;main;read;vfs_read_[k]', 3, 0),
      stack('bash;main;read;vfs_read_[k]', 4, 20),
      stack('bash;main', 2, 40),
      stack('nginx;ngx_process_events;epoll_wait;do_epoll_wait_[k]', 10, 0),
      stack('nginx;ngx_process_events', 1, 20),
      // The same function name in user and kernel space: two functions.
      stack('app;read;read_[k]', 5, 0),
    ],
  };

  it('decodes to the same stacks and totals, leaf-first locations made root-first again', () => {
    const decoded = decode(toPprof(cpuProfile));
    expect(toFoldedText(decoded.stacks)).toBe(toFoldedText(cpuProfile.stacks));
    expect(decoded.totals[0]).toBe(25);
    // Time slots are added up: one sample per distinct stack.
    expect(decoded.profile.sample).toHaveLength(5);
    const sample = decoded.profile.sample.find((candidate) => candidate.locationId.length === 4);
    const leafFunction = decoded.profile.function.find(
      (fn) => Number(fn.id) === Number(decoded.profile.location.find((location) => location.id === sample?.locationId[0])?.line[0]?.functionId),
    );
    expect(decoded.strings[Number(leafFunction?.systemName)]).toBe('vfs_read_[k]');
  });

  it('has one location and function per distinct frame, kernel functions named without the suffix in [kernel]', () => {
    const decoded = decode(toPprof(cpuProfile));
    const distinctFrames = new Set(cpuProfile.stacks.flatMap((entry) => entry.frames));
    expect(decoded.profile.location).toHaveLength(distinctFrames.size);
    expect(decoded.profile.function).toHaveLength(distinctFrames.size);
    const described = decoded.profile.function.map((fn) => [
      decoded.strings[Number(fn.name)],
      decoded.strings[Number(fn.systemName)],
      decoded.strings[Number(fn.filename)],
    ]);
    expect(described).toContainEqual(['vfs_read', 'vfs_read_[k]', '[kernel]']);
    expect(described).toContainEqual(['read', 'read_[k]', '[kernel]']);
    expect(described).toContainEqual(['read', 'read', '']);
    expect(described).toContainEqual(['bash', 'bash', '']);
    // Every location has an id, one line, and a function with the same id.
    for (const location of decoded.profile.location) {
      expect(location.line).toHaveLength(1);
      expect(Number(location.line[0]?.functionId)).toBe(Number(location.id));
    }
    expect(decoded.strings[0]).toBe('');
  });

  it('carries CPU time as a second value, the period, and the capture time', () => {
    const decoded = decode(toPprof(cpuProfile));
    const periodNs = Math.round(1e9 / 99);
    expect(decoded.sampleTypes).toEqual(['samples/count', 'cpu/nanoseconds']);
    expect(decoded.totals[1]).toBe(25 * periodNs);
    expect(Number(decoded.profile.period)).toBe(periodNs);
    expect(`${decoded.strings[Number(decoded.profile.periodType?.type)]}/${decoded.strings[Number(decoded.profile.periodType?.unit)]}`).toBe('cpu/nanoseconds');
    expect(BigInt(decoded.profile.timeNanos)).toBe(1_767_225_600_123_000_000n);
    expect(Number(decoded.profile.durationNanos)).toBe(30_000_000_000);
  });

  it('writes off-CPU nanoseconds (values past 32 bits) as one value type', () => {
    const offCpu: PprofInput = {
      unit: 'nanoseconds',
      stacks: [stack('postgres;PostgresMain;WaitEventSetWait;schedule_[k];--;try_to_wake_up_[k];pgbench', 7_500_000_000), stack('postgres;PostgresMain', 123)],
    };
    const decoded = decode(toPprof(offCpu));
    expect(decoded.sampleTypes).toEqual(['off_cpu/nanoseconds']);
    expect(decoded.totals).toEqual([7_500_000_123]);
    expect(toFoldedText(decoded.stacks)).toBe(toFoldedText(offCpu.stacks));
    expect(Number(decoded.profile.timeNanos)).toBe(0);
  });

  it('encodes long names (multi-byte lengths) and non-ASCII names', () => {
    const long = `std::vector<${'very_long_template_argument_'.repeat(700)}>::push_back`;
    const profile: PprofInput = { unit: 'samples', stacks: [stack(`app;${long};naïve_ünïcode_函数`, 1), stack('app;short', 300)] };
    const decoded = decode(toPprof(profile));
    expect(decoded.stacks.map((entry) => entry.frames)).toContainEqual(['app', long, 'naïve_ünïcode_函数']);
    expect(decoded.sampleTypes).toEqual(['samples/count']);
    expect(decoded.totals).toEqual([301]);
  });

  it('round-trips a large profile with totals intact', () => {
    const stacks: FoldedStack[] = [];
    for (let index = 0; index < 20_000; index++)
      stacks.push(stack(`proc${index % 17};lib${index % 101};fn${index % 997};leaf${index}_[k]`, 1 + (index % 50), (index % 300) * 20));
    const started = performance.now();
    const bytes = toPprof({ unit: 'samples', frequencyHz: 49, stacks });
    console.log(
      `toPprof: ${stacks.length.toLocaleString('en-US')} stacks → ${bytes.length.toLocaleString('en-US')} bytes in ${(performance.now() - started).toFixed(1)} ms`,
    );
    const decoded = decode(bytes);
    expect(decoded.totals[0]).toBe(stacks.reduce((sum, entry) => sum + entry.value, 0));
    expect(toFoldedText(decoded.stacks)).toBe(toFoldedText(stacks));
  });

  it('gzips into a file any gunzip reads', async () => {
    const raw = toPprof(cpuProfile);
    const gzipped = await toPprofGzip(cpuProfile);
    expect([gzipped[0], gzipped[1]]).toEqual([0x1f, 0x8b]);
    expect(new Uint8Array(gunzipSync(gzipped))).toEqual(raw);
    expect(new Uint8Array(gunzipSync(await gzipBytes(new Uint8Array(0))))).toEqual(new Uint8Array(0));
  });
});
