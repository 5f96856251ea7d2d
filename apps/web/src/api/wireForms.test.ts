import { packFrames, packProfile, packRecords, WireFormatError } from '@bpfscope/formats';
import type { FoldedProfile } from '@bpfscope/formats';
import { describe, expect, it } from 'vitest';
import type { HistogramFrame, HostOverview, ProfileCapture, Snapshot, StreamBatch } from './types';
import { batchFrames, captureProfile, overviewContents, snapshotContents } from './wireForms';

const frames: HistogramFrame[] = [
  { time: 1_765_064_000_000, intervalMs: 1000, unit: 'usecs', series: [{ label: '', counts: [0, 4, 9] }] },
  {
    time: 1_765_064_001_000,
    intervalMs: 1001,
    unit: 'usecs',
    series: [
      { label: 'sda', counts: [1] },
      { label: 'nvme0n1', counts: [0, 0, 2] },
    ],
  },
];
const batch: StreamBatch = {
  seq: 1,
  rows: [],
  frames,
  counters: { events: 3, kernelDrops: 0, droppedForViewer: 0, droppedFramesForViewer: 0 },
  cost: { measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null },
  endsAt: null,
  endsInMs: null,
};
const profile: FoldedProfile = {
  unit: 'samples',
  stacks: [
    { frames: ['nginx', 'main', 'epoll_wait', 'do_epoll_wait_[k]'], value: 12, timeSlotMs: 0 },
    { frames: ['nginx', 'main', 'epoll_wait', 'do_epoll_wait_[k]'], value: 3, timeSlotMs: 20 },
  ],
  timeSlotWidthMs: 20,
  frequencyHz: 49,
  startedAt: 1_765_064_000_000,
  durationMs: 40,
  stats: { lostStacks: 0, truncatedStacks: 0, droppedSamples: 0, unknownFrames: 0, shortUserStacks: 0, symbolCacheHits: 2, symbolCacheMisses: 1 },
};
const capture: ProfileCapture = {
  id: 'c',
  tool: 'profile',
  params: {},
  owner: 'alice',
  startedAt: profile.startedAt,
  durationMs: 40,
  state: 'done',
  attachMethod: 'perf_event',
  limits: { custom: false, maxDurationMs: 300_000, cpuBudget: null },
};
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('wire forms in the web', () => {
  it('reads a batch’s frames packed or as JSON objects alike', () => {
    expect(batchFrames(batch)).toBe(frames);
    expect(batchFrames(viaJson({ ...batch, frames: [], packedFrames: packFrames(frames) }))).toEqual(frames);
    expect(batchFrames({ ...batch, frames: [] })).toEqual([]);
  });

  it('reads a capture’s profile packed or as folded stacks alike, and leaves a running one as it is', () => {
    const packed = captureProfile(viaJson({ ...capture, packedProfile: packProfile(profile) }));
    expect(packed.profile).toEqual(profile);
    expect(packed).not.toHaveProperty('packedProfile');
    expect(captureProfile({ ...capture, profile })).toEqual({ ...capture, profile });
    const running = { ...capture, state: 'capturing' as const };
    expect(captureProfile(running)).toBe(running);
  });

  it('reads a snapshot’s frames and profile packed', () => {
    const snapshot = { id: 's', frames: [], packedFrames: packFrames(frames), packedProfile: packProfile(profile) } as unknown as Snapshot;
    const contents = snapshotContents(viaJson(snapshot));
    expect(contents.frames).toEqual(frames);
    expect(contents.profile).toEqual(profile);
    expect(contents).not.toHaveProperty('packedFrames');
  });

  it('throws a WireFormatError on a packed form that does not decode', () => {
    const packedFrames = { ...packFrames(frames), seriesCount: packFrames([]).seriesCount };
    expect(() => batchFrames({ ...batch, packedFrames })).toThrow(WireFormatError);
    expect(() => captureProfile({ ...capture, packedProfile: { ...packProfile(profile), frameNames: [] } })).toThrow(WireFormatError);
  });
});

describe('overviewContents', () => {
  const overview = {
    hostname: 'db-1',
    kernel: '6.18.0',
    cpus: 2,
    historySeconds: 3600,
    intervalMs: 1000,
    use: [],
    sources: [],
  };
  const samples = [
    { time: 1_765_064_000_000, cpus: 2, loadavg: { one: 0.5, five: 0.25, fifteen: 0.1 }, bpf: { runqlatP99Us: null } },
    { time: 1_765_064_001_000, cpus: 2, loadavg: { one: 0.75, five: 0.25, fifteen: 0.1 }, bpf: { runqlatP99Us: 900 } },
  ];

  it('reads packed samples back into the samples the views read, and leaves a JSON answer as it is', () => {
    const packed = { ...overview, samples: [], packedSamples: packRecords(samples) } as unknown as HostOverview;
    const read = overviewContents(JSON.parse(JSON.stringify(packed)) as HostOverview);
    expect(read.samples).toStrictEqual(samples);
    expect('packedSamples' in read).toBe(false);
    const plain = { ...overview, samples } as unknown as HostOverview;
    expect(overviewContents(plain)).toBe(plain);
  });

  it('throws a WireFormatError for a packed form that does not decode', () => {
    const packed = packRecords(samples);
    const broken = { ...overview, samples: [], packedSamples: { ...packed, count: 3 } } as unknown as HostOverview;
    expect(() => overviewContents(broken)).toThrow(WireFormatError);
  });
});
