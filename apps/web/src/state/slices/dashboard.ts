// The dashboard shown, as part of the view (the URL): opening one, its panels' layout, and each panel's own
// view. The dashboard has one time axis: a window or a range selected on any panel applies to every panel
// that shows time (a stack capture's FlameScope range is its own: it counts from the capture's start).
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from '../appStore';
import { activeHost } from '../appStore';
import type { BuiltInDashboard, Dashboard, DashboardPanel, NewPanel } from '../dashboard';
import { builtInDashboard, isBuiltInDashboard, layout, makePanel, MAX_PANELS, nextPanelId, sideBySide, withTime } from '../dashboard';
import type { ViewState } from '../urlState';

export interface DashboardSlice {
  /** A built-in dashboard (use, cpu, disk, network) for these hosts (default: the active host), or an empty one by name. */
  openDashboard(name: BuiltInDashboard | string, hosts?: readonly string[]): void;
  /** The view shown (a tool's) on each of these hosts, stacked on one time axis. */
  openSideBySide(hosts: readonly string[]): void;
  addPanel(panel: NewPanel): void;
  removePanel(id: string): void;
  movePanel(id: string, by: -1 | 1): void;
  resizePanel(id: string, size: { width?: number; height?: number }): void;
  renameDashboard(name: string): void;
  /** A panel's view changed (its scope's update): a new time range goes to the whole dashboard. */
  updatePanel(id: string, change: (view: ViewState) => ViewState): void;
}

/** Panels whose selection is not a time of day: stack captures (FlameScope ranges count from the capture's start). */
export function isStackPanel(state: Pick<AppState, 'catalogs'>, panel: DashboardPanel): boolean {
  const { tool } = panel.view;
  const host = panel.view.hosts[0];
  const catalog = host ? state.catalogs[host] : undefined;
  return tool !== undefined && catalog?.state === 'loaded' && catalog.tools.some((candidate) => candidate.name === tool && candidate.outputKind === 'stacks');
}

/**
 * The view with its dashboard's time-showing panels on the view's window and selection; panels whose
 * time is already that keep their objects (each panel re-renders only when its own view changes).
 */
export function withDashboardTime(view: ViewState, state: Pick<AppState, 'catalogs'>): ViewState {
  const { dashboard } = view;
  if (!dashboard) return view;
  let changed = false;
  const panels = dashboard.panels.map((panel) => {
    if (isStackPanel(state, panel)) return panel;
    if (panel.view.selection === view.selection && panel.view.windowSeconds === view.windowSeconds) return panel;
    changed = true;
    return { ...panel, view: withTime(panel.view, view) };
  });
  return changed ? { ...view, dashboard: { ...dashboard, panels } } : view;
}

/** The page view of a dashboard: the hosts stay (the sidebar's), the tool and its state go, the time range stays. */
function dashboardView(current: ViewState, dashboard: Dashboard): ViewState {
  const view: ViewState = { hosts: current.hosts, params: {}, filter: '', columnFilters: {}, dashboard };
  if (current.windowSeconds !== undefined) view.windowSeconds = current.windowSeconds;
  if (current.selection && current.selection.from > 1e12) view.selection = current.selection;
  return view;
}

export function createDashboardSlice(): StateCreator<AppState, [], [], DashboardSlice> {
  return (set, get) => {
    const setPanels = (change: (panels: readonly DashboardPanel[]) => DashboardPanel[]) => {
      const { view } = get();
      if (!view.dashboard) return;
      set({ view: { ...view, dashboard: { ...view.dashboard, panels: change(view.dashboard.panels) } } });
    };

    return {
      openDashboard(name, hosts) {
        const state = get();
        const shownHosts = hosts && hosts.length > 0 ? [...hosts] : [activeHost(state)].filter((host): host is string => host !== undefined);
        const time = { selection: state.view.selection, windowSeconds: state.view.windowSeconds };
        const dashboard = isBuiltInDashboard(name) ? builtInDashboard(name, shownHosts, time) : { name, panels: [] };
        const view = dashboardView({ ...state.view, hosts: shownHosts.length > 0 ? shownHosts : state.view.hosts }, dashboard);
        set({ view: withDashboardTime(view, state) });
      },

      openSideBySide(hosts) {
        const state = get();
        const { view } = state;
        if (!view.tool || hosts.length === 0) return;
        const time = { selection: view.selection, windowSeconds: view.windowSeconds };
        set({ view: withDashboardTime(dashboardView({ ...view, hosts: [...hosts] }, sideBySide(view, hosts, time)), state) });
      },

      addPanel(spec) {
        const { view } = get();
        if (!view.dashboard || view.dashboard.panels.length >= MAX_PANELS) return;
        const panels = view.dashboard.panels;
        setPanels(() => [...panels, makePanel(spec, nextPanelId(panels), view)]);
      },

      removePanel: (id) => setPanels((panels) => layout.remove(panels, id)),
      movePanel: (id, by) => setPanels((panels) => layout.move(panels, id, by)),
      resizePanel: (id, size) => setPanels((panels) => layout.resize(panels, id, size)),

      renameDashboard(name) {
        const { view } = get();
        if (view.dashboard) set({ view: { ...view, dashboard: { ...view.dashboard, name } } });
      },

      updatePanel(id, change) {
        const state = get();
        const { view } = state;
        const panel = view.dashboard?.panels.find((candidate) => candidate.id === id);
        if (!view.dashboard || !panel) return;
        const next = change(panel.view);
        const panels = view.dashboard.panels.map((candidate) => (candidate.id === id ? { ...candidate, view: next } : candidate));
        const updated: ViewState = { ...view, dashboard: { ...view.dashboard, panels } };
        const timeChanged = next.selection !== panel.view.selection || next.windowSeconds !== panel.view.windowSeconds;
        if (!timeChanged || isStackPanel(state, panel)) {
          set({ view: updated });
          return;
        }
        const { selection: _selection, windowSeconds: _window, ...rest } = updated;
        const timed: ViewState = { ...rest };
        if (next.selection) timed.selection = next.selection;
        if (next.windowSeconds !== undefined) timed.windowSeconds = next.windowSeconds;
        set({ view: withDashboardTime(timed, state) });
      },
    };
  };
}
