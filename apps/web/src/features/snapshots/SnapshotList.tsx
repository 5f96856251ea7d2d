// The active host's saved snapshots: open, rename, delete.
import { formatDateTime } from '@bpfscope/charts';
import { useEffect, useState } from 'react';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { SnapshotSummary } from '../../api/types';
import { activeHost, activeToken } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { encodeViewState } from '../../state/urlState';
import { testIds } from '../../testIds';
import { snapshotViewState } from './snapshotLinks';

export function SnapshotList() {
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const current = useAppStore((state) => state.view.snapshot);
  const tool = useAppStore((state) => state.view.tool);
  const revision = useAppStore((state) => state.snapshotsRevision);
  const snapshotsChanged = useAppStore((state) => state.snapshotsChanged);
  const openLink = useAppStore((state) => state.openLink);
  const [snapshots, setSnapshots] = useState<SnapshotSummary[]>([]);
  const [problem, setProblem] = useState<string>();

  // Loaded again on another host, whenever this page saves, renames or deletes a
  // snapshot (the store's revision), and whenever one is opened or another tool picked.
  useEffect(() => {
    if (!address || !token) return undefined;
    let cancelled = false;
    clientFor(address, token)
      .snapshots.list.query()
      .then((list) => {
        if (cancelled) return;
        setSnapshots(list);
        setProblem(undefined);
      })
      .catch((error: unknown) => !cancelled && setProblem(describeAgentError(error, address).message));
    return () => {
      cancelled = true;
    };
  }, [address, token, revision, current, tool]);

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
                if (title?.trim())
                  void clientFor(address, token).snapshots.rename.mutate({ id: snapshot.id, title: title.trim() }).then(snapshotsChanged, snapshotsChanged);
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
                  void clientFor(address, token).snapshots.delete.mutate({ id: snapshot.id }).then(snapshotsChanged, snapshotsChanged);
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
