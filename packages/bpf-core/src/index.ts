export { BpfError, ToolError } from './errors.js';
export type { ToolErrorCode } from './errors.js';
export { coreBtf } from './coreBtf.js';
export { bpfObjectPath } from './paths.js';
export type { CoreBtfStatus } from './coreBtf.js';
export { BpfObject, RingBufferReader } from './bpfObject.js';
export { BpfStatsHandle, enableBpfStats, sumProgramStats } from './bpfStats.js';
export { releaseFreeMemory } from './processMemory.js';
export type { ProgramStats } from './bpfStats.js';
export type { NativeProgramStats } from './native.js';
export type { UprobeTarget } from './bpfObject.js';
export { getKernelFeatures, featureNames, featureSourceOf, KernelFeatures } from './capabilities/capabilities.js';
export type { Capabilities, FeatureName, FeatureSource, FeatureStatus } from './capabilities/capabilities.js';
export { histogramDescriptionOf, nextFrameBoundary, parseToolParams, startLoadedTool, ToolSession } from './session.js';
export type { HistogramDescription, SessionStats, StartToolOptions } from './session.js';
export { getTool, startTool, toolRegistry } from './tools/registry.js';
export { loadTool, toolLoaders } from './tools/loaders.js';
export { resolveToolSupport } from './capabilities/toolSupport.js';
export type { ToolSupport, AttachMethodSupport } from './capabilities/toolSupport.js';
export type {
  AttachMethod,
  AttachMethodName,
  ColumnDisplay,
  HeatMapRows,
  HistogramToolDefinition,
  HistogramUnit,
  IntervalRowsOutput,
  IntervalRowsReader,
  IntervalRowsReading,
  MapHistogramOutput,
  RowHistogramOutput,
  StackToolDefinition,
  Requirement,
  RowInterval,
  RowThreshold,
  TableColumn,
  TableToolDefinition,
  ToolCategory,
  TimeSeriesChart,
  ToolDefinition,
} from './tools/types.js';
export type { ExecRow } from './tools/execsnoop/execsnoop.js';
export type { TcpSessionRow } from './tools/tcplife/tcplife.js';
export { HISTOGRAM_SLOTS, percentileFromLog2 } from './histogram.js';
// Custom probes (trace, argdist, funccount, funclatency, stackcount): what a spec would attach to, and a binary's
// functions; the host's tracepoints and their fields for autocomplete are tracefs/format.ts's (below), the one
// parser of tracefs formats the probes compile against too.
export { customProbeTools, describeCustomProbes } from './customProbe/describe.js';
export type { CustomProbePoint, CustomProbeSummary } from './customProbe/describe.js';
export type { SpecErrorDetails } from './customProbe/customTool.js';
export { PROBE_SPEC_FORMAT } from './customProbe/customTool.js';
export { resolveProbeLibrary } from './customProbe/targets.js';
// The USDT probes a binary's .note.stapsdt declares (the probe builder's list).
export { readUsdtProbes, usdtProbes } from './customProbe/usdt.js';
export type { UsdtProbe } from './customProbe/usdt.js';
export type { TraceRow } from './tools/trace/trace.js';
export type { ArgdistRow } from './tools/argdist/argdist.js';
export type { FunccountRow } from './tools/funccount/funccount.js';
export type { HistogramFrame, HistogramSeries, LinearBuckets } from './histogram.js';
export type { FoldedProfile, FoldedStack, Frame, RawStack, RawStackProfile, StackUnit } from './stacks/types.js';
export { profileOutput } from './profileOutput.js';
export { Symbolizer } from './symbols/symbolizer.js';
export type { SymbolizerOptions, SymbolizerStats } from './symbols/symbolizer.js';
export { foldProfile } from './symbols/fold.js';
export type { FoldOptions, FrameSymbolizer } from './symbols/fold.js';
export { isUnknownFrame, UNKNOWN_FRAME_NAME } from './symbols/frameNames.js';
// What a uprobe can go on: the files a process maps, and an ELF file's function names.
export { parseProcessMaps } from './symbols/processMaps.js';
export type { Mapping } from './symbols/processMaps.js';
export { namesContaining, namesWithPrefix, readFunctionNames } from './symbols/elfSymbols.js';
export type { ElfFunctionNames } from './symbols/elfSymbols.js';
// tracefs: the kernel's tracepoints and each one's record layout (custom probes' field offsets, the probe builder).
export { parseAvailableEvents, parseTracepointFormat, readAvailableEvents, readTracepointFormat, tracefsRoot } from './tracefs/format.js';
export type { TracepointField, TracepointFormat, TracepointName } from './tracefs/format.js';
// Host overview: /proc and /sys read under configurable roots, and the 60-second checklist's figures
// (vmstat, mpstat, iostat, sar, pidstat, free) computed as sysstat and procps compute them.
export { HostSampler, readHost, computeHostSample, intervalBetween } from './host/sampler.js';
export type { HostSample, HostSamplerOptions, HostReading, SourceError } from './host/sampler.js';
export { counterIncrease, perSecond, wrapped } from './host/counters.js';
export { parseProcStat, parseUptime } from './host/procStat.js';
export type { CpuTimes, ProcStat } from './host/procStat.js';
export { parseLoadavg } from './host/procLoadavg.js';
export type { Loadavg } from './host/procLoadavg.js';
export { parsePressure, computePressure, PRESSURE_RESOURCES } from './host/procPressure.js';
export type { Pressure, PressureFigures, PressureLine, PressureReport, PressureResource, PressureUnavailable } from './host/procPressure.js';
export { parseMeminfo } from './host/procMeminfo.js';
export type { Meminfo } from './host/procMeminfo.js';
export { parseProcVmstat } from './host/procVmstat.js';
export type { ProcVmstat } from './host/procVmstat.js';
export { parseDiskstats } from './host/procDiskstats.js';
export type { DiskStats } from './host/procDiskstats.js';
export { parseNetDev } from './host/procNetDev.js';
export type { NetDevStats } from './host/procNetDev.js';
export { parseSnmp } from './host/procSnmp.js';
export type { SnmpCounters } from './host/procSnmp.js';
export { parseFileNr } from './host/procFileNr.js';
export type { FileNr } from './host/procFileNr.js';
export { computeTaskUsage, parseKernelLimit } from './host/procTaskLimits.js';
export type { TaskLimits, TaskUsage } from './host/procTaskLimits.js';
export { parsePidStat, parseSchedstatRunDelay } from './host/procPid.js';
export type { PidStat } from './host/procPid.js';
export { computeVmstat, vmstatGauges } from './host/vmstat.js';
export type { VmstatRow } from './host/vmstat.js';
export { computeMpstat } from './host/mpstat.js';
export type { MpstatReport, MpstatRow } from './host/mpstat.js';
export { computeIostat, isWholeDisk, omitIdleDevices } from './host/iostat.js';
export type { IostatOptions, IostatRow } from './host/iostat.js';
export {
  computeSarDev,
  computeSarEtcp,
  computeSarPaging,
  computeSarQueue,
  computeSarSwap,
  computeSarTcp,
  computeTcpExt,
  TCP_EXT_COUNTERS,
} from './host/sar.js';
export type { InterfaceLink, SarDevRow, SarEdevRow, SarEtcpRow, SarPagingRow, SarQueueRow, SarSwapRow, SarTcpRow, TcpExtCounter } from './host/sar.js';
export { computePidstat, USER_HZ } from './host/pidstat.js';
export type { PidstatReport, PidstatRow, ProcessReading } from './host/pidstat.js';
export { computeFree } from './host/free.js';
export type { FreeReport } from './host/free.js';
export { classifyKernelMessage, KmsgReader, parseKmsg } from './host/kmsg.js';
export type { KernelEvent, KernelEventKind, KmsgBatch, KmsgRecord } from './host/kmsg.js';
