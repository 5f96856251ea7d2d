// funccount's counts: one u64 per attach point per CPU (struct
// probe_point_counts), read whole once per interval and summed over CPUs. They
// only grow, so an interval's count is the difference from the last reading:
// nothing is lost between a read and a clear.
import type { BpfObject } from '../bpfObject.js';
import { PROBE_MAX_POINTS } from './compile.js';

const COUNTS_SIZE = PROBE_MAX_POINTS * 8;

export class PointCountsReader {
  #previous = new Float64Array(PROBE_MAX_POINTS);

  constructor(private readonly object: BpfObject) {}

  /** Each point's count since the last read (points without calls left out). */
  read(): Map<number, number> {
    const value = this.object.lookup('point_counts', Buffer.alloc(4));
    const totals = new Float64Array(PROBE_MAX_POINTS);
    // One slot per possible CPU, each the whole struct (a multiple of 8 bytes).
    for (let cpu = 0; value && (cpu + 1) * COUNTS_SIZE <= value.length; cpu++) {
      for (let point = 0; point < PROBE_MAX_POINTS; point++)
        totals[point] = (totals[point] as number) + Number(value.readBigUInt64LE(cpu * COUNTS_SIZE + point * 8));
    }
    const increases = new Map<number, number>();
    totals.forEach((total, point) => {
      const increase = total - (this.#previous[point] as number);
      if (increase > 0) increases.set(point, increase);
    });
    this.#previous = totals;
    return increases;
  }
}
