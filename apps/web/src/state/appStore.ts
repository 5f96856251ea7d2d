// The app's state in one zustand store, made of typed slices: known hosts and
// their tokens (browser storage only) with what each host said about itself, the
// view (the URL), the theme, and changes to the hosts' saved snapshots.
import { createStore } from 'zustand/vanilla';
import type { DashboardSlice } from './slices/dashboard';
import { createDashboardSlice } from './slices/dashboard';
import type { HostsSlice } from './slices/hosts';
import { createHostsSlice, storedHosts, withLinkedHosts, withStoredTokens } from './slices/hosts';
import type { SnapshotsSlice } from './slices/snapshots';
import { createSnapshotsSlice } from './slices/snapshots';
import type { ThemeSlice } from './slices/theme';
import { createThemeSlice } from './slices/theme';
import type { ViewSlice } from './slices/view';
import { createViewSlice, withHost } from './slices/view';
import { decodeViewState, hostPattern, linkedHosts } from './urlState';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type AppState = HostsSlice & ViewSlice & DashboardSlice & ThemeSlice & SnapshotsSlice;

interface AppStoreOptions {
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

/** The active host's token, when this browser has one. */
export function activeToken(state: Pick<AppState, 'view' | 'hosts' | 'tokens'>): string | undefined {
  const address = activeHost(state);
  return address ? state.tokens[address] : undefined;
}

export function createAppStore(options: AppStoreOptions) {
  const { storage } = options;
  const defaultHost = options.defaultHost && hostPattern.test(options.defaultHost) ? options.defaultHost : undefined;
  const stored = storedHosts(storage, defaultHost);
  // The link's hosts become known (without a token) before the view that names them is shown.
  const link = decodeViewState(options.hash ?? '');
  const hosts = withLinkedHosts(storage, stored.hosts, linkedHosts(link.state));
  const view = link.state.hosts.length > 0 || !hosts[0] ? link.state : withHost(link.state, hosts[0]);

  return createStore<AppState>()((...store) => ({
    ...createHostsSlice(storage, { hosts, tokens: withStoredTokens(storage, stored.tokens, hosts) })(...store),
    ...createViewSlice({ storage, defaultHost, view, linkProblems: link.problems })(...store),
    ...createDashboardSlice()(...store),
    ...createThemeSlice(storage, options.prefersDark)(...store),
    ...createSnapshotsSlice(...store),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
