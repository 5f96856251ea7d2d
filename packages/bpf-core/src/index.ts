export { BpfError, ToolError } from './errors.js';
export type { ToolErrorCode } from './errors.js';
export { coreBtf } from './coreBtf.js';
export type { CoreBtfStatus } from './coreBtf.js';
export { BpfObject, RingBufferReader } from './bpfObject.js';
export type { UprobeTarget } from './bpfObject.js';
export { getKernelFeatures, featureNames, featureSourceOf, KernelFeatures } from './capabilities/capabilities.js';
export type { Capabilities, FeatureName, FeatureSource, FeatureStatus } from './capabilities/capabilities.js';
export { startTool, getTool, parseToolParams, ToolSession } from './session.js';
export type { HistogramDescription, SessionStats, StartToolOptions } from './session.js';
export { toolRegistry } from './tools/registry.js';
export { resolveToolSupport } from './capabilities/toolSupport.js';
export type { ToolSupport, AttachMethodSupport } from './capabilities/toolSupport.js';
export type {
  AttachMethod,
  AttachMethodName,
  ColumnDisplay,
  HeatMapRows,
  HistogramToolDefinition,
  HistogramUnit,
  MapHistogramOutput,
  RowHistogramOutput,
  StackToolDefinition,
  Requirement,
  RowThreshold,
  TableColumn,
  TableToolDefinition,
  ToolCategory,
  ToolDefinition,
} from './tools/types.js';
export type { ExecRow } from './tools/execsnoop/execsnoop.js';
export type { TcpSessionRow } from './tools/tcplife/tcplife.js';
export { HISTOGRAM_SLOTS } from './histogram.js';
export type { HistogramFrame, HistogramSeries } from './histogram.js';
export type { FoldedProfile, FoldedStack, Frame, RawStack, RawStackProfile, StackUnit } from './stacks/types.js';
export { profileOutput } from './profileOutput.js';
export { Symbolizer } from './symbols/symbolizer.js';
export type { SymbolizerOptions, SymbolizerStats } from './symbols/symbolizer.js';
export { foldProfile } from './symbols/fold.js';
export type { FoldOptions, FrameSymbolizer } from './symbols/fold.js';
export { isUnknownFrame, UNKNOWN_FRAME_NAME } from './symbols/frameNames.js';
