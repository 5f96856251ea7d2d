import { shownColumns } from '@bpfscope/formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatTableHeader, formatTableRow } from '../../table.js';
import { cachestat, cachestatParams, cachestatRow } from './cachestat.js';

const meminfo = { buffersKb: 2048 + 1023, cachedKb: 10 * 1024 };

describe('cachestatRow: bcc cachestat arithmetic', () => {
  it('total is accesses less buffer dirtyings, misses additions less dirtied pages, hits the rest', () => {
    expect(cachestatRow({ accessed: 120, added: 30, dirtied: 10, buffersDirtied: 20 }, meminfo, 5)).toEqual({
      time: 5,
      hits: 80,
      misses: 20,
      dirties: 20,
      hitRatio: 80,
      buffersMb: 2,
      cachedMb: 10,
    });
  });

  it('counts every access a miss when readahead added more than was read, and clamps at 0', () => {
    expect(cachestatRow({ accessed: 5, added: 40, dirtied: 0, buffersDirtied: 0 }, meminfo, 0)).toMatchObject({ hits: 0, misses: 5, hitRatio: 0 });
    expect(cachestatRow({ accessed: 0, added: 1, dirtied: 9, buffersDirtied: 3 }, meminfo, 0)).toMatchObject({ hits: 0, misses: 0, hitRatio: 0 });
  });

  it('leaves HITS and HITRATIO null, never 0, where accesses cannot be counted', () => {
    const row = cachestatRow({ accessed: null, added: 30, dirtied: 10, buffersDirtied: 4 }, meminfo, 0);
    expect(row).toMatchObject({ hits: null, misses: 20, dirties: 4, hitRatio: null });
    expect(formatTableRow(cachestat.columns, row)).toMatch(/^\d\d:\d\d:\d\d {8}— {7}20 {8}4 {8}— {12}2 10$/);
  });
});

describe('cachestat decoding and columns', () => {
  it("prints bcc's header, TIME only with -T, and HITRATIO as a percentage", () => {
    const row = cachestatRow({ accessed: 3, added: 1, dirtied: 0, buffersDirtied: 0 }, meminfo, 0);
    const plain = shownColumns(cachestat.columns, cachestatParams.parse({}));
    expect(formatTableHeader(plain)).toBe('    HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB CACHED_MB');
    expect(formatTableRow(plain, row)).toBe('       2        1        0   66.67%            2 10');
    const stamped = shownColumns(cachestat.columns, cachestatParams.parse({ timestamp: true }));
    expect(formatTableHeader(stamped)).toBe('TIME         HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB CACHED_MB');
    expect(formatTableRow(stamped, row)).toMatch(/^\d\d:\d\d:\d\d {8}2 {8}1 {8}0 {3}66\.67% {12}2 10$/);
  });

  it('takes the interval in whole seconds from 1 to 3600', () => {
    expect(cachestatParams.parse({})).toEqual({ interval: 1, timestamp: false });
    for (const interval of [0, 1.5, 3601, -1]) expect(cachestatParams.safeParse({ interval }).success).toBe(false);
    expect(cachestat.intervalRows?.intervalMs?.({ interval: 5, timestamp: false })).toBe(5000);
    // The params form labels it with its unit: "interval (s)".
    const { properties } = z.toJSONSchema(cachestatParams, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
    expect(properties.interval).toMatchObject({ unit: 's', description: "seconds per row, like cachestat's interval argument" });
  });
});
