// A small time series: a line the height of a table row, the range's values oldest to newest.
import { sparklinePath } from './sparkline.js';
import type { SparklineOptions } from './sparkline.js';

export interface SparklineProps extends Partial<Pick<SparklineOptions, 'max' | 'minMax'>> {
  values: ReadonlyArray<number | null>;
  width?: number;
  height?: number;
  /** What the line is, for a screen reader and on hover. */
  label: string;
  className?: string;
}

export function Sparkline({ values, width = 80, height = 18, max, minMax, label, className }: SparklineProps) {
  const options: SparklineOptions = { width, height: height - 2 };
  if (max !== undefined) options.max = max;
  if (minMax !== undefined) options.minMax = minMax;
  const d = sparklinePath(values, options);
  return (
    <svg className={className ?? 'sparkline'} width={width} height={height} viewBox={`0 -1 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      {d ? (
        <path d={d} fill="none" stroke="currentColor" strokeWidth={1.25} strokeLinecap="round" strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
      ) : null}
    </svg>
  );
}
