import { packFrames, packProfile, WireFormatError } from '@bpfscope/formats';
import type { FoldedProfile } from '@bpfscope/formats';
import { describe, expect, it } from 'vitest';
import type { HistogramFrame, ProfileCapture, Snapshot, StreamBatch } from './types';
import { batchFrames, captureProfile, snapshotContents } from './wireForms';

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
