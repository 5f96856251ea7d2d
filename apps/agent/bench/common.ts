// The bench helpers are bpf-core's, so both packages' results look and land alike.
export { median, percentile, printTable, resultsDirectory, writeResult } from '../../../packages/bpf-core/bench/common.js';
