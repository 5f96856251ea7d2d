import { describe, expect, it } from 'vitest';
import type { HistogramFrame } from '../../api/types';
import { hasSeries, rankSeries, seriesChoices, seriesDisplayName, seriesName, summarizeSeries } from './seriesChoices';

// runqlat perProcess, three seconds: a busy compiler, a slow-but-rare database, a
// shell that exec'd into "make" (same pid, new name), and an idle daemon.
// Slot k holds [2^k, 2^(k+1)) µs: slot 10 is about a millisecond.
const frame = (time: number, series: HistogramFrame['series']): HistogramFrame => ({ time, intervalMs: 1000, unit: 'usecs', series });
const perProcess: HistogramFrame[] = [
  frame(1000, [
    { label: '311', name: 'bash', counts: [0, 4] },
    { label: '4242', name: 'cc1', counts: [10, 40, 20] },
    { label: '77', name: 'sshd', counts: [1] },
  ]),
  frame(2000, [
    { label: '311', name: 'make', counts: [0, 2] },
    { label: '4242', name: 'cc1', counts: [10, 40, 20] },
    { label: '901', name: 'postgres', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3] },
  ]),
  frame(3000, [
    { label: '4242', name: 'cc1', counts: [10, 40, 20] },
    { label: '901', name: 'postgres', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] },
  ]),
];
const window = { from: 0, to: 3000 };
const labels = (choices: { shown: Array<{ label: string }> }) => choices.shown.map((series) => series.label);

describe('series choices', () => {
  it('names a series "comm (pid)", or by its label alone', () => {
    expect(seriesDisplayName({ label: '4242', name: 'cc1' })).toBe('cc1 (4242)');
    expect(seriesDisplayName({ label: 'vda Sync-Write' })).toBe('vda Sync-Write');
  });

  it('adds each series up over the window, with its newest name, and all of them together', () => {
    const { all, series } = summarizeSeries(perProcess, window);
    expect(all.count).toBe(70 * 3 + 4 + 2 + 1 + 5);
    expect(series.find((entry) => entry.label === '311')).toEqual({ label: '311', name: 'make', count: 6, p99Slot: 1 });
    expect(series.find((entry) => entry.label === '4242')?.count).toBe(210);
    // Only frames after `from` and up to `to`, as the heat map draws them.
    expect(
      summarizeSeries(perProcess, { from: 1000, to: 2000 })
        .series.map((entry) => entry.label)
        .sort(),
    ).toEqual(['311', '4242', '901']);
  });

  it('ranks by events: the busiest first', () => {
    expect(labels(seriesChoices(perProcess, { range: window, rank: 'count', query: '', limit: 10 }))).toEqual(['4242', '311', '901', '77']);
  });

  it('ranks by p99: the slowest bucket first, the busier first within one', () => {
    const choices = seriesChoices(perProcess, { range: window, rank: 'p99', query: '', limit: 10 });
    expect(labels(choices)).toEqual(['901', '4242', '311', '77']);
    // All five postgres waits are in [1024, 2048) µs, slot 10.
    expect(choices.shown.map((series) => series.p99Slot)).toEqual([10, 2, 1, 0]);
    // Together: 5 of 222 waits are postgres's, more than 1 %.
    expect(choices.all.p99Slot).toBe(10);
    const sameBucket = [
      { label: '5', count: 3, p99Slot: 7 },
      { label: '6', count: 900, p99Slot: 7 },
      { label: '7', count: 1, p99Slot: 8 },
    ];
    expect(rankSeries(sameBucket, { rank: 'p99', query: '', limit: 5 }).shown.map((entry) => entry.label)).toEqual(['7', '6', '5']);
  });

  it('keeps the list short: the first few, saying how many match', () => {
    const choices = seriesChoices(perProcess, { range: window, rank: 'count', query: '', limit: 2 });
    expect(labels(choices)).toEqual(['4242', '311']);
    expect([choices.matching, choices.total]).toEqual([4, 4]);
  });

  it('searches by pid or by comm, any case, or by /regex/', () => {
    const search = (query: string) => labels(seriesChoices(perProcess, { range: window, rank: 'count', query, limit: 10 }));
    expect(search('4242')).toEqual(['4242']);
    expect(search('POSTGRES')).toEqual(['901']);
    expect(search('make')).toEqual(['311']);
    // The newest name only: the shell is make now.
    expect(search('bash')).toEqual([]);
    expect(search('/^(cc1|sshd) /')).toEqual(['4242', '77']);
    expect(search('  ')).toEqual(['4242', '311', '901', '77']);
  });

  it('leaves out series quiet in the window; a quiet pick still has its name', () => {
    const recent = { from: 2000, to: 3000 };
    expect(labels(seriesChoices(perProcess, { range: recent, rank: 'count', query: '', limit: 10 }))).toEqual(['4242', '901']);
    expect(seriesName(perProcess, '311')).toBe('make');
    expect(seriesName(perProcess, '5')).toBeUndefined();
  });

  it('works for biolatency per disk: labels, no names', () => {
    const disks: HistogramFrame[] = [
      frame(1000, [
        { label: 'vda', counts: [0, 0, 0, 0, 0, 0, 0, 5] },
        { label: 'vdb', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] },
      ]),
    ];
    expect(hasSeries(disks)).toBe(true);
    expect(labels(seriesChoices(disks, { range: window, rank: 'count', query: '', limit: 10 }))).toEqual(['vda', 'vdb']);
    expect(labels(seriesChoices(disks, { range: window, rank: 'p99', query: '', limit: 10 }))).toEqual(['vdb', 'vda']);
    expect(labels(seriesChoices(disks, { range: window, rank: 'count', query: 'vdb', limit: 10 }))).toEqual(['vdb']);
  });

  it('offers nothing to pick for a single histogram', () => {
    expect(hasSeries([frame(1000, [{ label: '', counts: [3] }]), frame(2000, [])])).toBe(false);
    expect(hasSeries([])).toBe(false);
    expect(hasSeries(perProcess)).toBe(true);
  });

  it('breaks ties by natural order of labels', () => {
    const even = [
      { label: '10', count: 1, p99Slot: 2 },
      { label: '9', count: 1, p99Slot: 2 },
    ];
    expect(rankSeries(even, { rank: 'count', query: '', limit: 5 }).shown.map((entry) => entry.label)).toEqual(['9', '10']);
    expect(rankSeries(even, { rank: 'p99', query: '', limit: 5 }).shown.map((entry) => entry.label)).toEqual(['9', '10']);
  });
});
