// How heat-map frames and profiles travel: as JSON objects (readable, the default
// for curl and scripts) or packed (typed arrays in base64: what the web asks for).
import { packFrames, packProfile } from '@bpfscope/formats';
import type { PackedFrames, PackedProfile } from '@bpfscope/formats';
import { z } from 'zod';
import type { ProfileCapture } from '../sessions/profileManager.js';
import type { StreamBatch } from '../sessions/sessionTypes.js';
import type { Snapshot } from '../snapshots/snapshotStore.js';

export const wireForm = z.enum(['json', 'packed']);
export type WireForm = z.infer<typeof wireForm>;

/** The batch with its frames packed; a batch without frames (rows, a heartbeat) as it is. */
export function batchInForm(batch: StreamBatch, form: WireForm | undefined): StreamBatch {
  if (form !== 'packed' || batch.frames.length === 0) return batch;
  return { ...batch, frames: [], packedFrames: packFrames(batch.frames) };
}

/** A capture as profiles.get answers it: its profile as folded stacks, or packed in `packedProfile`. */
export type CaptureOnWire = ProfileCapture & { packedProfile?: PackedProfile };

export function captureInForm(capture: ProfileCapture, form: WireForm | undefined): CaptureOnWire {
  if (form !== 'packed' || capture.profile === undefined) return capture;
  const { profile, ...rest } = capture;
  return { ...rest, packedProfile: packProfile(profile) };
}

/** A snapshot as snapshots.get answers it: its frames and profile as they are, or packed in packedFrames and packedProfile. */
export type SnapshotOnWire = Snapshot & { packedFrames?: PackedFrames; packedProfile?: PackedProfile };

export function snapshotInForm(snapshot: Snapshot, form: WireForm | undefined): SnapshotOnWire {
  if (form !== 'packed') return snapshot;
  const { profile, ...rest } = snapshot;
  const packed: SnapshotOnWire = rest;
  if (snapshot.frames.length > 0) {
    packed.frames = [];
    packed.packedFrames = packFrames(snapshot.frames);
  }
  if (profile !== undefined) packed.packedProfile = packProfile(profile);
  return packed;
}
