export { MAX_EXACT_LOG2_SLOT, formatLog2Label, log2BucketRange } from './histogram/log2Buckets.js';
export type { Log2BucketRange } from './histogram/log2Buckets.js';
export { buildHeatMapMatrix, formatClock, formatLatency, formatTimeTick, formatSlotRange, percentileFromLog2, percentileLines, sumFrames } from './heatmap/heatMapModel.js';
export type { HeatMapColumn, HeatMapMatrix, HistogramFrame, MatrixOptions, PercentilePoint } from './heatmap/heatMapModel.js';
export { countColor, heatMapPixels, matrixDigest } from './heatmap/heatMapPixels.js';
export { HeatMap } from './heatmap/HeatMap.js';
export type { HeatMapProps, TimeRange } from './heatmap/HeatMap.js';
export { Log2Histogram } from './histogram/Log2Histogram.js';
