export { MAX_EXACT_LOG2_SLOT, formatLog2Label, log2BucketRange } from './histogram/log2Buckets.js';
export type { Log2BucketRange } from './histogram/log2Buckets.js';
