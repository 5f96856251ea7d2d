import { describe, expect, it } from 'vitest';
import {
  columnStep,
  growth,
  scrapeIntervalOf,
  scrapeIntervalQuery,
  heatmapQuery,
  instantQueries,
  jobSelector,
  MAX_POINTS,
  MAX_SPARKLINE_POINTS,
  p99Query,
  promqlString,
  rateWindow,
  shareQuery,
  stepFor,
} from './fleetQueries';

describe('the fleet PromQL', () => {
  it('puts the job matcher in a PromQL string with its backslashes and quotes escaped', () => {
    expect(promqlString('bpfscope')).toBe('"bpfscope"');
    expect(promqlString('bpfscope-\\d+')).toBe('"bpfscope-\\\\d+"');
    expect(promqlString('a"} or vector(1) or up{job="')).toBe('"a\\"} or vector(1) or up{job=\\""');
    expect(jobSelector('bpfscope|node')).toBe('{job=~"bpfscope|node"}');
    // An attempt to close the selector stays inside the string.
    expect(instantQueries('x"}) or (up{').up).toBe('up{job=~"x\\"}) or (up{"}');
  });

  it('asks a cell’s hosts for its two bounds exactly as Prometheus stored them', () => {
    const bucket = (le: string) => `bpfscope_biolatency_seconds_bucket{job=~"bpfscope", le="${le}"}`;
    expect(shareQuery('biolatency', 'bpfscope', 12, ['0.000256', '0.000512'])).toBe(
      `sum by (instance, le) (${growth(bucket('0.000256'), 12)} or ${growth(bucket('0.000512'), 12)})`,
    );
    const inf = 'bpfscope_runqlat_seconds_bucket{job=~"a\\"b", le="+Inf"}';
    expect(shareQuery('runqlat', 'a"b', 5, ['+Inf'])).toBe(`sum by (instance, le) (${growth(inf, 5)})`);
    expect(growth('x', 5)).toBe('(clamp_min(x - x offset 5s, 0) or increase(x[5s]))');
  });

  it('asks a fixed handful of queries, none naming a host', () => {
    const queries = instantQueries('bpfscope');
    expect(queries).toEqual({
      up: 'up{job=~"bpfscope"}',
      info: 'bpfscope_agent_info{job=~"bpfscope"}',
      verdicts: 'max by (instance, kind) (bpfscope_use_verdict{job=~"bpfscope"})',
      flagged: 'bpfscope_use_verdict{job=~"bpfscope"} >= 1',
    });
    expect(p99Query('runqlat', 'bpfscope', 12)).toBe('histogram_quantile(0.99, rate(bpfscope_runqlat_seconds_bucket{job=~"bpfscope"}[60s]))');
    const buckets = 'bpfscope_biolatency_seconds_bucket{job=~"bpfscope"}';
    expect(heatmapQuery('biolatency', 'bpfscope', 3)).toBe(`clamp_min(sum by (le) (${buckets}) - sum by (le) (${buckets} offset 3s), 0)`);
  });

  it('makes heat-map columns a whole number of scrapes wide, the interval from one host’s samples', () => {
    expect(scrapeIntervalQuery('bpfscope', 'db-1:7070')).toBe('up{job=~"bpfscope", instance="db-1:7070"}[10m]');
    const values = (times: number[]) => [{ values: times.map((time) => [time, '1'] as const) }];
    expect(scrapeIntervalOf(values([0, 15, 30.001, 45, 60, 90]))).toBe(15);
    expect(scrapeIntervalOf(values([1, 2, 3]))).toBe(1);
    expect(scrapeIntervalOf(values([5]))).toBeUndefined();
    expect(scrapeIntervalOf([])).toBeUndefined();
    // 1 h at 15 s scrapes: 15 s columns, not 12 s ones of which every fifth has no scrape.
    expect(columnStep(12, 15)).toBe(15);
    expect(columnStep(72, 15)).toBe(75);
    expect(columnStep(3, 1)).toBe(3);
    expect(columnStep(12, undefined)).toBe(12);
  });

  it('steps so a series has at most 300 points, a whole second at least, and a p99 window with two scrapes in it', () => {
    expect(stepFor(900)).toBe(3);
    expect(stepFor(3600)).toBe(12);
    expect(stepFor(604_800)).toBe(2016);
    expect(stepFor(10)).toBe(1);
    // A host's sparkline: a point a pixel of its 64.
    expect(stepFor(3600, MAX_SPARKLINE_POINTS)).toBe(57);
    expect(stepFor(900, MAX_SPARKLINE_POINTS)).toBe(15);
    for (const seconds of [900, 3600, 21_600, 86_400, 604_800, 1_000_003])
      expect(Math.floor(seconds / stepFor(seconds)) + 1).toBeLessThanOrEqual(MAX_POINTS + 1);
    expect(rateWindow(3)).toBe(60);
    expect(rateWindow(288)).toBe(576);
  });
});
