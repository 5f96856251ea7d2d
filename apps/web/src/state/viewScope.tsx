// A tool's view or a host's overview reads its host and its view (params, filters, sort, heat-map range)
// through a scope: the page's own (the URL's view and active host), or a dashboard panel's. One view
// component then serves the page and every panel of a dashboard, on any host.
import { createContext, useContext, useMemo } from 'react';
import type { ReactNode } from 'react';
import type { AppState, AppStore } from './appStore';
import { activeHost } from './appStore';
import { useAppStore, useAppStoreApi } from './storeContext';
import type { ViewState } from './urlState';
import type { ViewActions } from './viewUpdates';
import { bindViewUpdates } from './viewUpdates';

export interface ViewScope {
  /** 'page': the URL's own view, which owns the page's keyboard shortcuts and title; 'panel': one of a dashboard's. */
  kind: 'page' | 'panel';
  host(state: AppState): string | undefined;
  /** Must return the same object while the view is unchanged (it is read through a store selector). */
  view(state: AppState): ViewState;
  update(store: AppStore, change: (view: ViewState) => ViewState): void;
}

const NO_VIEW: ViewState = { hosts: [], params: {}, filter: '', columnFilters: {} };

/** A dashboard panel's scope: its host and view are the panel's, its changes go through the dashboard. */
export function panelScope(id: string): ViewScope {
  const panelOf = (state: AppState) => state.view.dashboard?.panels.find((panel) => panel.id === id);
  return {
    kind: 'panel',
    host: (state) => panelOf(state)?.view.hosts[0],
    view: (state) => panelOf(state)?.view ?? NO_VIEW,
    update: (store, change) => store.getState().updatePanel(id, change),
  };
}

export const pageScope: ViewScope = {
  kind: 'page',
  host: activeHost,
  view: (state) => state.view,
  update: (store, change) => store.getState().updateView(change),
};

const ScopeContext = createContext<ViewScope>(pageScope);

export function ViewScopeProvider({ scope, children }: { scope: ViewScope; children: ReactNode }) {
  return <ScopeContext.Provider value={scope}>{children}</ScopeContext.Provider>;
}

export function useViewScope(): ViewScope {
  return useContext(ScopeContext);
}

/** A part of the scope's view, re-rendering only when it changes. */
export function useScopedView<T>(select: (view: ViewState) => T): T {
  const scope = useViewScope();
  return useAppStore((state) => select(scope.view(state)));
}

const wholeView = (view: ViewState): ViewState => view;

/** The scope's whole view. */
export function useView(): ViewState {
  return useScopedView(wholeView);
}

/** The scope's host and this browser's token for it. */
export function useScopeHost(): { address: string | undefined; token: string | undefined } {
  const scope = useViewScope();
  const address = useAppStore(scope.host);
  const token = useAppStore((state) => (address ? state.tokens[address] : undefined));
  return { address, token };
}

/** The scope's view changes (params, filters, sort, range...). */
export function useViewActions(): ViewActions {
  const scope = useViewScope();
  const store = useAppStoreApi();
  return useMemo(() => bindViewUpdates((change) => scope.update(store, change)), [scope, store]);
}
