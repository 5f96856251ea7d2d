export { KERNEL_FRAME_SUFFIX, SHORT_USER_STACK_FRAMES, WAKER_SEPARATOR } from './foldedStacks.js';
export type { FoldedProfile, FoldedStack, StackUnit } from './foldedStacks.js';
export { parseFoldedText, toFoldedText } from './foldedText.js';
export type { ParseFoldedTextOptions } from './foldedText.js';
export { formatClockTime } from './clock.js';
export { linearSlotCount } from './histogramFrames.js';
export type { HistogramBuckets, HistogramFrame, HistogramSeries, LinearBuckets } from './histogramFrames.js';
// Compact wire forms (issue 17): typed arrays in base64 inside the JSON, so tRPC stays typed and zod checks them.
export { MAX_PACKED_ELEMENTS, fromBase64, packNumbers, packedNumbersSchema, toBase64, unpackNumbers } from './wire/packedNumbers.js';
export type { PackedElement, PackedNumbers, UnpackedArray } from './wire/packedNumbers.js';
export { PACKED_FRAMES_FORMAT, packFrames, packedFramesSchema, unpackFrames } from './wire/packedFrames.js';
export type { PackedFrames } from './wire/packedFrames.js';
export { PACKED_PROFILE_FORMAT, packProfile, packedProfileSchema, unpackProfile } from './wire/packedProfile.js';
export type { PackedProfile } from './wire/packedProfile.js';
export {
  PACKED_RECORDS_FORMAT,
  packRecords,
  packedRecordsSchema,
  Reader,
  readRecord,
  SHAPE_ID_BYTES,
  shapeOf,
  shapeOfSignature,
  unpackRecords,
  Writer,
  writeValue,
} from './wire/packedRecords.js';
export type { Packable, PackedRecords, Shape } from './wire/packedRecords.js';
export { WireFormatError } from './wire/wireError.js';
export { formatArguments, formatCell, kilobytes, NOT_COUNTED, shownColumns } from './cells.js';
export type { CellColumn, ColumnDisplay } from './cells.js';
// Probe specs in bcc's syntax (trace, argdist, funccount...): the engine compiles them, the probe builder edits them.
export { MAX_FORMAT_ARGS, MAX_SPEC_LENGTH, SpecProblem, parseArgdistSpec, parseFormat, parsePatternSpec, parseTraceSpec } from './probeSpec/parser.js';
export type {
  ArgdistSpec,
  Builtin,
  CType,
  CompareOp,
  Filter,
  FormatConversion,
  FormatPart,
  PatternSpec,
  ProbeTarget,
  SignatureParam,
  Span,
  TraceSpec,
  ValueExpr,
} from './probeSpec/spec.js';
export { prometheusAnswerEnvelope, prometheusQueryResult, readPrometheusAnswer } from './prometheusApi.js';
export type { PrometheusAnswerProblem, PrometheusQueryResult } from './prometheusApi.js';
export { boundedText } from './boundedText.js';
export type { BoundedText } from './boundedText.js';
