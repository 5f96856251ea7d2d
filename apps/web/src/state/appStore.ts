// The app's state in one zustand store, in slices: known hosts and their tokens
// (browser storage only), what each host said about itself, and the view (the URL).
import { createStore } from 'zustand/vanilla';
import type { AgentProblem } from '../api/agentClient';
import type { HostInfo, ToolInfo } from '../api/types';
import { hostAddressProblem } from './hostAddress';
import type { SortDirection, ViewState } from './urlState';
import { decodeViewState, emptyViewState, hostPattern, unknownColumnProblems } from './urlState';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type HostStatus =
  | { state: 'checking' }
  | { state: 'no-token' }
  | { state: 'connected'; latencyMs: number; info: HostInfo; checkedAt: number }
  | { state: 'error'; problem: AgentProblem; checkedAt: number };

export type Catalog = { state: 'loaded'; tools: ToolInfo[] } | { state: 'error'; problem: AgentProblem };

export type Theme = 'dark' | 'light';

export interface AppState {
  /** Agents this browser knows, as host:port, in the order added. */
  hosts: string[];
  tokens: Record<string, string>;
  statuses: Record<string, HostStatus>;
  catalogs: Record<string, Catalog>;
  view: ViewState;
  /** What could not be used from the link that opened the page. */
  linkProblems: string[];
  theme: Theme;

  addHost(address: string): string | undefined;
  removeHost(address: string): void;
  setToken(address: string, token: string): string | undefined;
  setHostStatus(address: string, status: HostStatus): void;
  setCatalog(address: string, catalog: Catalog): void;
  /** Forgets what a host last said (a catalog only if it was an error), so the host monitor checks it again at once. */
  recheckHost(address: string): void;
  /** Make a host the one shown; tool, params, filters and sort stay. */
  selectHost(address: string): void;
  selectTool(tool: string | undefined): void;
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
  setTheme(theme: Theme): void;
}

const HOSTS_KEY = 'bpfscope.hosts';
const TOKEN_PREFIX = 'bpfscope.token:';
const THEME_KEY = 'bpfscope.theme';
const MAX_KNOWN_HOSTS = 64;
const MAX_TOKEN_LENGTH = 512;

export interface AppStoreOptions {
  storage: KeyValueStorage;
  /** The agent that served the page (location.host); known by default. */
  defaultHost?: string;
  /** location.hash at start-up. */
  hash?: string;
  prefersDark?: boolean;
}

export function activeHost(state: Pick<AppState, 'view' | 'hosts'>): string | undefined {
  return state.view.hosts[0] ?? state.hosts[0];
}

export function createAppStore(options: AppStoreOptions) {
  const { storage } = options;
  const storedHosts = readHosts(storage);
  const defaultHost = options.defaultHost && hostPattern.test(options.defaultHost) ? options.defaultHost : undefined;
  const hosts = defaultHost && !storedHosts.includes(defaultHost) ? [defaultHost, ...storedHosts] : storedHosts;
  const tokens: Record<string, string> = {};
  for (const host of hosts) {
    const token = storage.getItem(TOKEN_PREFIX + host);
    if (token) tokens[host] = token;
  }
  const storedTheme = storage.getItem(THEME_KEY);
  const theme: Theme = storedTheme === 'light' || storedTheme === 'dark' ? storedTheme : options.prefersDark === false ? 'light' : 'dark';

  const persistHosts = (list: string[]) => storage.setItem(HOSTS_KEY, JSON.stringify(list));

  return createStore<AppState>()((set, get) => {
    const withLinkedHosts = (view: ViewState, known: string[]): string[] => {
      const missing = view.hosts.filter((host) => !known.includes(host));
      if (missing.length === 0) return known;
      const next = [...known, ...missing].slice(0, MAX_KNOWN_HOSTS);
      persistHosts(next);
      return next;
    };

    const initial = decodeViewState(options.hash ?? '');
    const initialHosts = withLinkedHosts(initial.state, hosts);
    const initialView = initial.state.hosts.length > 0 || !initialHosts[0] ? initial.state : { ...initial.state, hosts: [initialHosts[0]] };

    return {
      hosts: initialHosts,
      tokens,
      statuses: {},
      catalogs: {},
      view: initialView,
      linkProblems: initial.problems,
      theme,

      addHost(address) {
        const host = address.trim();
        const problem = hostAddressProblem(host);
        if (problem) return problem;
        const state = get();
        if (state.hosts.includes(host)) return undefined;
        if (state.hosts.length >= MAX_KNOWN_HOSTS) return `at most ${MAX_KNOWN_HOSTS} hosts`;
        const next = [...state.hosts, host];
        persistHosts(next);
        set({ hosts: next });
        return undefined;
      },

      removeHost(address) {
        const state = get();
        const hostsLeft = state.hosts.filter((host) => host !== address);
        persistHosts(hostsLeft);
        storage.removeItem(TOKEN_PREFIX + address);
        const { [address]: _token, ...tokensLeft } = state.tokens;
        const { [address]: _status, ...statusesLeft } = state.statuses;
        const { [address]: _catalog, ...catalogsLeft } = state.catalogs;
        const viewHosts = state.view.hosts.filter((host) => host !== address);
        set({
          hosts: hostsLeft,
          tokens: tokensLeft,
          statuses: statusesLeft,
          catalogs: catalogsLeft,
          view: { ...state.view, hosts: viewHosts.length > 0 || !hostsLeft[0] ? viewHosts : [hostsLeft[0]] },
        });
      },

      setToken(address, token) {
        const value = token.trim();
        if (value === '') return 'the token is empty';
        if (value.length > MAX_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(value)) return 'a token is printable characters without spaces';
        storage.setItem(TOKEN_PREFIX + address, value);
        // A new token invalidates what the old one was told.
        const { [address]: _status, ...statuses } = get().statuses;
        const { [address]: _catalog, ...catalogs } = get().catalogs;
        set({ tokens: { ...get().tokens, [address]: value }, statuses, catalogs });
        return undefined;
      },

      setHostStatus(address, status) {
        set({ statuses: { ...get().statuses, [address]: status } });
      },

      setCatalog(address, catalog) {
        set({ catalogs: { ...get().catalogs, [address]: catalog } });
      },

      recheckHost(address) {
        const { [address]: _status, ...statuses } = get().statuses;
        const { [address]: catalog, ...catalogs } = get().catalogs;
        set(catalog?.state === 'error' ? { statuses, catalogs } : { statuses });
      },

      selectHost(address) {
        const state = get();
        if (!state.hosts.includes(address)) return;
        // A snapshot lives on one host: another host shows the same view live.
        const { snapshot: _snapshot, ...live } = state.view;
        set({ view: { ...live, hosts: [address] } });
      },

      selectTool(tool) {
        const view = get().view;
        if (tool === view.tool) {
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
        const known = withLinkedHosts(decoded.state, get().hosts);
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

      setTheme(next) {
        storage.setItem(THEME_KEY, next);
        set({ theme: next });
      },
    };
  });
}

export type AppStore = ReturnType<typeof createAppStore>;

function readHosts(storage: KeyValueStorage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(HOSTS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return [...new Set(parsed.filter((host): host is string => typeof host === 'string' && hostPattern.test(host)))].slice(0, MAX_KNOWN_HOSTS);
  } catch {
    return [];
  }
}

/**
 * `make start` prints a sign-in link `#token=...` for the local agent. Whatever
 * follows `#token=` is taken out of the address bar, valid or not, and never shown.
 */
export function takeTokenFromHash(hash: string): { token?: string; hash: string } | undefined {
  if (!hash.startsWith('#token=')) return undefined;
  const candidate = hash.slice('#token='.length).split('&', 1)[0] ?? '';
  return /^[A-Za-z0-9_.~+/=-]{1,512}$/.test(candidate) ? { token: candidate, hash: '#/' } : { hash: '#/' };
}

export { emptyViewState };
