import { describe, expect, it } from 'vitest';
import { growth, heatmapQuery, instantQueries, jobSelector, MAX_POINTS, p99Query, promqlString, rateWindow, shareQuery, stepFor } from './fleetQueries';

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
    expect(p99Query('runqlat', 'bpfscope', 12)).toBe(
      'histogram_quantile(0.99, sum by (instance, le) (rate(bpfscope_runqlat_seconds_bucket{job=~"bpfscope"}[60s])))',
    );
    const buckets = 'bpfscope_biolatency_seconds_bucket{job=~"bpfscope"}';
    expect(heatmapQuery('biolatency', 'bpfscope', 3)).toBe(`sum by (le) (clamp_min(${buckets} - ${buckets} offset 3s, 0) or increase(${buckets}[3s]))`);
  });

  it('steps so a series has at most 300 points, a whole second at least, and a p99 window with two scrapes in it', () => {
    expect(stepFor(900)).toBe(3);
    expect(stepFor(3600)).toBe(12);
    expect(stepFor(604_800)).toBe(2016);
    expect(stepFor(10)).toBe(1);
    for (const seconds of [900, 3600, 21_600, 86_400, 604_800, 1_000_003])
      expect(Math.floor(seconds / stepFor(seconds)) + 1).toBeLessThanOrEqual(MAX_POINTS + 1);
    expect(rateWindow(3)).toBe(60);
    expect(rateWindow(288)).toBe(576);
  });
});
