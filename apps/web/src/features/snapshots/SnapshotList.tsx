// The active host's saved snapshots: open, rename, delete.
import { formatDateTime } from '@bpfscope/charts';
import { useCallback, useEffect, useState } from 'react';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { SnapshotSummary } from '../../api/types';
import { activeHost, activeToken } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { encodeViewState } from '../../state/urlState';
import type { ViewState } from '../../state/urlState';
import { testIds } from '../../testIds';

export function SnapshotList() {
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const current = useAppStore((state) => state.view.snapshot);
  const openLink = useAppStore((state) => state.openLink);
  const view = useAppStore((state) => state.view);
  const [snapshots, setSnapshots] = useState<SnapshotSummary[]>([]);
  const [problem, setProblem] = useState<string>();

  const refresh = useCallback(() => {
    if (!address || !token) return;
    clientFor(address, token)
      .snapshots.list.query()
      .then((list) => {
        setSnapshots(list);
        setProblem(undefined);
      })
      .catch((error: unknown) => setProblem(describeAgentError(error, address).message));
  }, [address, token]);

  // Refreshed on host change and whenever a snapshot is opened or shared (the view changes).
  useEffect(refresh, [refresh, current, view.tool]);
  useEffect(() => {
    window.addEventListener('bpfscope:snapshots-changed', refresh);
    return () => window.removeEventListener('bpfscope:snapshots-changed', refresh);
  }, [refresh]);

  if (!address || !token || (snapshots.length === 0 && !problem)) return null;
  return (
    <div className="snapshots" data-testid={testIds.snapshotList}>
      <h3 className="sidebar__heading">Snapshots on {address}</h3>
      {problem ? <p className="params-form__error">{problem}</p> : null}
      <ul className="hosts__list">
        {snapshots.map((snapshot) => (
          <li key={snapshot.id} className={`host ${snapshot.id === current ? 'host--active' : ''}`}>
            <button
              type="button"
              className="host__select"
              data-testid={testIds.snapshotItem(snapshot.id)}
              title={`${snapshot.tool}, ${snapshot.frameCount} ${snapshot.kind === 'table' ? 'rows' : snapshot.kind === 'profile' ? 'stacks' : 's of data'}, by ${snapshot.createdBy}`}
              onClick={() => openLink(encodeViewState(snapshotViewState(address, snapshot)))}
            >
              <span className="dot dot--ok" aria-hidden="true" />
              <span className="host__address">{snapshot.title}</span>
              <span className="host__detail muted">
                {snapshot.tool} · {formatDateTime(snapshot.createdAt)}
              </span>
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={`Rename snapshot ${snapshot.title}`}
              title="Rename"
              onClick={() => {
                const title = window.prompt('New title', snapshot.title);
                if (title?.trim()) void clientFor(address, token).snapshots.rename.mutate({ id: snapshot.id, title: title.trim() }).then(refresh, refresh);
              }}
            >
              ✎
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete snapshot ${snapshot.title}`}
              title="Delete"
              onClick={() => {
                if (window.confirm(`Delete snapshot “${snapshot.title}”? Links to it stop working.`)) {
                  void clientFor(address, token).snapshots.delete.mutate({ id: snapshot.id }).then(refresh, refresh);
                }
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

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
