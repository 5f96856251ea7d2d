// A saved heat map: the frames, range, selection and series exactly as shared,
// loaded from the host's agent. It never changes, whoever opens it.
import { useEffect, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { Snapshot } from '../../api/types';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { ProfileResult } from '../flamegraph/ProfileResult';
import { HeatMapView } from './HeatMapView';

export function SnapshotView({ id }: { id: string }) {
  const address = useAppStore(activeHost);
  const token = useAppStore((state) => (address ? state.tokens[address] : undefined));
  const setSnapshot = useAppStore((state) => state.setSnapshot);
  const [snapshot, setLoaded] = useState<Snapshot>();
  const [problem, setProblem] = useState<AgentProblem>();

  useEffect(() => {
    if (!address || !token) return;
    let cancelled = false;
    setLoaded(undefined);
    setProblem(undefined);
    clientFor(address, token)
      .snapshots.get.query({ id })
      .then((loaded) => !cancelled && setLoaded(loaded))
      .catch((error: unknown) => !cancelled && setProblem(describeAgentError(error, address)));
    return () => {
      cancelled = true;
    };
  }, [address, token, id]);

  if (problem) {
    return (
      <div className="banner banner--error" role="alert" data-testid={testIds.hostProblem}>
        Snapshot {id}: {problem.message}{' '}
        <button type="button" className="button" onClick={() => setSnapshot(undefined)}>
          Back to live
        </button>
      </div>
    );
  }
  if (!snapshot) return <p className="placeholder">Loading snapshot {id} from {address}…</p>;
  return (
    <section className="tool-view" aria-label={`Snapshot ${snapshot.title}`}>
      <header className="tool-view__header">
        <h2 data-testid={testIds.toolTitle}>
          {snapshot.tool} <span className="muted">{snapshot.histogram?.measure ?? (snapshot.profile?.unit === 'nanoseconds' ? 'off-CPU time' : 'CPU profile')}</span>
        </h2>
        <div className="banner" data-testid={testIds.snapshotBanner}>
          Snapshot <strong>“{snapshot.title}”</strong> of {snapshot.hostname} ({address}), saved {new Date(snapshot.createdAt).toLocaleString()}; params{' '}
          <code>{JSON.stringify(snapshot.params)}</code>; kept until {new Date(snapshot.retentionUntil).toLocaleDateString()}.{' '}
          <button type="button" className="button" onClick={() => setSnapshot(undefined)}>
            Back to live
          </button>
        </div>
      </header>
      {snapshot.kind === 'profile' && snapshot.profile ? (
        <ProfileResult tool={snapshot.tool} profile={snapshot.profile} initialInverted={snapshot.view.inverted ?? false} />
      ) : (
        <HeatMapView frames={snapshot.frames} measure={snapshot.histogram?.measure ?? 'latency'} frozenRange={{ from: snapshot.view.from, to: snapshot.view.to }} />
      )}
    </section>
  );
}
