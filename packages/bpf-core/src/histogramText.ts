// Histograms as bcc prints them (print_log2_hist): one line per slot up to the
// last non-empty one, "low -> high : count |stars|" with 40 star columns; linear
// ones as bpftrace prints lhist.
import type { LinearBuckets } from './histogram.js';

const STAR_COLUMNS = 40;
const LHIST_BAR_COLUMNS = 52;

/** A linear slot's label as bpftrace prints it: `(..., min)`, `[low, high)`, `[max, ...)`. */
export function linearSlotLabel(slot: number, buckets: LinearBuckets): string {
  const { min, max, step } = buckets;
  if (slot === 0) return `(..., ${min})`;
  const low = min + (slot - 1) * step;
  return low >= max ? `[${max}, ...)` : `[${low}, ${low + step})`;
}

/** bpftrace's lhist output: a line per slot from the first non-empty one to the last, `[low, high)  count |@@@|`. */
export function formatLinearHistogram(counts: readonly number[], buckets: LinearBuckets, unit: string): string {
  const first = counts.findIndex((count) => count > 0);
  if (first < 0) return '';
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  const max = Math.max(...counts);
  const lines = [`${unit}:`];
  for (let slot = first; slot <= last; slot++) {
    const count = counts[slot] ?? 0;
    const bar = '@'.repeat(Math.floor((count * LHIST_BAR_COLUMNS) / max));
    lines.push(`${linearSlotLabel(slot, buckets).padEnd(16)}${String(count).padStart(8)} |${bar.padEnd(LHIST_BAR_COLUMNS)}|`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatLog2Histogram(counts: readonly number[], unit: string): string {
  let last = counts.length - 1;
  while (last >= 0 && counts[last] === 0) last--;
  if (last < 0) return '';
  const max = Math.max(...counts.slice(0, last + 1));
  const lines = [`${' '.repeat(5)}${unit.padEnd(19)} : count    distribution`];
  for (let slot = 0; slot <= last; slot++) {
    const count = counts[slot] ?? 0;
    const high = 2 ** (slot + 1) - 1;
    const low = slot === 0 ? 0 : 2 ** slot;
    const stars = max > 0 ? Math.floor((count * STAR_COLUMNS) / max) : 0;
    lines.push(`${String(low).padStart(10)} -> ${String(high).padEnd(10)} : ${String(count).padEnd(8)} |${'*'.repeat(stars).padEnd(STAR_COLUMNS)}|`);
  }
  return `${lines.join('\n')}\n`;
}
