import { describe, expect, it } from 'vitest';
import { decodeViewState, emptyViewState, encodeViewState, takeTokenFromHash, viewLink } from './urlState';
import type { ViewState } from './urlState';

const full: ViewState = {
  hosts: ['10.0.0.5:7070', 'db-1.example:7070', '[::1]:7071'],
  tool: 'execsnoop',
  params: { uid: 1000, includeFailed: true, nameContains: 'a b&c=d/é' },
  filter: 'curl #1',
  columnFilters: { pcomm: 'sh', argv: '--flag=x' },
  sort: { column: 'pid', direction: 'desc' },
};

const heatMapView: ViewState = {
  hosts: ['10.0.0.5:7070'],
  tool: 'biolatency',
  params: { perDisk: true },
  filter: '',
  columnFilters: {},
  selection: { from: 1_764_000_000_000, to: 1_764_000_060_000 },
  windowSeconds: 900,
  show: 'heatmap',
  series: 'vda',
  snapshot: 'k3J9x_Qa-2',
};

describe('view state in the URL', () => {
  it('round-trips heat-map state: selection, window, series, snapshot', () => {
    const link = encodeViewState(heatMapView);
    expect(link).toBe(
      '#/host/10.0.0.5%3A7070/tool/biolatency/snapshot/k3J9x_Qa-2?params=%7B%22perDisk%22%3Atrue%7D&show=heatmap&series=vda&window=900&sel=1764000000000-1764000060000',
    );
    expect(decodeViewState(link)).toEqual({ state: heatMapView, problems: [] });
  });

  it('drops a selection that ends before it starts, or a window out of bounds, and says so', () => {
    const decoded = decodeViewState('#/tool/runqlat?sel=5000-1000&window=1');
    expect(decoded.state.tool).toBe('runqlat');
    expect(decoded.state.selection).toBeUndefined();
    expect(decoded.state.windowSeconds).toBeUndefined();
    expect(decoded.problems.join('; ')).toMatch(/selection must end after it starts/);
    expect(decodeViewState('#/tool/runqlat?sel=yesterday').problems).toEqual(['sel must be <from>-<to> in epoch milliseconds']);
  });

  it('round-trips a heat-map cell: its time range and log2 bucket', () => {
    const cell: ViewState = { ...heatMapView, snapshot: undefined, selection: { from: 1_764_000_000_000, to: 1_764_000_004_000, bucket: 11 } };
    delete cell.snapshot;
    const link = encodeViewState(cell);
    expect(link).toContain('sel=1764000000000-1764000004000&bucket=11');
    expect(decodeViewState(link)).toEqual({ state: cell, problems: [] });
    expect(decodeViewState('#/tool/tcplife?bucket=3').problems).toEqual(['bucket is a heat-map cell of a selection: it needs sel']);
    expect(decodeViewState('#/tool/tcplife?sel=1-2&bucket=99').state.selection).toEqual({ from: 1, to: 2 });
  });

  it('round-trips every field, including awkward characters', () => {
    const decoded = decodeViewState(encodeViewState(full));
    expect(decoded.problems).toEqual([]);
    expect(decoded.state).toEqual(full);
  });

  it('round-trips the empty view', () => {
    expect(encodeViewState(emptyViewState)).toBe('#/');
    expect(decodeViewState('#/')).toEqual({ state: emptyViewState, problems: [] });
  });

  it('gives the same link for the same params in any key order', () => {
    const a = encodeViewState({ ...emptyViewState, tool: 'tcplife', params: { pid: 1, localPorts: [80] } });
    const b = encodeViewState({ ...emptyViewState, tool: 'tcplife', params: { localPorts: [80], pid: 1 } });
    expect(a).toBe(b);
    expect(a).toBe('#/tool/tcplife?params=%7B%22localPorts%22%3A%5B80%5D%2C%22pid%22%3A1%7D');
  });

  it('makes a whole link of this page with the view in its hash', () => {
    expect(viewLink({ ...emptyViewState, hosts: ['h:1'], tool: 'runqlat' }, { origin: 'https://ops.example', pathname: '/bpfscope/' })).toBe(
      'https://ops.example/bpfscope/#/host/h%3A1/tool/runqlat',
    );
  });

  it('never carries a token, whatever the state holds', () => {
    const sneaky = { ...full, token: 'secret-token' } as ViewState;
    expect(encodeViewState(sneaky)).not.toContain('secret-token');
  });

  it('keeps what it can from a damaged link and says what it dropped', () => {
    const decoded = decodeViewState('#/host/good:7070,bad host/tool/EXEC!?params=%7Bnot-json&sort=pid:sideways&q=ok');
    expect(decoded.state.hosts).toEqual(['good:7070']);
    expect(decoded.state.tool).toBeUndefined();
    expect(decoded.state.params).toEqual({});
    expect(decoded.state.sort).toBeUndefined();
    expect(decoded.state.filter).toBe('ok');
    expect(decoded.problems).toEqual(expect.arrayContaining(['params are not valid JSON', expect.stringMatching(/^tool/), expect.stringMatching(/^sort/)]));
  });

  it('never echoes a part of a link that could be a secret', () => {
    const secret = 'Zx8_q-7Vb3kPq0LmN2rT5yW9aB4cD6eF1gH3jK5lM7n';
    for (const link of [`#token=${secret}`, `#/${secret}`, `#/host/a:1/${secret}/x`, `#/tool/execsnoop?sort=${secret}:up`]) {
      const { problems } = decodeViewState(link);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.join(' ')).not.toContain(secret.slice(0, 12));
    }
    expect(decodeViewState('#/tol/execsnoop').problems).toEqual(['unknown part "tol" (a link has host, tool, snapshot and dashboard)']);
  });

  it('names a bad part as the link names it, with what it must be', () => {
    expect(decodeViewState('#/tool/runqlat?window=5').problems).toEqual(['window must be a whole number of seconds from 10 to 604800 (a week)']);
    expect(decodeViewState('#/tool/runqlat?show=pie').problems).toEqual(['show must be table, heatmap or timeseries']);
  });

  it('refuses oversized parts instead of trusting them', () => {
    const decoded = decodeViewState(`#/tool/execsnoop?params=${encodeURIComponent(JSON.stringify({ x: 'y'.repeat(5000) }))}&q=${'z'.repeat(600)}`);
    expect(decoded.state.params).toEqual({});
    expect(decoded.state.filter).toBe('');
    expect(decoded.problems).toContain('params are too long');
  });

  it('takes a sign-in token out of the hash, valid or not', () => {
    expect(takeTokenFromHash('#token=abc_DEF-123')).toEqual({ token: 'abc_DEF-123', hash: '#/' });
    expect(takeTokenFromHash('#token=abc_DEF-123&extra')).toEqual({ token: 'abc_DEF-123', hash: '#/' });
    expect(takeTokenFromHash('#token=not a token!')).toEqual({ hash: '#/' });
    expect(takeTokenFromHash('#/tool/execsnoop')).toBeUndefined();
  });
});

describe('the fleet page in the URL', () => {
  it('round-trips #/fleet, a group, and the hosts a link adds to it, written as typed', () => {
    const all: ViewState = { ...emptyViewState, fleet: { hosts: [] } };
    expect(encodeViewState(all)).toBe('#/fleet');
    expect(decodeViewState('#/fleet')).toEqual({ state: all, problems: [] });
    const db: ViewState = { ...emptyViewState, fleet: { group: 'db', hosts: ['a:7070', 'db-2.example:7070', '[::1]:7071'] } };
    const link = encodeViewState(db);
    expect(link).toBe('#/fleet?group=db&hosts=a:7070,db-2.example:7070,%5B::1%5D:7071');
    expect(decodeViewState(link)).toEqual({ state: db, problems: [] });
    // Escaped as URLSearchParams would write it, or with spaces after the commas: the same view.
    expect(decodeViewState('#/fleet?group=db&hosts=a%3A7070%2C%20db-2.example%3A7070,[::1]:7071')).toEqual({ state: db, problems: [] });
    expect(decodeViewState(encodeViewState({ ...emptyViewState, fleet: { group: 'api', hosts: [] } })).state.fleet).toEqual({ group: 'api', hosts: [] });
  });

  it('shows the fleet whatever else the state holds: the active host stays out of the link', () => {
    expect(encodeViewState({ ...full, fleet: { group: 'db', hosts: [] } })).toBe('#/fleet?group=db');
  });

  it('keeps the usable part of a damaged fleet link and says what was left out, never quoting it', () => {
    const decoded = decodeViewState('#/fleet?group=no%20spaces!&hosts=a:7070,not-a-host,b:99999,a:7070,c:1');
    expect(decoded.state.fleet).toEqual({ hosts: ['a:7070', 'c:1'] });
    expect(decoded.problems).toEqual([
      'group must be a name of up to 32 letters, digits, ., _ and -, starting with a letter or digit',
      'hosts must be host:port (a port from 1 to 65535), at most 64, separated by commas; the others are added',
    ]);
    expect(decoded.problems.join(' ')).not.toMatch(/not-a-host|spaces/);
    const many = Array.from({ length: 70 }, (_, i) => `h${i}:7070`).join(',');
    expect(decodeViewState(`#/fleet?hosts=${many}`).state.fleet?.hosts).toHaveLength(64);
    expect(decodeViewState('#/fleet/db').problems).toEqual(['a fleet link is #/fleet with group and hosts after the ?']);
    expect(decodeViewState('#/fleet/db').state.fleet).toEqual({ hosts: [] });
  });
});
