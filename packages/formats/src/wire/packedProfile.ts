// A folded profile on the wire: each frame name once (a frame table), each
// distinct stack once as frame ids, and the stacks' entries (one per stack and
// time slot in a timeline) as three typed arrays: stack id, value, time slot.
import { z } from 'zod';
import type { FoldedProfile, FoldedStack } from '../foldedStacks.js';
import { decodeNumbers, packedNumbersSchema, packNumbers } from './packedNumbers.js';
import type { PackedNumbers } from './packedNumbers.js';
import { parseWire, WireFormatError } from './wireError.js';

export const PACKED_PROFILE_FORMAT = 'bpfscope.folded-profile.v1';

export type PackedProfile = Omit<FoldedProfile, 'stacks'> & {
  format: typeof PACKED_PROFILE_FORMAT;
  /** Every frame name once. */
  frameNames: string[];
  /** Distinct stacks: stack s is the next frameCount[s] ids of stackFrames (root first, indexes into frameNames). */
  frameCount: PackedNumbers;
  stackFrames: PackedNumbers;
  /** One entry per folded stack of the profile, in its order: which stack, its value, and its time slot (timelines only). */
  stackId: PackedNumbers;
  value: PackedNumbers;
  timeSlotMs?: PackedNumbers;
};

/** Bounds on what a packed form may claim, so a bad one fails before it allocates. */
const MAX_FRAME_NAMES = 4_000_000;
const MAX_FRAME_NAME = 4096;

const statsSchema = z
  .object({
    lostStacks: z.number(),
    truncatedStacks: z.number(),
    droppedSamples: z.number(),
    unknownFrames: z.number(),
    shortUserStacks: z.number(),
    symbolCacheHits: z.number(),
    symbolCacheMisses: z.number(),
  })
  .strict();

export const packedProfileSchema = z
  .object({
    format: z.literal(PACKED_PROFILE_FORMAT),
    unit: z.enum(['samples', 'nanoseconds']),
    timeSlotWidthMs: z.number().positive().optional(),
    frequencyHz: z.number().positive().optional(),
    startedAt: z.number(),
    durationMs: z.number().min(0),
    stats: statsSchema,
    frameNames: z.array(z.string().max(MAX_FRAME_NAME)).max(MAX_FRAME_NAMES),
    frameCount: packedNumbersSchema,
    stackFrames: packedNumbersSchema,
    stackId: packedNumbersSchema,
    value: packedNumbersSchema,
    timeSlotMs: packedNumbersSchema.optional(),
  })
  .strict();

export function packProfile(profile: FoldedProfile): PackedProfile {
  const { stacks, ...rest } = profile;
  const frameIds = new Map<string, number>();
  const frameNames: string[] = [];
  const stackIds = new Map<string, number>();
  const frameCount: number[] = [];
  const stackFrames: number[] = [];
  const stackId = new Array<number>(stacks.length);
  const timeline = stacks.some((stack) => stack.timeSlotMs !== undefined);
  for (let index = 0; index < stacks.length; index++) {
    const { frames } = stacks[index] as FoldedStack;
    // NUL does not occur in symbol names: joined, the frames key their stack.
    const key = frames.join('\0');
    let id = stackIds.get(key);
    if (id === undefined) {
      id = frameCount.push(frames.length) - 1;
      stackIds.set(key, id);
      for (const name of frames) {
        let frame = frameIds.get(name);
        if (frame === undefined) {
          frame = frameNames.push(name) - 1;
          frameIds.set(name, frame);
        }
        stackFrames.push(frame);
      }
    }
    stackId[index] = id;
  }
  const packed: PackedProfile = {
    ...rest,
    format: PACKED_PROFILE_FORMAT,
    frameNames,
    frameCount: packNumbers(frameCount),
    stackFrames: packNumbers(stackFrames),
    stackId: packNumbers(stackId),
    value: packNumbers(stacks.map((stack) => stack.value)),
  };
  // A timeline's entries all have a slot (an entry without one is slot 0, as toFoldedText sums them alike).
  if (timeline) packed.timeSlotMs = packNumbers(stacks.map((stack) => stack.timeSlotMs ?? 0));
  return packed;
}

/**
 * The profile of a packed form; a form that is not one, or whose lengths or ids disagree, throws WireFormatError.
 * Entries of one stack share its frames array: read it, do not change it.
 */
export function unpackProfile(input: unknown): FoldedProfile {
  const {
    format: _format,
    frameNames,
    frameCount: packedFrameCount,
    stackFrames: packedStackFrames,
    stackId: packedStackId,
    value: packedValue,
    timeSlotMs: packedSlots,
    ...rest
  } = parseWire(packedProfileSchema, input, 'folded profile');
  const frameCount = decodeNumbers(packedFrameCount, 'frameCount');
  const stackFrames = decodeNumbers(packedStackFrames, 'stackFrames');
  const stackId = decodeNumbers(packedStackId, 'stackId');
  const value = decodeNumbers(packedValue, 'value');
  const timeSlotMs = packedSlots === undefined ? undefined : decodeNumbers(packedSlots, 'timeSlotMs');
  if (value.length !== stackId.length || (timeSlotMs !== undefined && timeSlotMs.length !== stackId.length)) {
    throw new WireFormatError(`folded profile: ${stackId.length} stack ids, ${value.length} values and ${timeSlotMs?.length ?? 'no'} time slots`);
  }
  const distinct: string[][] = new Array<string[]>(frameCount.length);
  let at = 0;
  for (let stack = 0; stack < frameCount.length; stack++) {
    const frames = new Array<string>(frameCount[stack] as number);
    if (at + frames.length > stackFrames.length) throw new WireFormatError(`folded profile: stack ${stack} ends past the ${stackFrames.length} frame ids`);
    for (let depth = 0; depth < frames.length; depth++) {
      const name = frameNames[stackFrames[at++] as number];
      if (name === undefined) throw new WireFormatError(`folded profile: frame id ${stackFrames[at - 1]} of ${frameNames.length} names`);
      frames[depth] = name;
    }
    distinct[stack] = frames;
  }
  if (at !== stackFrames.length) throw new WireFormatError(`folded profile: ${stackFrames.length} frame ids, the stacks use ${at}`);
  const stacks: FoldedStack[] = new Array<FoldedStack>(stackId.length);
  for (let index = 0; index < stackId.length; index++) {
    const frames = distinct[stackId[index] as number];
    if (frames === undefined) throw new WireFormatError(`folded profile: entry ${index} has stack ${stackId[index]} of ${distinct.length}`);
    stacks[index] =
      timeSlotMs === undefined ? { frames, value: value[index] as number } : { frames, value: value[index] as number, timeSlotMs: timeSlotMs[index] as number };
  }
  return { ...rest, stacks };
}
