// The agents this browser knows, their tokens (browser storage only), and what
// each said about itself: its status and its tool catalog.
import type { StateCreator } from 'zustand/vanilla';
import type { AgentProblem } from '../../api/agentClient';
import type { HostInfo, ToolInfo } from '../../api/types';
import type { AppState, KeyValueStorage } from '../appStore';
import { hostAddressProblem } from '../hostAddress';
import { hostPattern } from '../urlState';

export type HostStatus =
  | { state: 'checking' }
  | { state: 'no-token' }
  | { state: 'connected'; latencyMs: number; info: HostInfo; checkedAt: number }
  | { state: 'error'; problem: AgentProblem; checkedAt: number };

export type Catalog = { state: 'loaded'; tools: ToolInfo[] } | { state: 'error'; problem: AgentProblem };

export interface HostsSlice {
  /** Agents this browser knows, as host:port, in the order added. */
  hosts: string[];
  tokens: Record<string, string>;
  statuses: Record<string, HostStatus>;
  catalogs: Record<string, Catalog>;

  addHost(address: string): string | undefined;
  removeHost(address: string): void;
  setToken(address: string, token: string): string | undefined;
  setHostStatus(address: string, status: HostStatus): void;
  setCatalog(address: string, catalog: Catalog): void;
  /** Forgets what a host last said (a catalog only if it was an error), so the host monitor checks it again at once. */
  recheckHost(address: string): void;
}

const HOSTS_KEY = 'bpfscope.hosts';
const TOKEN_PREFIX = 'bpfscope.token:';
const MAX_KNOWN_HOSTS = 64;
const MAX_TOKEN_LENGTH = 512;

/** The hosts and tokens this browser stored, with the agent that served the page first. */
export function storedHosts(storage: KeyValueStorage, defaultHost: string | undefined): Pick<HostsSlice, 'hosts' | 'tokens'> {
  const stored = readHosts(storage);
  const hosts = defaultHost && !stored.includes(defaultHost) ? [defaultHost, ...stored] : stored;
  const tokens: Record<string, string> = {};
  for (const host of hosts) {
    const token = storage.getItem(TOKEN_PREFIX + host);
    if (token) tokens[host] = token;
  }
  return { hosts, tokens };
}

/** `tokens` with those this browser stored for `hosts` and `tokens` lacks (a host a link made known again). */
export function withStoredTokens(storage: KeyValueStorage, tokens: Readonly<Record<string, string>>, hosts: readonly string[]): Record<string, string> {
  const next = { ...tokens };
  for (const host of hosts) {
    const token = next[host] === undefined ? storage.getItem(TOKEN_PREFIX + host) : null;
    if (token) next[host] = token;
  }
  return next;
}

/** `known` with the hosts a link names added (without a token), stored when that changes it. */
export function withLinkedHosts(storage: KeyValueStorage, known: string[], linked: readonly string[]): string[] {
  const missing = linked.filter((host) => !known.includes(host));
  if (missing.length === 0) return known;
  const next = [...known, ...missing].slice(0, MAX_KNOWN_HOSTS);
  storeHosts(storage, next);
  return next;
}

export function createHostsSlice(storage: KeyValueStorage, initial: Pick<HostsSlice, 'hosts' | 'tokens'>): StateCreator<AppState, [], [], HostsSlice> {
  return (set, get) => ({
    hosts: initial.hosts,
    tokens: initial.tokens,
    statuses: {},
    catalogs: {},

    addHost(address) {
      const host = address.trim();
      const problem = hostAddressProblem(host);
      if (problem) return problem;
      const state = get();
      if (state.hosts.includes(host)) return undefined;
      if (state.hosts.length >= MAX_KNOWN_HOSTS) return `at most ${MAX_KNOWN_HOSTS} hosts`;
      const next = [...state.hosts, host];
      storeHosts(storage, next);
      set({ hosts: next });
      return undefined;
    },

    removeHost(address) {
      const state = get();
      const hostsLeft = state.hosts.filter((host) => host !== address);
      storeHosts(storage, hostsLeft);
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
  });
}

function storeHosts(storage: KeyValueStorage, hosts: string[]): void {
  storage.setItem(HOSTS_KEY, JSON.stringify(hosts));
}

function readHosts(storage: KeyValueStorage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(HOSTS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return [...new Set(parsed.filter((host): host is string => typeof host === 'string' && hostPattern.test(host)))].slice(0, MAX_KNOWN_HOSTS);
  } catch {
    return [];
  }
}
