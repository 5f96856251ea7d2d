// bcc's -c for the TCP tools: the kernel counts per flow in a map `counts` of
// u64 counters that only grow, instead of sending events; each interval makes a
// row per flow whose counts grew (interval rows, as cachestat's).
import { z } from 'zod';
import { GrowingCountsReader } from '../../histogram.js';
import type { IntervalRowsOutput } from '../types.js';

export const countParams = {
  count: z.boolean().default(false).describe('count per flow instead of showing each event, like bcc -c: a row per flow each interval'),
  interval: z.number().int().min(1).max(3600).optional().describe('count mode: seconds each row counts (default 1)').meta({ unit: 's' }),
};

/** Rejects params bcc's count mode has no use for (-t, -U, -L print event fields), and an interval without it. */
export function countModeConflicts(eventOnly: readonly string[]) {
  return (params: { count: boolean; interval?: number | undefined } & Record<string, unknown>, context: z.RefinementCtx): void => {
    for (const name of eventOnly) {
      if (params.count && params[name] === true)
        context.addIssue({ code: 'custom', path: [name], message: `${name} shows a field of each event: not with count` });
    }
    if (!params.count && params.interval !== undefined)
      context.addIssue({ code: 'custom', path: ['interval'], message: 'interval is for count mode (count: true)' });
  };
}

/**
 * Interval rows of a count mode: `toRow` makes a flow's row from its key and the
 * increase of its counters (the first is the one counted: connects,
 * retransmits); largest first, as bcc sorts them. None in event mode.
 */
export function countModeRows<Params extends { count: boolean; interval?: number | undefined }, Row>(
  toRow: (key: Buffer, counts: readonly number[], time: number) => Row,
): IntervalRowsOutput<Params, Row> {
  return {
    intervalMs: (params) => (params.count ? (params.interval ?? 1) * 1000 : 1000),
    open(object, params) {
      if (!params.count) return { read: () => ({ rows: [], events: 0 }) };
      const reader = new GrowingCountsReader(object, 'counts', { maxKeys: object.map('counts').maxEntries });
      return {
        read({ endsAt }) {
          const increases = reader.read().sort((a, b) => (b.counts[0] ?? 0) - (a.counts[0] ?? 0));
          return {
            rows: increases.map(({ key, counts }) => toRow(key, counts, endsAt)),
            events: increases.reduce((sum, { counts }) => sum + (counts[0] ?? 0), 0),
          };
        },
      };
    },
  };
}
