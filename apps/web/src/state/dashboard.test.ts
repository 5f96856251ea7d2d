import { describe, expect, it } from 'vitest';
import { builtInDashboard, decodePanels, encodePanels, isUnchangedBuiltIn, layout, makePanel, MAX_PANELS, nextPanelId, sideBySide } from './dashboard';
import type { DashboardPanel } from './dashboard';
import { decodeViewState, encodeViewState } from './urlState';
import type { ViewState } from './urlState';

const time = { windowSeconds: 300, selection: { from: 1_764_000_000_000, to: 1_764_000_060_000 } };

function panels(): DashboardPanel[] {
  return [
    makePanel({ host: 'db-1:7070', tool: 'runqlat', width: 2 }, 'p1', time),
    makePanel({ host: 'db-2:7070', tool: 'tcplife', show: 'table', params: { localPorts: [5432] }, width: 4, height: 2 }, 'p2', time),
    makePanel({ host: 'db-1:7070', overview: 'iostat', width: 1 }, 'p3', time),
  ];
}

describe('dashboards in the link', () => {
  it('round-trips panels of several hosts, with their own views and the dashboard time range', () => {
    const original = panels();
    const [first, second, third] = original as [DashboardPanel, DashboardPanel, DashboardPanel];
    original.splice(
      0,
      3,
      first,
      { ...second, view: { ...second.view, filter: 'psql', columnFilters: { comm: '/pg/' }, sort: { column: 'ms', direction: 'desc' } } },
      third,
    );
    const view: ViewState = {
      hosts: ['db-1:7070'],
      params: {},
      filter: '',
      columnFilters: {},
      ...time,
      dashboard: { name: 'Payments incident', panels: original },
    };
    const link = encodeViewState(view);
    expect(link).toMatch(/^#\/host\/db-1%3A7070\/dashboard\/Payments%20incident\?panels=/);
    expect(link).toContain('window=300');
    const decoded = decodeViewState(link);
    expect(decoded.problems).toEqual([]);
    expect(decoded.state).toEqual(view);
    // Every panel carries the dashboard's one time axis.
    expect(decoded.state.dashboard?.panels.map((panel) => panel.view.selection)).toEqual([time.selection, time.selection, time.selection]);
  });

  it('writes a built-in as its name alone while it is unchanged, and its panels once changed', () => {
    const cpu = builtInDashboard('cpu', ['a:1'], {});
    const view: ViewState = { hosts: ['a:1'], params: {}, filter: '', columnFilters: {}, dashboard: cpu };
    expect(encodeViewState(view)).toBe('#/host/a%3A1/dashboard/cpu');
    expect(decodeViewState('#/host/a%3A1/dashboard/cpu').state.dashboard).toEqual(cpu);
    const changed = { ...view, dashboard: { ...cpu, panels: layout.remove(cpu.panels, 'p1') } };
    expect(isUnchangedBuiltIn(changed.dashboard, ['a:1'])).toBe(false);
    const link = encodeViewState(changed);
    expect(link).toContain('panels=');
    expect(decodeViewState(link).state.dashboard?.panels).toHaveLength(cpu.panels.length - 1);
  });

  it('lays a built-in out once per host, host after host, across the width: the same view side by side', () => {
    const one = builtInDashboard('disk', ['a:1'], {});
    const three = builtInDashboard('disk', ['a:1', 'b:2', 'c:3'], time);
    expect(three.panels).toHaveLength(one.panels.length * 3);
    expect(three.panels.slice(0, 3).map((panel) => [panel.view.hosts[0], panel.view.tool, panel.width])).toEqual([
      ['a:1', 'biolatency', 4],
      ['b:2', 'biolatency', 4],
      ['c:3', 'biolatency', 4],
    ]);
    expect(new Set(three.panels.map((panel) => panel.id)).size).toBe(three.panels.length);
    expect(
      builtInDashboard(
        'use',
        Array.from({ length: 10 }, (_, index) => `h${index}:1`),
        {},
      ).panels,
    ).toHaveLength(MAX_PANELS);
  });

  it('stacks one tool view on several hosts', () => {
    const stacked = sideBySide({ tool: 'biolatency', params: { perDisk: true }, series: 'vda' }, ['a:1', 'b:2'], time);
    expect(stacked.panels.map((panel) => [panel.view.hosts[0], panel.view.tool, panel.view.params, panel.view.series, panel.width])).toEqual([
      ['a:1', 'biolatency', { perDisk: true }, 'vda', 4],
      ['b:2', 'biolatency', { perDisk: true }, 'vda', 4],
    ]);
  });

  it('refuses damaged or hostile panels with a problem that quotes none of them', () => {
    const secret = 'tok_5f2a9c1e7b3d4a6f8e0c2b4d6f8a0c2e';
    const cases = [
      '{not json',
      JSON.stringify([{ host: 'a:1', tool: 'runqlat', w: 9, h: 1 }]),
      JSON.stringify([{ host: 'a:1', tool: 'runqlat', w: 1, h: 7 }]),
      JSON.stringify([{ host: secret, tool: 'runqlat', w: 1, h: 1 }]),
      JSON.stringify([{ host: 'a:1', w: 1, h: 1 }]),
      JSON.stringify([{ host: 'a:1', tool: 'runqlat', panel: 'use', w: 1, h: 1 }]),
      JSON.stringify([{ host: 'a:1', tool: 'runqlat', w: 1, h: 1, [secret]: 1 }]),
      JSON.stringify(Array.from({ length: MAX_PANELS + 1 }, () => ({ host: 'a:1', panel: 'use', w: 1, h: 1 }))),
      'x'.repeat(17 * 1024),
    ];
    for (const text of cases) {
      const decoded = decodePanels(text, {});
      expect('problem' in decoded, text.slice(0, 60)).toBe(true);
      if ('problem' in decoded) expect(decoded.problem).not.toContain(secret.slice(4, 16));
    }
    const link = decodeViewState(`#/host/a%3A1/dashboard/mine?panels=${encodeURIComponent(cases[3] as string)}`);
    expect(link.state.dashboard).toEqual({ name: 'mine', panels: [] });
    expect(link.problems.join(' ')).toMatch(/panel 1 \(host\)/);
    expect(decodeViewState('#/host/a%3A1/dashboard/%3Cscript%3E').problems).toEqual(['dashboard must be a name of letters, digits, spaces, _ . and -']);
  });

  it('moves, resizes within the grid, removes, and numbers new panels after the highest', () => {
    const start = panels();
    expect(layout.move(start, 'p1', 1).map((panel) => panel.id)).toEqual(['p2', 'p1', 'p3']);
    expect(layout.move(start, 'p1', -1).map((panel) => panel.id)).toEqual(['p1', 'p2', 'p3']);
    expect(layout.move(start, 'p3', 1).map((panel) => panel.id)).toEqual(['p1', 'p2', 'p3']);
    const resized = layout.resize(start, 'p3', { width: 7, height: 0 });
    expect([resized[2]?.width, resized[2]?.height]).toEqual([4, 1]);
    expect(layout.resize(start, 'p3', { height: 9 })[2]?.height).toBe(6);
    expect(resized[0]).toBe(start[0]);
    expect(layout.remove(start, 'p2').map((panel) => panel.id)).toEqual(['p1', 'p3']);
    expect(nextPanelId(layout.remove(start, 'p2'))).toBe('p4');
    expect(nextPanelId([])).toBe('p1');
    expect(encodePanels(start)).not.toContain('"id"');
  });
});
