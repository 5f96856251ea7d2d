// What is shown, as the URL states it (host, tool, params, filters, sort, heat-map
// and snapshot state), and what could not be used of the link that opened it.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState, KeyValueStorage } from '../appStore';
import { builtInDashboard, isBuiltInDashboard, isUnchangedBuiltIn } from '../dashboard';
import type { ShownView, ViewState } from '../urlState';
import { decodeViewState, linkedHosts, unknownColumnProblems } from '../urlState';
import type { ViewActions } from '../viewUpdates';
import { bindViewUpdates, viewUpdates } from '../viewUpdates';
import { withDashboardTime } from './dashboard';
import { withLinkedHosts, withStoredTokens } from './hosts';

export interface ViewSlice extends ViewActions {
  view: ViewState;
  /** What could not be used from the link that opened the page. */
  linkProblems: string[];

  /** Make a host the one shown; tool, params, filters and sort stay. */
  selectHost(address: string): void;
  selectTool(tool: string | undefined): void;
  /**
   * Opens a tool from the overview or a dashboard panel (a drill): its params and tab, the time range
   * (window, selection) kept; `host` (a panel's) becomes the host shown. No tool: that host's overview.
   */
  openTool(tool: string | undefined, options?: OpenToolOptions): void;
  /** Replaces the view with what a change makes of it (a dashboard's panels follow its time range). */
  updateView(change: (view: ViewState) => ViewState): void;
  /** Shows a saved snapshot (or live data again with undefined). */
  setSnapshot(id: string | undefined): void;
  /** Replaces the view from a URL hash (browser navigation or a pasted link). */
  openLink(hash: string): void;
  /** A sign-in link was opened: its token is stored for the agent that served the page. */
  signIn(link: { token?: string }): void;
  /** Drops a linked sort or column filter the tool has no column for, and says so. */
  discardUnknownColumns(columns: readonly string[]): void;
}

export interface OpenToolOptions {
  host?: string;
  params?: Record<string, unknown>;
  show?: ShownView;
  windowSeconds?: number;
  selection?: ViewState['selection'];
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
      const { snapshot: _snapshot, fleet: _fleet, dashboard, ...live } = state.view;
      // A built-in dashboard as it came is the same dashboard of another host; one made by hand stays behind.
      if (dashboard && isUnchangedBuiltIn(dashboard, state.view.hosts) && isBuiltInDashboard(dashboard.name)) {
        set({ view: withDashboardTime({ ...live, hosts: [address], dashboard: builtInDashboard(dashboard.name, [address], live) }, state) });
        return;
      }
      set({ view: { ...live, hosts: [address] } });
    },

    selectTool(tool) {
      const view = get().view;
      if (tool === view.tool && !view.dashboard && !view.fleet) {
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
      const current = get().view;
      const hosts = options.host && get().hosts.includes(options.host) ? [options.host] : current.hosts;
      const windowSeconds = options.windowSeconds ?? current.windowSeconds;
      const selection = options.selection ?? current.selection;
      const view: ViewState = { hosts, params: options.params ?? {}, filter: '', columnFilters: {} };
      if (tool !== undefined) view.tool = tool;
      if (windowSeconds !== undefined) view.windowSeconds = windowSeconds;
      if (selection) view.selection = selection;
      if (options.show) view.show = options.show;
      set({ view });
    },

    updateView(change) {
      set({ view: withDashboardTime(change(get().view), get()) });
    },

    ...bindViewUpdates((change) => get().updateView(change)),

    setSnapshot(id) {
      set({ view: viewUpdates.setSnapshot(get().view, id) });
    },

    openLink(hash) {
      const decoded = decodeViewState(hash);
      const known = withLinkedHosts(storage, get().hosts, linkedHosts(decoded.state));
      const view = decoded.state.hosts.length > 0 || !known[0] ? decoded.state : withHost(decoded.state, get().view.hosts[0] ?? known[0]);
      set({ view, hosts: known, tokens: withStoredTokens(storage, get().tokens, known), linkProblems: decoded.problems });
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
      set({ view: viewUpdates.dropUnknownColumns(view, columns), linkProblems: [...get().linkProblems, ...problems] });
    },
  });
}

/** A link's view without hosts, shown on `host`: a built-in dashboard gets that host's panels. */
export function withHost(view: ViewState, host: string): ViewState {
  const { dashboard } = view;
  if (dashboard && isBuiltInDashboard(dashboard.name) && dashboard.panels.length === 0) {
    return { ...view, hosts: [host], dashboard: builtInDashboard(dashboard.name, [host], view) };
  }
  return { ...view, hosts: [host] };
}
