import { describe, expect, it } from 'vitest';
import { activeHost, createAppStore } from './appStore';
import type { KeyValueStorage } from './appStore';
import { encodeViewState } from './urlState';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('app store', () => {
  it('knows the agent that served the page, and what this browser stored', () => {
    const storage = memoryStorage({ 'bpfscope.hosts': JSON.stringify(['10.0.0.2:7070', 'bad host']), 'bpfscope.token:10.0.0.2:7070': 'secret' });
    const store = createAppStore({ storage, defaultHost: '127.0.0.1:7070' });
    expect(store.getState().hosts).toEqual(['127.0.0.1:7070', '10.0.0.2:7070']);
    expect(store.getState().tokens).toEqual({ '10.0.0.2:7070': 'secret' });
    expect(activeHost(store.getState())).toBe('127.0.0.1:7070');
  });

  it('adds and removes hosts, validating addresses and keeping tokens in storage only for known hosts', () => {
    const storage = memoryStorage();
    const store = createAppStore({ storage, defaultHost: '127.0.0.1:7070' });
    expect(store.getState().addHost('no-port')).toMatch(/host:port/);
    expect(store.getState().addHost('[::1]:7070')).toBeUndefined();
    expect(store.getState().setToken('[::1]:7070', 'has space')).toMatch(/printable/);
    expect(store.getState().setToken('[::1]:7070', ' tok ')).toBeUndefined();
    expect(storage.data.get('bpfscope.token:[::1]:7070')).toBe('tok');
    store.getState().selectHost('[::1]:7070');
    store.getState().removeHost('[::1]:7070');
    expect(store.getState().hosts).toEqual(['127.0.0.1:7070']);
    expect(storage.data.has('bpfscope.token:[::1]:7070')).toBe(false);
    expect(store.getState().view.hosts).toEqual(['127.0.0.1:7070']);
  });

  it('keeps tool, params, filters and sort when another host is selected', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
    store.getState().addHost('b:2');
    const { selectTool, setParams, setFilter, setColumnFilter, toggleSort, selectHost } = store.getState();
    selectTool('execsnoop');
    setParams({ uid: 0 });
    setFilter('curl');
    setColumnFilter('pcomm', 'bash');
    toggleSort('pid');
    selectHost('b:2');
    expect(store.getState().view).toEqual({
      hosts: ['b:2'],
      tool: 'execsnoop',
      params: { uid: 0 },
      filter: 'curl',
      columnFilters: { pcomm: 'bash' },
      sort: { column: 'pid', direction: 'asc' },
    });
  });

  it('starts another tool with empty params, filters and sort', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
    store.getState().selectTool('execsnoop');
    store.getState().setFilter('x');
    store.getState().selectTool('tcplife');
    expect(store.getState().view).toEqual({ hosts: ['a:1'], tool: 'tcplife', params: {}, filter: '', columnFilters: {} });
  });

  it('opens a tool from the overview with its params and tab, keeping the time range', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: '#/host/a:1?window=900&sel=1000-2000' });
    store.getState().openTool('tcplife', { show: 'heatmap' });
    expect(store.getState().view).toEqual({
      hosts: ['a:1'],
      tool: 'tcplife',
      params: {},
      filter: '',
      columnFilters: {},
      show: 'heatmap',
      windowSeconds: 900,
      selection: { from: 1000, to: 2000 },
    });
    expect(encodeViewState(store.getState().view)).toBe('#/host/a%3A1/tool/tcplife?show=heatmap&window=900&sel=1000-2000');
    store.getState().selectTool(undefined);
    store.getState().openTool('profile', { params: { pid: 42 } });
    expect(store.getState().view).toEqual({ hosts: ['a:1'], tool: 'profile', params: { pid: 42 }, filter: '', columnFilters: {} });
  });

  it('opens a host’s overview from a dashboard panel (a drill to an overview panel), keeping the time range', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: '#/host/a:1/dashboard/use?window=900&sel=1000-2000' });
    store.getState().openTool(undefined, { host: 'a:1' });
    expect(store.getState().view).toEqual({
      hosts: ['a:1'],
      params: {},
      filter: '',
      columnFilters: {},
      windowSeconds: 900,
      selection: { from: 1000, to: 2000 },
    });
    expect(encodeViewState(store.getState().view)).toBe('#/host/a%3A1?window=900&sel=1000-2000');
  });

  it('cycles sort ascending, descending, off', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
    const directions = [1, 2, 3].map(() => {
      store.getState().toggleSort('pid');
      return store.getState().view.sort?.direction;
    });
    expect(directions).toEqual(['asc', 'desc', undefined]);
  });

  it('opens a shared link: same view, and its host becomes known (without a token)', () => {
    const link = encodeViewState({ hosts: ['10.9.8.7:7070'], tool: 'tcplife', params: { pid: 42 }, filter: 'x', columnFilters: { comm: 'nginx' } });
    const store = createAppStore({ storage: memoryStorage(), defaultHost: '127.0.0.1:7070', hash: link });
    expect(store.getState().view).toMatchObject({ hosts: ['10.9.8.7:7070'], tool: 'tcplife', params: { pid: 42 }, columnFilters: { comm: 'nginx' } });
    expect(store.getState().hosts).toEqual(['127.0.0.1:7070', '10.9.8.7:7070']);
    expect(store.getState().tokens['10.9.8.7:7070']).toBeUndefined();
    expect(encodeViewState(store.getState().view)).toBe(link);
  });

  it('makes the agent a fleet link asks Prometheus through known, with the token this browser stored for it', () => {
    const storage = memoryStorage({ 'bpfscope.token:db-1:7070': 'stored-token' });
    const store = createAppStore({ storage, defaultHost: 'a:1', hash: '#/fleet?prometheus=agent:db-1:7070&job=bpfscope' });
    expect(store.getState().hosts).toEqual(['a:1', 'db-1:7070']);
    expect(store.getState().tokens['db-1:7070']).toBe('stored-token');
    // Opened later in the page too; an agent without a stored token becomes known without one.
    store.getState().openLink('#/fleet?prometheus=agent:db-2:7070');
    expect(store.getState().hosts).toEqual(['a:1', 'db-1:7070', 'db-2:7070']);
    expect(store.getState().tokens['db-2:7070']).toBeUndefined();
    expect(JSON.parse(storage.data.get('bpfscope.hosts') ?? '[]')).toEqual(['a:1', 'db-1:7070', 'db-2:7070']);
  });

  it('reports what was wrong with a damaged link and keeps the rest', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
    store.getState().openLink('#/tool/execsnoop?params=%7Bbroken&sort=pid:sideways');
    expect(store.getState().view.tool).toBe('execsnoop');
    expect(store.getState().view.hosts).toEqual(['a:1']);
    expect(store.getState().linkProblems.join('; ')).toMatch(/params are not valid JSON/);
    expect(store.getState().view.sort).toBeUndefined();
  });

  it('remembers the theme', () => {
    const storage = memoryStorage();
    createAppStore({ storage }).getState().setTheme('light');
    expect(createAppStore({ storage }).getState().theme).toBe('light');
    expect(createAppStore({ storage: memoryStorage(), prefersDark: false }).getState().theme).toBe('light');
  });

  it('signs in from a link for the agent that served the page, and never shows the token', () => {
    const storage = memoryStorage();
    const store = createAppStore({ storage, defaultHost: 'a:1' });
    store.getState().signIn({ token: 'abc_DEF-123' });
    expect(store.getState().tokens['a:1']).toBe('abc_DEF-123');
    expect(storage.getItem('bpfscope.token:a:1')).toBe('abc_DEF-123');
    expect(store.getState().linkProblems).toEqual([]);
    store.getState().signIn({});
    expect(store.getState().linkProblems.join(' ')).toMatch(/holds no valid token/);
  });

  it('drops a linked sort or column filter the tool has no column for, and says so', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: '#/tool/execsnoop?sort=nope:asc&f.pid=12&f.bogus=x' });
    store.getState().discardUnknownColumns(['pid', 'pcomm']);
    expect(store.getState().view.sort).toBeUndefined();
    expect(store.getState().view.columnFilters).toEqual({ pid: '12' });
    expect(store.getState().linkProblems).toEqual(['sort: this tool has no column "nope"', 'f.bogus: this tool has no such column']);
    store.getState().discardUnknownColumns(['pid', 'pcomm']);
    expect(store.getState().linkProblems).toHaveLength(2);
  });

  it('keeps heat-map state across hosts and clears it with another tool', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
    store.getState().addHost('b:2');
    store.getState().selectTool('biolatency');
    store.getState().setSelection({ from: 1000, to: 2000 });
    store.getState().setWindow(900);
    store.getState().setSeries('vda');
    store.getState().selectHost('b:2');
    expect(store.getState().view).toMatchObject({ hosts: ['b:2'], selection: { from: 1000, to: 2000 }, windowSeconds: 900, series: 'vda' });
    store.getState().setSelection(undefined);
    store.getState().setSeries(undefined);
    expect(store.getState().view.selection).toBeUndefined();
    expect('series' in store.getState().view).toBe(false);
    store.getState().selectTool('runqlat');
    expect(store.getState().view).toEqual({ hosts: ['b:2'], tool: 'runqlat', params: {}, filter: '', columnFilters: {} });
  });

  it('leaves a snapshot for live data on another host or on picking its tool again', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: '#/host/a%3A1/tool/runqlat/snapshot/AAAAAAAAAAAAAAAA?sel=1000-2000' });
    expect(store.getState().view.snapshot).toBe('AAAAAAAAAAAAAAAA');
    store.getState().selectTool('runqlat');
    expect(store.getState().view).toMatchObject({ tool: 'runqlat', selection: { from: 1000, to: 2000 } });
    expect(store.getState().view.snapshot).toBeUndefined();
    store.getState().setSnapshot('BBBBBBBBBBBBBBBB');
    store.getState().addHost('b:2');
    store.getState().selectHost('b:2');
    expect(store.getState().view.snapshot).toBeUndefined();
  });

  it('counts the changes this page made to snapshots, which the list loads again on', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1' });
    const revisions: number[] = [];
    store.subscribe((state) => revisions.push(state.snapshotsRevision));
    store.getState().snapshotsChanged();
    store.getState().snapshotsChanged();
    expect(revisions).toEqual([1, 2]);
  });

  it('opens the fleet from a link keeping the active host, and leaves it for a host or its overview', () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'a:1', hash: '#/host/b%3A2/tool/runqlat' });
    store.getState().openLink('#/fleet?group=db&hosts=c:3');
    expect(store.getState().view).toMatchObject({ hosts: ['b:2'], fleet: { group: 'db', hosts: ['c:3'] } });
    expect(activeHost(store.getState())).toBe('b:2');
    // A host picked in the sidebar: its overview (the fleet link named no tool).
    store.getState().selectHost('a:1');
    expect(store.getState().view).toEqual({ hosts: ['a:1'], params: {}, filter: '', columnFilters: {} });
    store.getState().openLink('#/fleet');
    // "Overview" in the sidebar: the active host's landing view.
    store.getState().selectTool(undefined);
    expect(store.getState().view.fleet).toBeUndefined();
    expect(encodeViewState(store.getState().view)).toBe('#/host/a%3A1');
  });
});
