// Dashboards: a grid of panels, each any view bpfscope has (a tool's table, heat map or capture, a host
// overview panel) on any host. The whole layout lives in the link, so a copied link opens the same
// dashboard for anyone with tokens for those hosts, with no state kept on a server.
import { z } from 'zod';
import type { ViewState } from './urlState';
import { hostPattern } from './hostAddress';
import { shownViews } from './shownViews';
import type { ShownView } from './shownViews';

/** Grid columns a panel spans (of 4), and rows (a row is a quarter of the screen's height, at most 6). */
export const DASHBOARD_COLUMNS = 4;
export const MAX_PANEL_HEIGHT = 6;
export const MAX_PANELS = 24;
/** Bytes of a dashboard's panels as link JSON. */
const MAX_PANELS_JSON = 16 * 1024;

/** The host overview's panels a dashboard can show (OverviewPanels names them and draws them). */
export const OVERVIEW_PANEL_NAMES = ['use', 'uptime', 'vmstat', 'mpstat', 'pidstat', 'iostat', 'free', 'sar-dev', 'sar-tcp', 'dmesg'] as const;
export type OverviewPanelName = (typeof OVERVIEW_PANEL_NAMES)[number];

export interface DashboardPanel {
  /** Stable within the page (React keys); not in the link, which orders panels instead. */
  id: string;
  width: number;
  height: number;
  /** A host overview panel; absent for a tool's panel (view.tool). */
  overview?: OverviewPanelName;
  /** The panel's own view, as a page's: its host (hosts[0]), tool, params, filters, sort, tab, series; the time range the dashboard's. */
  view: ViewState;
}

export interface Dashboard {
  /** A built-in's name (use, cpu, disk, network) or the user's title. */
  name: string;
  panels: DashboardPanel[];
}

/** A panel as the link writes it: short keys, only what is set. */
const panelSpecSchema = z
  .object({
    host: z.string().regex(hostPattern),
    tool: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}$/)
      .optional(),
    panel: z.enum(OVERVIEW_PANEL_NAMES).optional(),
    params: z.record(z.string().max(64), z.unknown()).optional(),
    show: z.enum(shownViews).optional(),
    series: z.string().max(128).optional(),
    q: z.string().max(512).optional(),
    f: z.record(z.string().max(64), z.string().max(512)).optional(),
    sort: z
      .string()
      .regex(/^[A-Za-z0-9_.()-]{1,64}:(asc|desc)$/)
      .optional(),
    w: z.number().int().min(1).max(DASHBOARD_COLUMNS),
    h: z.number().int().min(1).max(MAX_PANEL_HEIGHT),
  })
  .strict()
  .refine((panel) => (panel.tool === undefined) !== (panel.panel === undefined), 'a panel shows a tool or an overview panel');
type PanelSpec = z.infer<typeof panelSpecSchema>;

export const dashboardNamePattern = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,47}$/;

/** The panels as the link's `panels` value. */
export function encodePanels(panels: readonly DashboardPanel[]): string {
  return JSON.stringify(panels.map(panelSpec));
}

function panelSpec(panel: DashboardPanel): PanelSpec {
  const { view } = panel;
  const spec: PanelSpec = { host: view.hosts[0] ?? '', w: panel.width, h: panel.height };
  if (panel.overview) spec.panel = panel.overview;
  else if (view.tool) spec.tool = view.tool;
  if (Object.keys(view.params).length > 0) spec.params = view.params;
  if (view.show) spec.show = view.show;
  if (view.series !== undefined) spec.series = view.series;
  if (view.filter) spec.q = view.filter;
  if (Object.keys(view.columnFilters).length > 0) spec.f = view.columnFilters;
  if (view.sort) spec.sort = `${view.sort.column}:${view.sort.direction}`;
  return spec;
}

/** The link's panels, or why they cannot be used (never quoting the link: it may hold anything). */
export function decodePanels(text: string, time: Pick<ViewState, 'selection' | 'windowSeconds'>): { panels: DashboardPanel[] } | { problem: string } {
  if (text.length > MAX_PANELS_JSON) return { problem: `panels must be at most ${MAX_PANELS_JSON / 1024} KB` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'panels are not valid JSON' };
  }
  const result = z.array(panelSpecSchema).max(MAX_PANELS).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = typeof issue?.path[0] === 'number' ? `panel ${issue.path[0] + 1}` : 'panels';
    const field = typeof issue?.path[1] === 'string' ? ` (${issue.path[1]})` : '';
    return { problem: `${where}${field}: ${issue?.path.length === 0 ? `at most ${MAX_PANELS} panels` : 'not a panel this app can show'}` };
  }
  return { panels: result.data.map((spec, index) => panelFromSpec(spec, `p${index + 1}`, time)) };
}

function panelFromSpec(spec: PanelSpec, id: string, time: Pick<ViewState, 'selection' | 'windowSeconds'>): DashboardPanel {
  const view: ViewState = { hosts: [spec.host], params: spec.params ?? {}, filter: spec.q ?? '', columnFilters: spec.f ?? {} };
  if (spec.tool) view.tool = spec.tool;
  if (spec.show) view.show = spec.show;
  if (spec.series !== undefined) view.series = spec.series;
  if (spec.sort) {
    const [column = '', direction] = spec.sort.split(':');
    view.sort = { column, direction: direction === 'desc' ? 'desc' : 'asc' };
  }
  const panel: DashboardPanel = { id, width: spec.w, height: spec.h, view: withTime(view, time) };
  if (spec.panel) panel.overview = spec.panel;
  return panel;
}

/** A panel view with the dashboard's time range (its window and selection). */
export function withTime(view: ViewState, time: Pick<ViewState, 'selection' | 'windowSeconds'>): ViewState {
  const { selection: _selection, windowSeconds: _window, ...rest } = view;
  const next: ViewState = { ...rest };
  if (time.selection) next.selection = time.selection;
  if (time.windowSeconds !== undefined) next.windowSeconds = time.windowSeconds;
  return next;
}

/** What a panel to add says: a tool (and its tab) or an overview panel, on a host. */
export type NewPanel = { host: string; width?: number; height?: number } & (
  { tool: string; show?: ShownView; params?: Record<string, unknown> } | { overview: OverviewPanelName }
);

export function makePanel(spec: NewPanel, id: string, time: Pick<ViewState, 'selection' | 'windowSeconds'>): DashboardPanel {
  const view: ViewState = { hosts: [spec.host], params: 'tool' in spec ? (spec.params ?? {}) : {}, filter: '', columnFilters: {} };
  if ('tool' in spec) {
    view.tool = spec.tool;
    if (spec.show) view.show = spec.show;
  }
  const size = defaultSize(spec);
  const panel: DashboardPanel = { id, width: spec.width ?? size.width, height: spec.height ?? size.height, view: withTime(view, time) };
  if ('overview' in spec) panel.overview = spec.overview;
  return panel;
}

/** What a panel needs to make its point: a heat map or table two rows, a capture four, the USE table three. */
function defaultSize(spec: NewPanel): { width: number; height: number } {
  if ('tool' in spec) return { width: 2, height: 2 };
  switch (spec.overview) {
    case 'use':
      return { width: 2, height: 2 };
    case 'mpstat':
    case 'pidstat':
    case 'sar-dev':
    case 'dmesg':
      return { width: 2, height: 2 };
    default:
      return { width: 2, height: 1 };
  }
}

/** The next free panel id. */
export function nextPanelId(panels: readonly DashboardPanel[]): string {
  const used = panels.map((panel) => Number(panel.id.slice(1))).filter(Number.isFinite);
  return `p${Math.max(0, ...used) + 1}`;
}

/** Layout changes, each returning new panels (or the same when nothing changes). */
export const layout = {
  remove: (panels: readonly DashboardPanel[], id: string): DashboardPanel[] => panels.filter((panel) => panel.id !== id),

  /** Moves a panel one place earlier (-1) or later (+1) in the grid's order. */
  move(panels: readonly DashboardPanel[], id: string, by: -1 | 1): DashboardPanel[] {
    const index = panels.findIndex((panel) => panel.id === id);
    const target = index + by;
    if (index < 0 || target < 0 || target >= panels.length) return [...panels];
    const next = [...panels];
    [next[index], next[target]] = [next[target] as DashboardPanel, next[index] as DashboardPanel];
    return next;
  },

  resize(panels: readonly DashboardPanel[], id: string, size: { width?: number; height?: number }): DashboardPanel[] {
    return panels.map((panel) =>
      panel.id === id
        ? {
            ...panel,
            width: clamp(size.width ?? panel.width, 1, DASHBOARD_COLUMNS),
            height: clamp(size.height ?? panel.height, 1, MAX_PANEL_HEIGHT),
          }
        : panel,
    );
  },
};

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The built-in dashboards, in the order the sidebar lists them. */
export const BUILT_IN_DASHBOARDS = {
  use: { title: 'USE', description: 'the USE table and the 60-second checklist' },
  cpu: { title: 'CPU', description: 'run-queue latency, CPU profile, off-CPU time, mpstat, pidstat' },
  disk: { title: 'Disk', description: 'block I/O latency and requests, slow file operations, page cache, iostat' },
  network: { title: 'Network', description: 'TCP sessions, retransmits, connects, sar -n DEV and TCP,ETCP' },
} as const;
export type BuiltInDashboard = keyof typeof BUILT_IN_DASHBOARDS;

export function isBuiltInDashboard(name: string): name is BuiltInDashboard {
  return Object.hasOwn(BUILT_IN_DASHBOARDS, name);
}

type PanelOfHost = { width?: number; height?: number } & (
  { tool: string; show?: ShownView; params?: Record<string, unknown> } | { overview: OverviewPanelName }
);

/** The panels of a built-in dashboard for one host. */
const builtInPanels: Record<BuiltInDashboard, readonly PanelOfHost[]> = {
  use: [
    { overview: 'use' },
    { overview: 'vmstat' },
    { overview: 'mpstat' },
    { overview: 'iostat' },
    { overview: 'free' },
    { overview: 'sar-dev' },
    { overview: 'sar-tcp' },
  ],
  cpu: [
    { tool: 'runqlat' },
    { overview: 'pidstat' },
    { tool: 'profile', height: 3 },
    { tool: 'offcputime', height: 3 },
    { overview: 'mpstat' },
    { overview: 'vmstat' },
  ],
  disk: [
    { tool: 'biolatency' },
    { overview: 'iostat' },
    { overview: 'vmstat' },
    { tool: 'fsslower', show: 'heatmap' },
    { tool: 'fsslower', show: 'table' },
    { tool: 'biosnoop', show: 'table' },
    { tool: 'cachestat', show: 'timeseries' },
  ],
  network: [
    { tool: 'tcplife', show: 'heatmap' },
    { overview: 'sar-tcp' },
    { overview: 'sar-dev' },
    { tool: 'tcpretrans', show: 'table' },
    { tool: 'tcplife', show: 'table' },
    { tool: 'tcpconnect', show: 'table' },
  ],
};

/**
 * A built-in dashboard for the given hosts. One host: its panels. Several: each panel once per host,
 * host after host, so the same view of every host sits side by side on one time axis.
 */
export function builtInDashboard(name: BuiltInDashboard, hosts: readonly string[], time: Pick<ViewState, 'selection' | 'windowSeconds'>): Dashboard {
  const panels: DashboardPanel[] = [];
  const perHost = builtInPanels[name];
  const several = hosts.length > 1;
  for (const spec of perHost) {
    for (const host of hosts) {
      if (panels.length >= MAX_PANELS) break;
      // Several hosts: each view across the grid's width, one host under the other.
      const sized = several ? { ...spec, width: DASHBOARD_COLUMNS } : spec;
      panels.push(makePanel({ ...sized, host } as NewPanel, `p${panels.length + 1}`, time));
    }
  }
  return { name, panels };
}

/** The same tool view on each host, stacked on one time axis: "the same minute on three hosts". */
export function sideBySide(
  view: Pick<ViewState, 'tool' | 'params' | 'show' | 'series'>,
  hosts: readonly string[],
  time: Pick<ViewState, 'selection' | 'windowSeconds'>,
): Dashboard {
  const panels = hosts.slice(0, MAX_PANELS).map((host, index) => {
    const panel = makePanel(
      { host, tool: view.tool ?? '', params: view.params, width: DASHBOARD_COLUMNS, height: 2, ...(view.show ? { show: view.show } : {}) },
      `p${index + 1}`,
      time,
    );
    if (view.series !== undefined) panel.view = { ...panel.view, series: view.series };
    return panel;
  });
  return { name: `${view.tool ?? 'tool'} on ${hosts.length} hosts`, panels };
}

/** True when the panels are exactly what the built-in of that name makes for those hosts (the link then needs no panels). */
export function isUnchangedBuiltIn(dashboard: Dashboard, hosts: readonly string[]): boolean {
  if (!isBuiltInDashboard(dashboard.name)) return false;
  const builtIn = builtInDashboard(dashboard.name, hosts, {});
  return encodePanels(builtIn.panels) === encodePanels(dashboard.panels);
}
