// A saved heat map, flame graph or table: the data and view exactly as shared,
// loaded from the host's agent. It never changes, whoever opens it.
import { formatDateTime } from '@bpfscope/charts';
import { useEffect, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { Snapshot } from '../../api/types';
import { snapshotContents } from '../../api/wireForms';
import { activeHost, activeToken } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { ProfileResult } from '../flamegraph/ProfileResult';
import { SnapshotTable } from './SnapshotTable';
import { HeatMapView } from '../heatmap/HeatMapView';

const NO_FRAMES: never[] = [];
const LOADING_RANGE = { from: 0, to: 60_000 };

interface SnapshotViewProps {
  id: string;
  /**
   * The heat map's measure when the URL's tool has one: its chart is laid out
   * (hidden) while the snapshot loads, so the data only has to be drawn when
   * it arrives, not the chart built around it.
   */
  heatMapMeasure?: string | undefined;
}

export function SnapshotView({ id, heatMapMeasure }: SnapshotViewProps) {
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const setSnapshot = useAppStore((state) => state.setSnapshot);
  const [snapshot, setLoaded] = useState<Snapshot>();
  const [problem, setProblem] = useState<AgentProblem>();
  const catalog = useAppStore((state) => (address ? state.catalogs[address] : undefined));
  const tool = snapshot && catalog?.state === 'loaded' ? catalog.tools.find((candidate) => candidate.name === snapshot.tool) : undefined;

  useEffect(() => {
    if (!address || !token) return;
    let cancelled = false;
    setLoaded(undefined);
    setProblem(undefined);
    clientFor(address, token)
      .snapshots.get.query({ id, form: 'packed' })
      .then((loaded) => !cancelled && setLoaded(snapshotContents(loaded)))
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
  if (!snapshot) {
    const loading = (
      <p className="placeholder">
        Loading snapshot {id} from {address}…
      </p>
    );
    if (heatMapMeasure === undefined) return loading;
    // The same elements as the loaded heat map below, so React keeps the chart when the data comes.
    return (
      <section className="tool-view" aria-label={`Snapshot ${id}`} aria-busy="true">
        <header className="tool-view__header">{loading}</header>
        <div style={{ visibility: 'hidden' }}>
          <HeatMapView frames={NO_FRAMES} measure={heatMapMeasure} frozenRange={LOADING_RANGE} />
        </div>
      </section>
    );
  }
  return (
    <section className="tool-view" aria-label={`Snapshot ${snapshot.title}`}>
      <header className="tool-view__header">
        <h2 data-testid={testIds.toolTitle}>
          {snapshot.tool}{' '}
          <span className="muted">
            {snapshot.kind === 'table'
              ? `${snapshot.frameCount} rows`
              : (snapshot.histogram?.measure ?? (snapshot.profile?.unit === 'nanoseconds' ? 'off-CPU time' : 'CPU profile'))}
          </span>
        </h2>
        <div className="banner" data-testid={testIds.snapshotBanner}>
          Snapshot <strong>“{snapshot.title}”</strong> of {snapshot.hostname} ({address}), saved {formatDateTime(snapshot.createdAt)}; params{' '}
          <code>{JSON.stringify(snapshot.params)}</code>; kept until {formatDateTime(snapshot.retentionUntil).slice(0, 10)}.{' '}
          <button type="button" className="button" onClick={() => setSnapshot(undefined)}>
            Back to live
          </button>
        </div>
      </header>
      {snapshot.kind === 'table' ? (
        <SnapshotTable snapshot={snapshot} tool={tool} />
      ) : snapshot.kind === 'profile' && snapshot.profile ? (
        <ProfileResult tool={snapshot.tool} profile={snapshot.profile} initialInverted={snapshot.view.inverted ?? false} initialZoom={snapshot.view.zoom} />
      ) : (
        <div>
          <HeatMapView
            frames={snapshot.frames}
            measure={snapshot.histogram?.measure ?? 'latency'}
            frozenRange={{ from: snapshot.view.from, to: snapshot.view.to }}
          />
        </div>
      )}
    </section>
  );
}
