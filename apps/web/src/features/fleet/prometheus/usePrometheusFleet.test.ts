import { describe, expect, it } from 'vitest';
import { gridFor, instantTimeFor } from './usePrometheusFleet';

describe('the fleet asks Prometheus about now at now', () => {
  const now = Date.UTC(2026, 11, 7, 2, 55, 7, 500);

  it('a live hour: columns end on the last whole step, the hosts and verdicts are asked at this second', () => {
    const range = { last: '1h' } as const;
    const grid = gridFor(range, now);
    expect(grid.end % grid.step).toBe(0);
    expect(grid.end).toBeLessThan(Math.floor(now / 1000));
    // A host first scraped between the column's end and now is in the table.
    expect(instantTimeFor(range, now)).toBe(Math.floor(now / 1000));
  });

  it('a fixed range: both at its end', () => {
    const range = { from: now - 600_000, to: now - 60_000 };
    expect(instantTimeFor(range, now)).toBe(Math.floor((now - 60_000) / 1000));
    expect(gridFor(range, now).end).toBe(instantTimeFor(range, now));
  });
});
