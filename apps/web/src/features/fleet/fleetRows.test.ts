import { describe, expect, it } from 'vitest';
import type { HostInfo, HostSummary, UseKindSummary } from '../../api/types';
import type { HostStatus } from '../../state/slices/hosts';
import { fleetRow, kindCell, latencyFigures, orderFleet, rankCounts } from './fleetRows';
import type { SummaryEntry } from './summaryPoller';

const connected: HostStatus = { state: 'connected', latencyMs: 3, info: { hostname: 'x' } as HostInfo, checkedAt: 0 };
const unreachable: HostStatus = { state: 'error', problem: { kind: 'unreachable', message: 'nothing answers at http://h:1' }, checkedAt: 0 };

function kind(kind: UseKindSummary['kind'], verdict: UseKindSummary['verdict'], flagged = verdict === 'ok' ? 0 : 1): UseKindSummary {
  return { kind, verdict, resource: 'CPUs', column: 'utilization', text: '1 %', threshold: 't', resources: 1, flagged };
}

/** A host's summary with a verdict per kind (its worst is the host's verdict). */
function summary(hostname: string, kinds: UseKindSummary[]): SummaryEntry {
  const order = ['unknown', 'ok', 'warning', 'critical'] as const;
  const verdict = kinds.reduce<UseKindSummary['verdict']>((worst, k) => (order.indexOf(k.verdict) > order.indexOf(worst) ? k.verdict : worst), 'unknown');
  const history = { from: 0, pointMs: 30_000, runqlatP99Us: [], biolatencyP99Us: [] };
  const answer = {
    hostname,
    kernel: '6.1',
    cpus: 2,
    agentVersion: '0.1.0',
    agentUptimeSeconds: 1,
    time: 1,
    verdict,
    use: kinds,
    recorded: { runqlat: true, biolatency: true },
    history,
  };
  return { summary: answer as HostSummary, answeredAt: 1, pending: false };
}

describe('fleet rows', () => {
  it('say what the host monitor says of reaching a host, and show a summary only while it is reachable', () => {
    const answered = summary('db-1', [kind('cpu', 'critical')]);
    expect(fleetRow('h:1', connected, answered)).toMatchObject({ rank: 'critical', reachability: 'reachable', summary: answered.summary });
    // Gone quiet since: its last verdict is not shown as if it were now.
    expect(fleetRow('h:1', unreachable, answered)).toEqual({
      address: 'h:1',
      rank: 'unreachable',
      reachability: 'unreachable',
      problem: 'nothing answers at http://h:1',
    });
    expect(fleetRow('h:1', { state: 'no-token' }, undefined)).toMatchObject({ rank: 'needs-token', reachability: 'needs a token' });
    expect(fleetRow('h:1', { state: 'error', problem: { kind: 'unauthorized', message: 'refused' }, checkedAt: 0 }, undefined)).toMatchObject({
      rank: 'needs-token',
      reachability: 'token refused',
    });
    expect(fleetRow('h:1', { state: 'error', problem: { kind: 'forbidden', message: 'origin' }, checkedAt: 0 }, undefined)).toMatchObject({
      rank: 'unreachable',
      reachability: 'origin refused',
    });
    // Still being checked, or asked: at the bottom, until it answers.
    expect(fleetRow('h:1', undefined, undefined)).toMatchObject({ rank: 'checking', reachability: 'checking…' });
    expect(fleetRow('h:1', { state: 'checking' }, answered)).toMatchObject({ rank: 'critical' });
    expect(fleetRow('h:1', connected, { pending: false, problem: { kind: 'not-found', message: 'old agent' } })).toMatchObject({
      rank: 'unknown',
      problem: 'old agent',
    });
  });

  it('put the worst first: critical, warning, hosts nobody can see into, then the healthy; more critical kinds first; names in natural order', () => {
    const rows = [
      fleetRow('ok-10:1', connected, summary('web-10', [kind('cpu', 'ok')])),
      fleetRow('ok-2:1', connected, summary('web-2', [kind('cpu', 'ok')])),
      fleetRow('pending:1', undefined, undefined),
      fleetRow('token:1', { state: 'no-token' }, undefined),
      fleetRow('dead:1', unreachable, undefined),
      fleetRow('warn:1', connected, summary('api-1', [kind('cpu', 'warning')])),
      fleetRow('crit-one:1', connected, summary('db-1', [kind('cpu', 'critical'), kind('disk', 'ok')])),
      fleetRow('crit-two:1', connected, summary('db-9', [kind('cpu', 'critical'), kind('disk', 'critical')])),
      fleetRow('nover:1', connected, summary('new', [kind('cpu', 'unknown')])),
    ];
    expect(orderFleet(rows).map((row) => row.address)).toEqual([
      'crit-two:1',
      'crit-one:1',
      'warn:1',
      'dead:1',
      'token:1',
      'nover:1',
      'ok-2:1',
      'ok-10:1',
      'pending:1',
    ]);
    expect(rankCounts(rows)).toEqual([
      { rank: 'critical', count: 2 },
      { rank: 'warning', count: 1 },
      { rank: 'unreachable', count: 1 },
      { rank: 'needs-token', count: 1 },
      { rank: 'unknown', count: 1 },
      { rank: 'ok', count: 2 },
      { rank: 'checking', count: 1 },
    ]);
  });

  it('show a kind’s worst cell short, with the whole of it and its threshold on hover', () => {
    const disk: UseKindSummary = {
      kind: 'disk',
      verdict: 'critical',
      resource: 'Disk sda',
      column: 'saturation',
      text: '38 (await 120 ms)',
      threshold: 'aqu-sz warning ≥ 2, critical ≥ 8',
      resources: 2,
      flagged: 1,
    };
    expect(kindCell(disk)).toEqual({
      figure: '38',
      what: 'sda sat',
      title: 'Disk sda saturation: 38 (await 120 ms) (critical). aqu-sz warning ≥ 2, critical ≥ 8; 1 of 2 flagged',
    });
    const tcp = { ...disk, kind: 'tcp' as const, resource: 'TCP', column: 'errors' as const, text: '3 retrans/s (1 %), InErrs 0/s', resources: 1 };
    expect(kindCell(tcp)).toMatchObject({ figure: '3', what: 'retrans/s' });
    expect(kindCell({ ...tcp, column: 'utilization', text: '8 established' })).toMatchObject({ figure: '8', what: 'established' });
    expect(kindCell({ ...disk, resource: 'Network eth0', column: 'saturation', text: '120/s' })).toMatchObject({ figure: '120/s', what: 'eth0 sat' });
    expect(kindCell({ ...disk, resource: 'CPUs', column: 'utilization', text: '100 %' })).toMatchObject({ figure: '100 %', what: 'util' });
  });

  it('give a latency line its figures with units: now (the last two points) and the hour’s highest', () => {
    expect(latencyFigures([100, 40_000, null, 250, null])).toEqual({ now: '250 µs', max: '40 ms' });
    expect(latencyFigures([1_500_000, null, null])).toEqual({ now: '—', max: '1.5 s' });
    expect(latencyFigures([null, null])).toBeUndefined();
    expect(latencyFigures([])).toBeUndefined();
  });
});
