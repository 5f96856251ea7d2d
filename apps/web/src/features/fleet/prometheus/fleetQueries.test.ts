import { describe, expect, it } from 'vitest';
import { heatmapQuery, instantQueries, jobSelector, MAX_POINTS, p99Query, promqlString, rateWindow, regexLiteral, shareQuery, stepFor } from './fleetQueries';

describe('the fleet PromQL', () => {
  it('puts the job matcher in a PromQL string with its backslashes and quotes escaped', () => {
    expect(promqlString('bpfscope')).toBe('"bpfscope"');
    expect(promqlString('bpfscope-\\d+')).toBe('"bpfscope-\\\\d+"');
    expect(promqlString('a"} or vector(1) or up{job="')).toBe('"a\\"} or vector(1) or up{job=\\""');
    expect(jobSelector('bpfscope|node')).toBe('{job=~"bpfscope|node"}');
    // An attempt to close the selector stays inside the string.
    expect(instantQueries('x"}) or (up{').up).toBe('up{job=~"x\\"}) or (up{"}');
  });

  it('escapes a bucket bound for a regex, then for the string around it', () => {
    expect(regexLiteral('0.000512')).toBe('0\\.000512');
    expect(regexLiteral('+Inf')).toBe('\\+Inf');
    expect(shareQuery('biolatency', 'bpfscope', 12, ['0.000256', '0.000512'])).toBe(
      'sum by (instance, le) (clamp_min(bpfscope_biolatency_seconds_bucket{job=~"bpfscope", le=~"0\\\\.000256|0\\\\.000512"} - ' +
        'bpfscope_biolatency_seconds_bucket{job=~"bpfscope", le=~"0\\\\.000256|0\\\\.000512"} offset 12s, 0))',
    );
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
    expect(heatmapQuery('biolatency', 'bpfscope', 3)).toBe(
      'sum by (le) (clamp_min(bpfscope_biolatency_seconds_bucket{job=~"bpfscope"} - bpfscope_biolatency_seconds_bucket{job=~"bpfscope"} offset 3s, 0))',
    );
  });

  it('steps so a series has at most 300 points, a whole second at least, and a p99 window with two scrapes in it', () => {
    expect(stepFor(900)).toBe(3);
    expect(stepFor(3600)).toBe(12);
    expect(stepFor(604_800)).toBe(2016);
    expect(stepFor(10)).toBe(1);
    for (const seconds of [900, 3600, 21_600, 86_400, 604_800, 1_000_003]) expect(Math.floor(seconds / stepFor(seconds)) + 1).toBeLessThanOrEqual(MAX_POINTS + 1);
    expect(rateWindow(3)).toBe(60);
    expect(rateWindow(288)).toBe(576);
  });
});
