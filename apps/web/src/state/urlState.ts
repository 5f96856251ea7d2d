// The URL is the source of truth for what is shown: host(s), tool, params, filters
// and sort live in the hash, so a pasted link opens the same view. Tokens never do.
import { z } from 'zod';
import { hostPattern } from './hostAddress';
import { shownViews } from './shownViews';
import type { ShownView } from './shownViews';
import type { Dashboard } from './dashboard';
import { builtInDashboard, dashboardNamePattern, decodePanels, encodePanels, isBuiltInDashboard, isUnchangedBuiltIn } from './dashboard';
import type { FleetPrometheus } from './fleetPrometheusLink';
import { decodeFleetPrometheus, encodeFleetPrometheus, fleetPrometheusSchema } from './fleetPrometheusLink';

export { hostPattern };

export type SortDirection = 'asc' | 'desc';

export interface ViewState {
  /** Agents compared side by side, as host:port; the first is the active one. */
  hosts: string[];
  tool?: string;
  params: Record<string, unknown>;
  /** Text filter over every column. */
  filter: string;
  /** Per-column text filters, keyed by column key. */
  columnFilters: Record<string, string>;
  sort?: { column: string; direction: SortDirection };
  /** Heat maps: the selected time range, epoch ms. */
  selection?: { from: number; to: number; bucket?: number };
  /** Heat maps: how many seconds of the past the live map shows. */
  windowSeconds?: number;
  /** Tools with a table and a heat map or time series: which one is shown. */
  show?: ShownView;
  /** Heat maps with several histograms (per disk...): the one shown; absent = all added up. */
  series?: string;
  /** A saved snapshot on the host, shown instead of live data. */
  snapshot?: string;
  /** A dashboard of panels shown instead of a tool; its time range is the view's window and selection. */
  dashboard?: Dashboard;
  /** The fleet page (`#/fleet`) instead of a host: a host group, and the hosts the link adds to it. */
  fleet?: FleetLink;
}

/**
 * `#/fleet?group=<name>&hosts=<host:port>,…`: every known host, or one group; a link's hosts are added to the group.
 * With `prometheus=…` the fleet is read from Prometheus instead (fleetPrometheusLink.ts).
 */
export interface FleetLink {
  group?: string;
  hosts: string[];
  prometheus?: FleetPrometheus;
}

export { shownViews };
export type { ShownView };

export const emptyViewState: ViewState = { hosts: [], params: {}, filter: '', columnFilters: {} };

const MAX_HOSTS = 16;
/** A host group's name: what `group=` may say. */
export const groupNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** Hosts a fleet link may add at once: as many as a browser keeps. */
export const MAX_FLEET_LINK_HOSTS = 64;
const MAX_TEXT = 512;
const MAX_PARAMS_JSON = 4096;
/** Year 2200: anything later in a link is a typo or an attack. */
const MAX_EPOCH_MS = 7_258_118_400_000;

const viewStateSchema = z.object({
  hosts: z.array(z.string().regex(hostPattern)).max(MAX_HOSTS),
  tool: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,63}$/)
    .optional(),
  params: z.record(z.string().max(64), z.unknown()),
  filter: z.string().max(MAX_TEXT),
  columnFilters: z.record(z.string().max(64), z.string().max(MAX_TEXT)),
  sort: z.object({ column: z.string().min(1).max(64), direction: z.enum(['asc', 'desc']) }).optional(),
  selection: z
    .object({
      from: z.number().int().min(0).max(MAX_EPOCH_MS),
      to: z.number().int().min(0).max(MAX_EPOCH_MS),
      bucket: z.number().int().min(0).max(63).optional(),
    })
    .refine((range) => range.from < range.to, 'selection must end after it starts')
    .optional(),
  windowSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .optional(),
  show: z.enum(shownViews).optional(),
  series: z.string().max(128).optional(),
  snapshot: z
    .string()
    .regex(/^[A-Za-z0-9_-]{6,64}$/)
    .optional(),
  // The panels were checked as they were decoded (decodePanels).
  dashboard: z.object({ name: z.string().regex(dashboardNamePattern), panels: z.array(z.unknown()) }).optional(),
  fleet: z
    .object({
      group: z.string().regex(groupNamePattern).optional(),
      hosts: z.array(z.string().regex(hostPattern)).max(MAX_FLEET_LINK_HOSTS),
      prometheus: fleetPrometheusSchema.optional(),
    })
    .optional(),
});

/**
 * `#/host/<h1>,<h2>/tool/<tool>?params=<json>&q=<text>&f.<column>=<text>&sort=<column>:<dir>`, `#/fleet?group=<name>&hosts=<h1>,<h2>`, or a dashboard:
 * `#/host/<h1>,<h2>/dashboard/<name>?panels=<json>&window=<s>&sel=<from>-<to>` (a built-in's panels for its
 * hosts need no `panels`).
 */
export function encodeViewState(state: ViewState): string {
  if (state.fleet) return encodeFleetLink(state.fleet);
  let path = '#/';
  if (state.hosts.length > 0) path += `host/${state.hosts.map(encodeURIComponent).join(',')}`;
  if (state.tool) path += `${state.hosts.length > 0 ? '/' : ''}tool/${encodeURIComponent(state.tool)}`;
  if (state.snapshot) path += `${path.length > 2 ? '/' : ''}snapshot/${encodeURIComponent(state.snapshot)}`;
  if (state.dashboard) path += `${path.length > 2 ? '/' : ''}dashboard/${encodeURIComponent(state.dashboard.name)}`;
  const query = new URLSearchParams();
  if (state.dashboard && !isUnchangedBuiltIn(state.dashboard, state.hosts)) query.set('panels', encodePanels(state.dashboard.panels));
  if (Object.keys(state.params).length > 0) query.set('params', JSON.stringify(sortedKeys(state.params)));
  if (state.filter) query.set('q', state.filter);
  for (const [column, text] of Object.entries(state.columnFilters).sort(([a], [b]) => a.localeCompare(b))) {
    if (text) query.set(`f.${column}`, text);
  }
  if (state.sort) query.set('sort', `${state.sort.column}:${state.sort.direction}`);
  if (state.show) query.set('show', state.show);
  if (state.series !== undefined) query.set('series', state.series);
  if (state.windowSeconds !== undefined) query.set('window', String(state.windowSeconds));
  if (state.selection) query.set('sel', `${state.selection.from}-${state.selection.to}`);
  if (state.selection?.bucket !== undefined) query.set('bucket', String(state.selection.bucket));
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** Every host a view names: its own, a dashboard's panels', and the agent a fleet asks Prometheus through (a link makes them known to the page). */
export function linkedHosts(view: Pick<ViewState, 'hosts' | 'dashboard'> & Partial<Pick<ViewState, 'fleet'>>): string[] {
  const panelHosts = view.dashboard?.panels.flatMap((panel) => panel.view.hosts) ?? [];
  const source = view.fleet?.prometheus?.source;
  const promqlAgent = source && 'agent' in source ? [source.agent] : [];
  return [...new Set([...view.hosts, ...panelHosts, ...promqlAgent])];
}

/** Host addresses are written as typed (`a:7070,b:7070`): ':' and ',' need no escaping in a fragment. */
function encodeFleetLink(fleet: FleetLink): string {
  const query: string[] = [];
  if (fleet.group !== undefined) query.push(`group=${encodeURIComponent(fleet.group)}`);
  if (fleet.hosts.length > 0) query.push(`hosts=${fleet.hosts.map((host) => encodeURIComponent(host).replace(/%3A/g, ':')).join(',')}`);
  if (fleet.prometheus) query.push(...encodeFleetPrometheus(fleet.prometheus));
  return query.length > 0 ? `#/fleet?${query.join('&')}` : '#/fleet';
}

/** The fleet part of a link, with what could not be used of it said (and left out). */
function decodeFleetLink(query: URLSearchParams, problems: string[]): FleetLink {
  const fleet: FleetLink = { hosts: [] };
  const group = query.get('group');
  if (group !== null) {
    if (groupNamePattern.test(group)) fleet.group = group;
    else problems.push(fieldProblems.fleet);
  }
  const hosts = query.get('hosts');
  if (hosts !== null) {
    const listed = hosts
      .split(',')
      .map((host) => host.trim())
      .filter((host) => host !== '');
    const valid = [...new Set(listed.filter((host) => hostPattern.test(host)))];
    if (valid.length < listed.length || valid.length > MAX_FLEET_LINK_HOSTS) problems.push(fleetHostsProblem);
    fleet.hosts = valid.slice(0, MAX_FLEET_LINK_HOSTS);
  }
  const prometheus = decodeFleetPrometheus(query, problems);
  if (prometheus) fleet.prometheus = prometheus;
  return fleet;
}

/** The whole link to a view on this page (a shared snapshot's, say): this page's address with the view's hash. */
export function viewLink(state: ViewState, location: Pick<Location, 'origin' | 'pathname'> = window.location): string {
  return `${location.origin}${location.pathname}${encodeViewState(state)}`;
}

interface DecodedViewState {
  state: ViewState;
  /** What was wrong with the URL (the rest of it is still used). */
  problems: string[];
}

/** Never throws: a damaged or hostile link shows what it can and says what it could not. */
export function decodeViewState(hash: string): DecodedViewState {
  const problems: string[] = [];
  const [pathPart = '', searchPart = ''] = hash.replace(/^#/, '').split('?', 2);
  const segments = pathPart.split('/').filter(Boolean);
  const draft: ViewState = { ...emptyViewState, params: {}, columnFilters: {} };
  if (segments[0] === 'fleet') {
    if (segments.length > 1) problems.push('a fleet link is #/fleet with group and hosts after the ?');
    return { state: { ...draft, fleet: decodeFleetLink(new URLSearchParams(searchPart), problems) }, problems };
  }
  let dashboardName: string | undefined;
  for (let i = 0; i < segments.length; i += 2) {
    const key = segments[i] as string;
    const value = segments[i + 1];
    if (value === undefined) {
      problems.push(`${quoteLinkText(key)} has no value`);
      continue;
    }
    if (key === 'host')
      draft.hosts = value
        .split(',')
        .map(safeDecode)
        .filter((host) => host !== '');
    else if (key === 'tool') draft.tool = safeDecode(value);
    else if (key === 'snapshot') draft.snapshot = safeDecode(value);
    else if (key === 'dashboard') dashboardName = safeDecode(value);
    else problems.push(`unknown part ${quoteLinkText(key)} (a link has host, tool, snapshot and dashboard)`);
  }
  const query = new URLSearchParams(searchPart);
  const params = query.get('params');
  if (params !== null) {
    if (params.length > MAX_PARAMS_JSON) problems.push('params are too long');
    else {
      try {
        const parsed: unknown = JSON.parse(params);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) draft.params = parsed as Record<string, unknown>;
        else problems.push('params must be a JSON object');
      } catch {
        problems.push('params are not valid JSON');
      }
    }
  }
  draft.filter = query.get('q') ?? '';
  for (const [name, text] of query) {
    if (name.startsWith('f.')) draft.columnFilters[name.slice(2)] = text;
  }
  const sort = query.get('sort');
  if (sort !== null) {
    const [column, direction] = sort.split(':');
    draft.sort = { column: column ?? '', direction: direction as SortDirection };
  }
  const show = query.get('show');
  if (show !== null) draft.show = show as ShownView;
  const series = query.get('series');
  if (series !== null) draft.series = series;
  const windowText = query.get('window');
  if (windowText !== null) draft.windowSeconds = Number(windowText);
  const selection = query.get('sel');
  if (selection !== null) {
    const match = /^(\d{1,15})-(\d{1,15})$/.exec(selection);
    if (match) draft.selection = { from: Number(match[1]), to: Number(match[2]) };
    else problems.push('sel must be <from>-<to> in epoch milliseconds');
  }
  const bucket = query.get('bucket');
  if (bucket !== null) {
    if (!draft.selection) problems.push('bucket is a heat-map cell of a selection: it needs sel');
    else if (/^\d{1,2}$/.test(bucket) && Number(bucket) < 64) draft.selection.bucket = Number(bucket);
    else problems.push('bucket must be a log2 bucket number from 0 to 63');
  }
  if (dashboardName !== undefined) {
    const time = { selection: draft.selection, windowSeconds: draft.windowSeconds };
    const panels = query.get('panels');
    if (!dashboardNamePattern.test(dashboardName)) problems.push('dashboard must be a name of letters, digits, spaces, _ . and -');
    else if (panels !== null) {
      const decoded = decodePanels(panels, time);
      if ('problem' in decoded) problems.push(decoded.problem);
      draft.dashboard = { name: dashboardName, panels: 'panels' in decoded ? decoded.panels : [] };
    } else draft.dashboard = isBuiltInDashboard(dashboardName) ? builtInDashboard(dashboardName, draft.hosts, time) : { name: dashboardName, panels: [] };
  }
  const result = viewStateSchema.safeParse(draft);
  if (result.success) return { state: result.data as ViewState, problems };
  // Keep every valid field, drop the invalid ones, and say which, in the link's own words.
  const state: ViewState = { ...draft };
  const dropped = new Set<keyof ViewState>();
  for (const issue of result.error.issues) {
    const field = issue.path[0] as keyof ViewState | undefined;
    if (field === undefined || dropped.has(field)) continue;
    dropped.add(field);
    problems.push(fieldProblems[field]);
    if (field === 'hosts') state.hosts = draft.hosts.filter((host) => hostPattern.test(host)).slice(0, MAX_HOSTS);
    else if (field === 'params') state.params = {};
    else if (field === 'filter') state.filter = '';
    else if (field === 'columnFilters') state.columnFilters = {};
    else delete (state as Partial<ViewState>)[field];
  }
  return { state, problems };
}

/** What was wrong with each part of a link, named as the link names it (never its value: it may be a secret). */
const fieldProblems: Record<keyof ViewState, string> = {
  hosts: 'host must be host:port (a port from 1 to 65535), at most 16 of them',
  tool: 'tool must be a tool name (lower-case letters, digits, - and _)',
  params: 'params must be a JSON object of at most 4 KB',
  filter: `q must be at most ${MAX_TEXT} characters`,
  columnFilters: `f.<column> filters must be at most ${MAX_TEXT} characters`,
  sort: 'sort must be <column>:asc or <column>:desc',
  selection: 'sel: the selection must end after it starts, before the year 2200',
  windowSeconds: 'window must be a whole number of seconds from 10 to 604800 (a week)',
  show: `show must be ${shownViews.slice(0, -1).join(', ')} or ${shownViews[shownViews.length - 1]}`,
  series: 'series must be at most 128 characters',
  snapshot: 'snapshot must be a snapshot id (6 to 64 of A-Z, a-z, 0-9, _ and -)',
  dashboard: 'dashboard must be a name of letters, digits, spaces, _ . and -',
  fleet: 'group must be a name of up to 32 letters, digits, ., _ and -, starting with a letter or digit',
};

const fleetHostsProblem = `hosts must be host:port (a port from 1 to 65535), at most ${MAX_FLEET_LINK_HOSTS}, separated by commas; the others are added`;

/**
 * `make start` prints a sign-in link `#token=...` for the local agent. Whatever
 * follows `#token=` is taken out of the address bar, valid or not, and never shown.
 */
export function takeTokenFromHash(hash: string): { token?: string; hash: string } | undefined {
  if (!hash.startsWith('#token=')) return undefined;
  const candidate = hash.slice('#token='.length).split('&', 1)[0] ?? '';
  return /^[A-Za-z0-9_.~+/=-]{1,512}$/.test(candidate) ? { token: candidate, hash: '#/' } : { hash: '#/' };
}

/**
 * A part of a link quoted in a problem only when it looks like a name: a link
 * can carry a token (a sign-in link) or other secrets, and problems are shown
 * on screens that may be shared.
 */
function quoteLinkText(text: string): string {
  return /^[A-Za-z][A-Za-z0-9_.-]{0,23}$/.test(text) && !/^token/i.test(text) ? `"${text}"` : 'a part';
}

/**
 * Problems with the parts of a view that name a tool's columns (sort, f.<column>),
 * which can only be checked once the tool's columns are known.
 */
export function unknownColumnProblems(view: Pick<ViewState, 'sort' | 'columnFilters'>, columns: readonly string[]): string[] {
  const known = new Set(columns);
  const problems: string[] = [];
  if (view.sort && !known.has(view.sort.column)) problems.push(`sort: this tool has no column ${quoteLinkText(view.sort.column)}`);
  for (const column of Object.keys(view.columnFilters)) {
    if (!known.has(column)) problems.push(`f.${quoteLinkText(column) === 'a part' ? '<column>' : column}: this tool has no such column`);
  }
  return problems;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

/** Same params, same URL: keys in a stable order so links compare equal. */
function sortedKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
