import { describe, expect, it } from 'vitest';
import type { ToolInfo } from '../../api/types';
import { createAppStore } from '../appStore';
import type { AppStore, KeyValueStorage } from '../appStore';
import { encodeViewState } from '../urlState';
import { panelScope } from '../viewScope';

function memoryStorage(): KeyValueStorage {
  const data = new Map<string, string>();
  return { getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
}

function storeWithHosts(...extra: string[]): AppStore {
  const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
  for (const host of extra) store.getState().addHost(host);
  return store;
}

const stacksTool = { name: 'profile', outputKind: 'stacks' } as unknown as ToolInfo;
const range = { from: 1_764_000_000_000, to: 1_764_000_030_000 };

describe('dashboards in the store', () => {
  it('opens a built-in for the active host and leaves it for a tool', () => {
    const store = storeWithHosts();
    store.getState().openDashboard('cpu');
    const { view } = store.getState();
    expect(view.dashboard?.name).toBe('cpu');
    expect(view.dashboard?.panels.every((panel) => panel.view.hosts[0] === 'a:1')).toBe(true);
    expect(encodeViewState(view)).toBe('#/host/a%3A1/dashboard/cpu');
    store.getState().selectTool(undefined);
    expect(store.getState().view.dashboard).toBeUndefined();
  });

  it('a range selected on one panel is selected on every panel, whatever its host, but not a capture range', () => {
    const store = storeWithHosts('b:2');
    store.getState().setCatalog('b:2', { state: 'loaded', tools: [stacksTool] });
    store.getState().openDashboard('My incident');
    store.getState().addPanel({ host: 'a:1', tool: 'runqlat' });
    store.getState().addPanel({ host: 'b:2', tool: 'runqlat' });
    store.getState().addPanel({ host: 'b:2', overview: 'vmstat' });
    store.getState().addPanel({ host: 'b:2', tool: 'profile' });
    const before = store.getState().view.dashboard?.panels ?? [];
    panelScope('p2').update(store, (view) => ({ ...view, selection: range }));
    const { view } = store.getState();
    expect(view.selection).toEqual(range);
    expect(view.dashboard?.panels.map((panel) => panel.view.selection)).toEqual([range, range, range, undefined]);
    // The capture's panel is the same object: it does not re-render.
    expect(view.dashboard?.panels[3]).toBe(before[3]);
    // A FlameScope range stays its panel's own.
    panelScope('p4').update(store, (panel) => ({ ...panel, selection: { from: 200, to: 900 } }));
    expect(store.getState().view.selection).toEqual(range);
    expect(store.getState().view.dashboard?.panels[3]?.view.selection).toEqual({ from: 200, to: 900 });
    // The dashboard's own controls move every time panel too.
    store.getState().setWindow(3600);
    expect(store.getState().view.dashboard?.panels.map((panel) => panel.view.windowSeconds)).toEqual([3600, 3600, 3600, undefined]);
    store.getState().setSelection(undefined);
    expect(store.getState().view.dashboard?.panels.map((panel) => panel.view.selection)).toEqual([undefined, undefined, undefined, { from: 200, to: 900 }]);
  });

  it("changes one panel's filters and sort without touching the others", () => {
    const store = storeWithHosts();
    store.getState().openDashboard('network');
    const before = store.getState().view.dashboard?.panels ?? [];
    const table = before.find((panel) => panel.view.show === 'table');
    expect(table).toBeDefined();
    panelScope(table?.id ?? '').update(store, (view) => ({ ...view, filter: 'curl', sort: { column: 'ms', direction: 'desc' } }));
    const after = store.getState().view.dashboard?.panels ?? [];
    expect(after.find((panel) => panel.id === table?.id)?.view).toMatchObject({ filter: 'curl', sort: { column: 'ms', direction: 'desc' } });
    expect(after.filter((panel) => panel.id !== table?.id)).toEqual(before.filter((panel) => panel.id !== table?.id));
    expect(store.getState().view.dashboard?.name).toBe('network');
  });

  it('opens the same built-in on another host, but leaves a hand-made dashboard for the host', () => {
    const store = storeWithHosts('b:2');
    store.getState().openDashboard('disk');
    store.getState().selectHost('b:2');
    expect(store.getState().view.dashboard?.panels.every((panel) => panel.view.hosts[0] === 'b:2')).toBe(true);
    store.getState().removePanel('p1');
    store.getState().selectHost('a:1');
    expect(store.getState().view.dashboard).toBeUndefined();
    expect(store.getState().view.hosts).toEqual(['a:1']);
  });

  it('stacks the tool shown on several hosts, and a panel opens on its own on its host', () => {
    const store = storeWithHosts('b:2');
    store.getState().selectTool('biolatency');
    store.getState().setParams({ perDisk: true });
    store.getState().openSideBySide(['a:1', 'b:2']);
    const panels = store.getState().view.dashboard?.panels ?? [];
    expect(panels.map((panel) => [panel.view.hosts[0], panel.view.tool, panel.view.params])).toEqual([
      ['a:1', 'biolatency', { perDisk: true }],
      ['b:2', 'biolatency', { perDisk: true }],
    ]);
    store.getState().openTool('biolatency', { host: 'b:2', params: { perDisk: true } });
    expect(store.getState().view).toMatchObject({ hosts: ['b:2'], tool: 'biolatency', params: { perDisk: true } });
    expect(store.getState().view.dashboard).toBeUndefined();
  });

  it("a dashboard's link makes its panels' hosts known, without tokens", () => {
    const source = storeWithHosts('b:2');
    source.getState().openDashboard('mine');
    source.getState().addPanel({ host: 'b:2', overview: 'use' });
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: encodeViewState(source.getState().view) });
    expect(store.getState().hosts).toEqual(['a:1', 'b:2']);
    expect(store.getState().tokens).toEqual({});
  });

  it('a link without hosts shows a built-in for the host the page knows first', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: '#/dashboard/use' });
    const panels = store.getState().view.dashboard?.panels ?? [];
    expect(panels.length).toBeGreaterThan(0);
    expect(panels.every((panel) => panel.view.hosts[0] === 'a:1')).toBe(true);
  });
});
