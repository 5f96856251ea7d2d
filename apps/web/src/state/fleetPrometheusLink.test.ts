import { describe, expect, it } from 'vitest';
import { fleetPrometheusProblems } from './fleetPrometheusLink';
import type { ViewState } from './urlState';
import { decodeViewState, emptyViewState, encodeViewState } from './urlState';

function fleet(prometheus: NonNullable<ViewState['fleet']>['prometheus']): ViewState {
  return { ...emptyViewState, fleet: { hosts: [], ...(prometheus ? { prometheus } : {}) } };
}

describe('the fleet read from Prometheus, in the URL', () => {
  it('round-trips a Prometheus URL, a job regex, a preset and an absolute range, and an agent to ask through', () => {
    const direct = fleet({ source: { url: 'https://example.org/prometheus' }, job: 'bpfscope-.*', range: { last: '6h' }, heatmap: 'biolatency' });
    const link = encodeViewState(direct);
    expect(link).toBe('#/fleet?prometheus=https:%2F%2Fexample.org%2Fprometheus&job=bpfscope-.*&range=6h&heatmap=biolatency');
    expect(decodeViewState(link)).toEqual({ state: direct, problems: [] });
    const yesterday = fleet({ source: { agent: 'db-1:7070' }, job: 'a|b\\d', range: { from: 1_700_000_000_000, to: 1_700_003_600_000 }, heatmap: 'runqlat' });
    const agentLink = encodeViewState(yesterday);
    expect(agentLink).toBe('#/fleet?prometheus=agent:db-1:7070&job=a%7Cb%5Cd&range=1700000000000-1700003600000&heatmap=runqlat');
    expect(decodeViewState(agentLink)).toEqual({ state: yesterday, problems: [] });
  });

  it('is Prometheus mode with an empty prometheus=, defaults for what the link leaves out, and a base URL without its trailing slash', () => {
    expect(decodeViewState('#/fleet?prometheus=').state.fleet?.prometheus).toEqual({ job: 'bpfscope', range: { last: '1h' }, heatmap: 'runqlat' });
    expect(decodeViewState('#/fleet?prometheus=http%3A%2F%2Fprom%3A9090%2F').state.fleet?.prometheus?.source).toEqual({ url: 'http://prom:9090' });
    expect(decodeViewState('#/fleet').state.fleet?.prometheus).toBeUndefined();
  });

  it('refuses a URL that is not http(s) or holds a credential, never quoting it, and keeps the rest', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'http://user:secret@prom:9090', 'http://prom:9090/?token=secret', 'not a url']) {
      const decoded = decodeViewState(`#/fleet?prometheus=${encodeURIComponent(bad)}&job=bpfscope&range=24h`);
      expect(decoded.problems).toEqual([fleetPrometheusProblems.source]);
      expect(decoded.problems.join(' ')).not.toContain('secret');
      expect(decoded.state.fleet?.prometheus).toEqual({ job: 'bpfscope', range: { last: '24h' }, heatmap: 'runqlat' });
    }
    expect(decodeViewState('#/fleet?prometheus=agent:not-a-host').problems).toEqual([fleetPrometheusProblems.source]);
  });

  it('says what is wrong with a job, a range and a heat map tool', () => {
    const decoded = decodeViewState(`#/fleet?prometheus=http://p:9090&job=${'x'.repeat(129)}&range=2h&heatmap=execsnoop`);
    expect(decoded.problems).toEqual([fleetPrometheusProblems.job, fleetPrometheusProblems.range, fleetPrometheusProblems.heatmap]);
    expect(decoded.state.fleet?.prometheus).toEqual({ source: { url: 'http://p:9090' }, job: 'bpfscope', range: { last: '1h' }, heatmap: 'runqlat' });
    expect(decodeViewState('#/fleet?prometheus=&job=a%0Ab').problems).toEqual([fleetPrometheusProblems.job]);
    // Ends before it starts; longer than 32 days.
    expect(decodeViewState('#/fleet?prometheus=&range=2000-1000').problems).toEqual([fleetPrometheusProblems.range]);
    expect(decodeViewState(`#/fleet?prometheus=&range=0-${33 * 86_400_000}`).problems).toEqual([fleetPrometheusProblems.range]);
  });
});
