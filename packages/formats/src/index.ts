export { KERNEL_FRAME_SUFFIX, SHORT_USER_STACK_FRAMES, WAKER_SEPARATOR } from './foldedStacks.js';
export type { FoldedProfile, FoldedStack, StackUnit } from './foldedStacks.js';
export { parseFoldedText, toFoldedText } from './foldedText.js';
export type { ParseFoldedTextOptions } from './foldedText.js';
export { formatClockTime } from './clock.js';
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
