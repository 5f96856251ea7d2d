// The view a snapshot's link opens: as it was saved (from the list), or, when it
// is shared, the sharer's view with what the snapshot keeps of it.
import type { SnapshotSummary } from '../../api/types';
import type { ViewState } from '../../state/urlState';
import type { ProfileShareRequest } from '../flamegraph/ProfileResult';
import type { ShareRequest } from '../heatmap/HeatMapView';

/** The view a snapshot was saved with, as a link to it states it. */
export function snapshotViewState(address: string, snapshot: Pick<SnapshotSummary, 'id' | 'tool' | 'kind' | 'view'>): ViewState {
  const { view } = snapshot;
  const state: ViewState = {
    hosts: [address],
    tool: snapshot.tool,
    snapshot: snapshot.id,
    params: {},
    filter: view.search ?? view.filter ?? '',
    columnFilters: view.columnFilters ?? {},
  };
  if (snapshot.kind !== 'profile') state.show = snapshot.kind;
  if (view.series !== undefined) state.series = view.series;
  if (view.sort) state.sort = view.sort;
  if (view.selection) state.selection = view.selection;
  return state;
}

/** A shared heat map: its selection and series, not the sharer's. */
export function sharedHeatMapView(view: ViewState, id: string, request: ShareRequest): ViewState {
  const { selection: _selection, series: _series, ...rest } = view;
  return {
    ...rest,
    show: 'heatmap',
    snapshot: id,
    ...(request.selection ? { selection: request.selection } : {}),
    ...(request.series !== undefined ? { series: request.series } : {}),
  };
}

/** A shared table: the sharer's filters, sort and selection, which the snapshot keeps too. */
export function sharedTableView(view: ViewState, id: string): ViewState {
  return { ...view, show: 'table', snapshot: id };
}

/** A shared flame graph: its search as the filter, and its FlameScope range. */
export function sharedProfileView(view: ViewState, id: string, request: ProfileShareRequest): ViewState {
  const { selection: _selection, filter: _filter, ...rest } = view;
  return { ...rest, filter: request.search ?? '', snapshot: id, ...(request.selection ? { selection: request.selection } : {}) };
}
