// The changes a user makes to a view (params, filters, sort, heat-map range...), as pure functions of the
// view: the page's view (the URL's) and every dashboard panel's change the same way.
import type { SortDirection, ViewState } from './urlState';

export type HeatMapShow = NonNullable<ViewState['show']>;

export const viewUpdates = {
  setParams: (view: ViewState, params: Record<string, unknown>): ViewState => ({ ...view, params }),

  setFilter: (view: ViewState, text: string): ViewState => ({ ...view, filter: text }),

  setColumnFilter(view: ViewState, column: string, text: string): ViewState {
    const { [column]: _old, ...rest } = view.columnFilters;
    return { ...view, columnFilters: text ? { ...rest, [column]: text } : rest };
  },

  /** Clears the all-columns filter and every column filter. */
  clearFilters: (view: ViewState): ViewState => ({ ...view, filter: '', columnFilters: {} }),

  /** Cycles a column through ascending, descending and unsorted. */
  toggleSort(view: ViewState, column: string): ViewState {
    const current = view.sort?.column === column ? view.sort.direction : undefined;
    const next: SortDirection | undefined = current === undefined ? 'asc' : current === 'asc' ? 'desc' : undefined;
    const { sort: _sort, ...rest } = view;
    return next ? { ...rest, sort: { column, direction: next } } : rest;
  },

  setSelection(view: ViewState, selection: ViewState['selection']): ViewState {
    const { selection: _old, ...rest } = view;
    return selection ? { ...rest, selection } : rest;
  },

  setWindow: (view: ViewState, seconds: number): ViewState => ({ ...view, windowSeconds: seconds }),

  setShow: (view: ViewState, show: HeatMapShow): ViewState => ({ ...view, show }),

  setSeries(view: ViewState, series: string | undefined): ViewState {
    const { series: _old, ...rest } = view;
    return series === undefined ? rest : { ...rest, series };
  },

  setSnapshot(view: ViewState, id: string | undefined): ViewState {
    const { snapshot: _old, ...rest } = view;
    return id === undefined ? rest : { ...rest, snapshot: id };
  },

  /** Drops a sort or column filter the tool has no column for. */
  dropUnknownColumns(view: ViewState, columns: readonly string[]): ViewState {
    const known = new Set(columns);
    const { sort, ...rest } = view;
    const columnFilters = Object.fromEntries(Object.entries(view.columnFilters).filter(([column]) => known.has(column)));
    return sort && known.has(sort.column) ? { ...rest, sort, columnFilters } : { ...rest, columnFilters };
  },
};

/** The view changes bound to one view (the page's or a panel's). */
export interface ViewActions {
  setParams(params: Record<string, unknown>): void;
  setFilter(text: string): void;
  setColumnFilter(column: string, text: string): void;
  clearFilters(): void;
  toggleSort(column: string): void;
  setSelection(selection: ViewState['selection']): void;
  setWindow(seconds: number): void;
  setShow(show: HeatMapShow): void;
  setSeries(series: string | undefined): void;
}

/** `apply` replaces the view with what a change makes of it. */
export function bindViewUpdates(apply: (change: (view: ViewState) => ViewState) => void): ViewActions {
  return {
    setParams: (params) => apply((view) => viewUpdates.setParams(view, params)),
    setFilter: (text) => apply((view) => viewUpdates.setFilter(view, text)),
    setColumnFilter: (column, text) => apply((view) => viewUpdates.setColumnFilter(view, column, text)),
    clearFilters: () => apply(viewUpdates.clearFilters),
    toggleSort: (column) => apply((view) => viewUpdates.toggleSort(view, column)),
    setSelection: (selection) => apply((view) => viewUpdates.setSelection(view, selection)),
    setWindow: (seconds) => apply((view) => viewUpdates.setWindow(view, seconds)),
    setShow: (show) => apply((view) => viewUpdates.setShow(view, show)),
    setSeries: (series) => apply((view) => viewUpdates.setSeries(view, series)),
  };
}
