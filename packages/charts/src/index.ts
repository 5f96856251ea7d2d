export { MAX_EXACT_LOG2_SLOT, bucketRange, formatLog2Label, linearSlotCount, log2BucketRange, log2SlotOf, slotBoundary } from './histogram/log2Buckets.js';
export type { LinearBuckets, Log2BucketRange } from './histogram/log2Buckets.js';
export {
  buildHeatMapMatrix,
  columnCounts,
  formatDateTime,
  formatLatency,
  formatTimeTick,
  formatSlotRange,
  percentileBucket,
  percentileFromLog2,
  percentileOfSorted,
  percentilePositions,
  sumFrames,
} from './heatmap/heatMapModel.js';
export type { HeatMapFrame, HeatMapMatrix, HistogramUnit, MatrixOptions } from './heatmap/heatMapModel.js';
export { colorSchemeOf, countColor, HEAT_MAP_RAMPS, heatMapPixels, matrixDigest } from './heatmap/heatMapPixels.js';
export type { ColorScheme } from './heatmap/heatMapPixels.js';
export { HeatMap } from './heatmap/HeatMap.js';
export { scheduleHeatMapWarmUp, warmUpHeatMap } from './heatmap/warmUp.js';
export type { HeatMapProps, HeatMapSelection, TimeRange } from './heatmap/HeatMap.js';
export { Log2Histogram } from './histogram/Log2Histogram.js';
export { compareFrames, countNodes, foldedToTree, treeDepth } from './flamegraph/flameTree.js';
export type { FoldedToTreeOptions } from './flamegraph/flameTree.js';
export { frameMatcher, searchTree } from './flamegraph/flameSearch.js';
export type { FrameMatcher, SearchResult } from './flamegraph/flameSearch.js';
export type { DiffNode, FlameNode, FlamePalette } from './flamegraph/types.js';
// The folded-stack format and clock time are @bpfscope/formats', shared with bpf-core: the web gets them here with the charts.
export { formatClockTime, parseFoldedText, toFoldedText } from '@bpfscope/formats';
export type { FoldedProfile, FoldedStack, ParseFoldedTextOptions, StackUnit } from '@bpfscope/formats';
export { countDistinctStacks, shortUserStackShare } from './flamegraph/stackStats.js';
export { diffTrees } from './flamegraph/diffTrees.js';
export type { DiffTreesOptions } from './flamegraph/diffTrees.js';
export { flameScopeCellRange, flameScopeMatrix, flameScopeSeconds, flameScopeSelection, flameScopeSlotOf, stacksInRange } from './flamegraph/flameScope.js';
export type { FlameScopeCapture, FlameScopeCell, FlameScopeMatrix, MsRange } from './flamegraph/flameScope.js';
export { flameScopeColor, flameScopePixels } from './flamegraph/flameScopePixels.js';
export { gzipBytes, toPprof, toPprofGzip } from './flamegraph/pprof.js';
export type { PprofInput } from './flamegraph/pprof.js';
export { toSvg } from './flamegraph/flameSvg.js';
export type { SvgOptions } from './flamegraph/flameSvg.js';
export { formatFixed, formatInteger } from './format/numbers.js';
export { textMatcher } from './format/textMatch.js';
export type { TextMatcher } from './format/textMatch.js';
export { deltaColor, formatFrameValue, formatPercent, frameColor, frameSummary, HIGHLIGHT_COLOR } from './flamegraph/flameColors.js';
export { FlameGraph, preloadFlameGraph } from './flamegraph/FlameGraph.js';
export type { FlameGraphProps } from './flamegraph/FlameGraph.js';
export { FlameScope } from './flamegraph/FlameScope.js';
export type { FlameScopeProps } from './flamegraph/FlameScope.js';
export { sparklinePath } from './sparkline/sparkline.js';
export type { SparklineOptions } from './sparkline/sparkline.js';
export { Sparkline } from './sparkline/Sparkline.js';
export type { SparklineProps } from './sparkline/Sparkline.js';
export { linesPerSeries, nearestTimeIndex, timeSeriesModel, timeSeriesPoints, timeTicks } from './timeseries/timeSeriesModel.js';
export type { TimeSeriesLine, TimeSeriesLineModel, TimeSeriesModel, TimeSeriesOptions, TimeSeriesPoints } from './timeseries/timeSeriesModel.js';
export { TimeSeriesChart } from './timeseries/TimeSeriesChart.js';
export type { TimeSeriesChartProps } from './timeseries/TimeSeriesChart.js';
