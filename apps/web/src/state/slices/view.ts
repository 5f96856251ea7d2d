// What is shown, as the URL states it (host, tool, params, filters, sort, heat-map
// and snapshot state), and what could not be used of the link that opened it.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState, KeyValueStorage } from '../appStore';
import type { SortDirection, ViewState } from '../urlState';
import { decodeViewState, unknownColumnProblems } from '../urlState';
import { withLinkedHosts } from './hosts';

export interface ViewSlice {
  view: ViewState;
  /** What could not be used from the link that opened the page. */
  linkProblems: string[];

  /** Make a host the one shown; tool, params, filters and sort stay. */
  selectHost(address: string): void;
  selectTool(tool: string | undefined): void;
  /** Opens a tool from the overview (a drill): its params and tab, the time range (window, selection) kept. */
  openTool(tool: string, options?: { params?: Record<string, unknown>; show?: 'table' | 'heatmap'; windowSeconds?: number }): void;
  setParams(params: Record<string, unknown>): void;
  setFilter(text: string): void;
  setColumnFilter(column: string, text: string): void;
  /** Clears the all-columns filter and every column filter. */
  clearFilters(): void;
  /** Cycles a column through ascending, descending and unsorted. */
  toggleSort(column: string): void;
  setSelection(selection: { from: number; to: number } | undefined): void;
  setWindow(seconds: number): void;
  setShow(show: 'table' | 'heatmap'): void;
  setSeries(series: string | undefined): void;
  /** Shows a saved snapshot (or live data again with undefined). */
  setSnapshot(id: string | undefined): void;
  /** Replaces the view from a URL hash (browser navigation or a pasted link). */
  openLink(hash: string): void;
  /** A sign-in link was opened: its token is stored for the agent that served the page. */
  signIn(link: { token?: string }): void;
  /** Drops a linked sort or column filter the tool has no column for, and says so. */
  discardUnknownColumns(columns: readonly string[]): void;
}

interface ViewSliceOptions {
  storage: KeyValueStorage;
  /** The agent that served the page, the one a sign-in link is for. */
  defaultHost: string | undefined;
  view: ViewState;
  linkProblems: string[];
}

export function createViewSlice({ storage, defaultHost, view, linkProblems }: ViewSliceOptions): StateCreator<AppState, [], [], ViewSlice> {
  return (set, get) => ({
    view,
    linkProblems,

    selectHost(address) {
      const state = get();
      if (!state.hosts.includes(address)) return;
      // A snapshot lives on one host: another host shows the same view live. From the fleet, the host's own view.
      const { snapshot: _snapshot, fleet: _fleet, ...live } = state.view;
      set({ view: { ...live, hosts: [address] } });
    },

    selectTool(tool) {
      const view = get().view;
      if (tool === view.tool && !view.fleet) {
        // Picking the tool of an open snapshot goes back to its live view.
        if (view.snapshot) {
          const { snapshot: _snapshot, ...live } = view;
          set({ view: live });
        }
        return;
      }
      // Another tool has other params and columns: its filters and sort start empty.
      set({ view: { hosts: view.hosts, tool, params: {}, filter: '', columnFilters: {} } });
    },

    openTool(tool, options = {}) {
      const { hosts, selection } = get().view;
      const windowSeconds = options.windowSeconds ?? get().view.windowSeconds;
      const view: ViewState = { hosts, tool, params: options.params ?? {}, filter: '', columnFilters: {} };
      if (windowSeconds !== undefined) view.windowSeconds = windowSeconds;
      if (selection) view.selection = selection;
      if (options.show) view.show = options.show;
      set({ view });
    },

    setParams(params) {
      set({ view: { ...get().view, params } });
    },

    setFilter(text) {
      set({ view: { ...get().view, filter: text } });
    },

    setColumnFilter(column, text) {
      const { [column]: _old, ...rest } = get().view.columnFilters;
      set({ view: { ...get().view, columnFilters: text ? { ...rest, [column]: text } : rest } });
    },

    clearFilters() {
      set({ view: { ...get().view, filter: '', columnFilters: {} } });
    },

    toggleSort(column) {
      const view = get().view;
      const current = view.sort?.column === column ? view.sort.direction : undefined;
      const next: SortDirection | undefined = current === undefined ? 'asc' : current === 'asc' ? 'desc' : undefined;
      const { sort: _sort, ...rest } = view;
      set({ view: next ? { ...rest, sort: { column, direction: next } } : rest });
    },

    setSelection(selection) {
      const { selection: _old, ...rest } = get().view;
      set({ view: selection ? { ...rest, selection } : rest });
    },

    setWindow(seconds) {
      set({ view: { ...get().view, windowSeconds: seconds } });
    },

    setShow(show) {
      set({ view: { ...get().view, show } });
    },

    setSeries(series) {
      const { series: _old, ...rest } = get().view;
      set({ view: series === undefined ? rest : { ...rest, series } });
    },

    setSnapshot(id) {
      const { snapshot: _old, ...rest } = get().view;
      set({ view: id === undefined ? rest : { ...rest, snapshot: id } });
    },

    openLink(hash) {
      const decoded = decodeViewState(hash);
      const known = withLinkedHosts(storage, get().hosts, decoded.state.hosts);
      const view = decoded.state.hosts.length > 0 || !known[0] ? decoded.state : { ...decoded.state, hosts: [get().view.hosts[0] ?? known[0]] };
      set({ view, hosts: known, linkProblems: decoded.problems });
    },

    signIn(link) {
      const problem =
        link.token === undefined
          ? 'the sign-in link holds no valid token'
          : defaultHost === undefined
            ? 'this page was not served by an agent at host:port'
            : get().setToken(defaultHost, link.token);
      if (problem) set({ linkProblems: [`${problem}; copy the whole link that make start printed`] });
    },

    discardUnknownColumns(columns) {
      const { view } = get();
      const problems = unknownColumnProblems(view, columns);
      if (problems.length === 0) return;
      const known = new Set(columns);
      const { sort, ...rest } = view;
      const columnFilters = Object.fromEntries(Object.entries(view.columnFilters).filter(([column]) => known.has(column)));
      set({
        view: sort && known.has(sort.column) ? { ...rest, sort, columnFilters } : { ...rest, columnFilters },
        linkProblems: [...get().linkProblems, ...problems],
      });
    },
  });
}
