// One histogram as bcc's print_log2_hist shows it ("usecs : count distribution"),
// with readable units beside the raw bucket bounds.
import { formatLatency } from '../heatmap/heatMapModel.js';
import { formatInteger } from '../format/numbers.js';
import { bucketRange } from './log2Buckets.js';
import type { LinearBuckets } from './log2Buckets.js';
import type { HistogramUnit } from '../heatmap/heatMapModel.js';

export interface Log2HistogramProps {
  counts: readonly number[];
  unit: HistogramUnit;
  /** Linear buckets (argdist --linear), labelled as bpftrace's lhist; log2 without. */
  buckets?: LinearBuckets | undefined;
  testId?: string;
}

/** A slot's raw bounds: bcc's `low -> high`, or bpftrace's `[low, high)` for linear buckets. */
function rawRange(slot: number, buckets: LinearBuckets | undefined): string {
  const { low, high } = bucketRange(slot, buckets);
  if (!buckets) return `${low} -> ${high}`;
  if (!Number.isFinite(low)) return `(..., ${high + 1})`;
  if (!Number.isFinite(high)) return `[${low}, ...)`;
  return `[${low}, ${high + 1})`;
}

export function Log2Histogram({ counts, unit, buckets, testId }: Log2HistogramProps) {
  let last = counts.length - 1;
  while (last >= 0 && (counts[last] ?? 0) === 0) last--;
  const max = Math.max(1, ...counts);
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (last < 0)
    return (
      <p className="muted" data-testid={testId}>
        No events in this range.
      </p>
    );
  return (
    <table className="log2-histogram" data-testid={testId} data-total={total}>
      <thead>
        <tr>
          <th style={{ textAlign: 'right' }}>{unit}</th>
          <th />
          <th style={{ textAlign: 'right' }}>count</th>
          <th style={{ textAlign: 'left' }}>distribution</th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: last + 1 }, (_, slot) => {
          const { low, high } = bucketRange(slot, buckets);
          const count = counts[slot] ?? 0;
          return (
            <tr key={slot}>
              <td style={{ textAlign: 'right' }}>{rawRange(slot, buckets)}</td>
              <td className="muted">{formatLatency(Number.isFinite(low) ? low : high + 1, unit)}</td>
              <td style={{ textAlign: 'right' }}>{formatInteger(count)}</td>
              <td style={{ width: '50%' }}>
                <div
                  style={{ width: `${(100 * count) / max}%`, minWidth: count > 0 ? 1 : 0, height: 10, background: 'var(--accent, #4f9cf7)' }}
                  title={`${((100 * count) / Math.max(1, total)).toFixed(1)}%`}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
