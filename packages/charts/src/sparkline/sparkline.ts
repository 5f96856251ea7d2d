// A sparkline's SVG path: one point per pixel column (the column's highest value, so a one-second spike
// stays visible when an hour is drawn in 80 px), gaps where there is no value, a lone point as a dash.

export interface SparklineOptions {
  width: number;
  height: number;
  /** The value at the top; default the highest value (at least `minMax`). */
  max?: number;
  /** The top is never below this: a flat 0.2 % line stays low instead of filling the box. */
  minMax?: number;
}

/** `values` oldest first, one per sample; null is a gap. Returns the `d` of a path ('' when there is nothing to draw). */
export function sparklinePath(values: ReadonlyArray<number | null>, options: SparklineOptions): string {
  const { width, height } = options;
  const columns = Math.max(1, Math.min(Math.floor(width), values.length));
  const peaks: Array<number | null> = new Array<number | null>(columns).fill(null);
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) return;
    const column = Math.min(columns - 1, Math.floor((index * columns) / values.length));
    const peak = peaks[column] ?? null;
    peaks[column] = peak === null ? value : Math.max(peak, value);
  });
  let top = options.max ?? Math.max(options.minMax ?? 0, ...peaks.filter((peak): peak is number => peak !== null));
  if (!(top > 0)) top = 1;
  const step = columns > 1 ? width / (columns - 1) : 0;
  let path = '';
  let drawing = false;
  peaks.forEach((peak, column) => {
    if (peak === null) {
      drawing = false;
      return;
    }
    const x = columns > 1 ? column * step : width / 2;
    const y = round(height - (Math.min(Math.max(peak, 0), top) / top) * height);
    if (drawing) path += `L${round(x)} ${y}`;
    // A point with no neighbour (a second of I/O in an idle hour) is a 1 px dash: a lone move draws nothing.
    else if ((peaks[column + 1] ?? null) === null) path += `M${round(Math.min(Math.max(x - 0.5, 0), width - 1))} ${y}h1`;
    else path += `M${round(x)} ${y}`;
    drawing = true;
  });
  return path;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
