import { describe, expect, it } from 'vitest';
import { maxPerPoint, summaryWindow, useByKind } from './hostSummary.js';
import type { OverviewSample, UseCell, UseKind, UseRow, Verdict } from './types.js';

function useCell(verdict: Verdict, text: string): UseCell {
  return { value: 1, unit: '%', text, verdict, threshold: `threshold of ${text}`, drill: null };
}

/** A USE row from its three verdicts, each cell's text naming its row and column. */
function useRow(resource: string, kind: UseKind, verdicts: [Verdict, Verdict, Verdict]): UseRow {
  return {
    resource,
    kind,
    utilization: useCell(verdicts[0], `${resource} U`),
    saturation: useCell(verdicts[1], `${resource} S`),
    errors: useCell(verdicts[2], `${resource} E`),
  };
}

describe('useByKind: the worst cell of each resource kind', () => {
  it('keeps the first of the worst cells of a kind, and counts its resources and those flagged', () => {
    const kinds = useByKind([
      useRow('CPUs', 'cpu', ['ok', 'warning', 'unknown']),
      useRow('Disk sda', 'disk', ['ok', 'ok', 'ok']),
      useRow('Disk sdb', 'disk', ['critical', 'warning', 'ok']),
      useRow('Disk sdc', 'disk', ['ok', 'critical', 'ok']),
      useRow('File descriptors', 'fd', ['ok', 'unknown', 'unknown']),
    ]);
    expect(kinds).toEqual([
      { kind: 'cpu', verdict: 'warning', resource: 'CPUs', column: 'saturation', text: 'CPUs S', threshold: 'threshold of CPUs S', resources: 1, flagged: 1 },
      {
        kind: 'disk',
        verdict: 'critical',
        resource: 'Disk sdb',
        column: 'utilization',
        text: 'Disk sdb U',
        threshold: 'threshold of Disk sdb U',
        resources: 3,
        flagged: 2,
      },
      {
        kind: 'fd',
        verdict: 'ok',
        resource: 'File descriptors',
        column: 'utilization',
        text: 'File descriptors U',
        threshold: 'threshold of File descriptors U',
        resources: 1,
        flagged: 0,
      },
    ]);
  });

  it('says unknown for a kind whose every figure is unknown, and nothing for no rows', () => {
    expect(useByKind([useRow('TCP', 'tcp', ['unknown', 'unknown', 'unknown'])])).toMatchObject([{ kind: 'tcp', verdict: 'unknown', text: 'TCP U' }]);
    expect(useByKind([])).toEqual([]);
  });
});

describe('the last hour in points', () => {
  it('aligns the window to whole points, the newest point holding the newest second', () => {
    // 3,645 s is in the point [3,630, 3,660) s: the last of 120, so the first starts at 60 s.
    expect(summaryWindow(3_645_000, 3_600_000, 120, 1000)).toEqual({ from: 60_000, pointMs: 30_000 });
    // A second on a point's boundary starts that point; one before it ends the one before.
    expect(summaryWindow(3_630_000, 3_600_000, 120, 1000)).toEqual({ from: 60_000, pointMs: 30_000 });
    expect(summaryWindow(3_629_000, 3_600_000, 120, 1000)).toEqual({ from: 30_000, pointMs: 30_000 });
    // Points that do not divide the hour are whole seconds, covering at least the hour.
    const odd = summaryWindow(10_000_000, 3_600_000, 7, 1000);
    expect(odd.pointMs).toBe(515_000);
    expect(7 * odd.pointMs).toBeGreaterThanOrEqual(3_600_000);
  });

  it('makes each point the highest figure of its seconds, null where none had one', () => {
    const seconds = (values: Array<number | null>, from: number) =>
      values.map((value, i) => ({ time: from + i * 1000, bpf: { runqlatP99Us: value } }) as unknown as OverviewSample);
    const samples = [
      // Before the window: left out.
      ...seconds([9999], -1000),
      // Point 0: a one-second spike among quiet seconds survives as the point's value.
      ...seconds([100, 120, 50_000, 90, null], 0),
      // Point 1: no figure at all (runqlat saw nothing).
      ...seconds([null, null, null, null, null], 5000),
      // Point 2.
      ...seconds([300, Number.NaN, 200], 10_000),
      // After the window: left out.
      ...seconds([7777], 15_000),
    ];
    expect(maxPerPoint(samples, (sample) => sample.bpf.runqlatP99Us, { from: 0, pointMs: 5000, points: 3 })).toEqual([50_000, null, 300]);
  });
});
