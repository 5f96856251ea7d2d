// What the web asks agents for packed (heat-map frames, profiles, the overview's hour) back to the
// shapes the views read: one decoder, @bpfscope/formats', shared with the agent's encoder.
import { unpackFrames, unpackProfile, unpackRecords } from '@bpfscope/formats';
import type { HistogramFrame, HostOverview, OverviewSample, ProfileCapture, Snapshot, StreamBatch } from './types';

/** The frames of a sessions.stream batch, packed or not (a malformed packed form throws WireFormatError). */
export function batchFrames(batch: StreamBatch): HistogramFrame[] {
  return batch.packedFrames === undefined ? batch.frames : unpackFrames(batch.packedFrames);
}

/** A profiles.get answer with its profile as folded stacks, packed or not (a malformed packed form throws WireFormatError). */
export function captureProfile(capture: ProfileCapture): ProfileCapture {
  if (capture.packedProfile === undefined) return capture;
  const { packedProfile, ...rest } = capture;
  return { ...rest, profile: unpackProfile(packedProfile) };
}

/** A snapshots.get answer with its frames and profile as the views read them, packed or not (WireFormatError when malformed). */
export function snapshotContents(snapshot: Snapshot): Snapshot {
  const { packedFrames, packedProfile, ...rest } = snapshot;
  const contents: Snapshot = rest;
  if (packedFrames !== undefined) contents.frames = unpackFrames(packedFrames);
  if (packedProfile !== undefined) contents.profile = unpackProfile(packedProfile);
  return contents;
}

/** A host.overview answer with its samples as the views read them, packed or not (WireFormatError when malformed). */
export function overviewContents(overview: HostOverview): HostOverview {
  const { packedSamples, ...rest } = overview;
  if (packedSamples === undefined) return overview;
  return { ...rest, samples: unpackRecords<OverviewSample>(packedSamples) };
}
