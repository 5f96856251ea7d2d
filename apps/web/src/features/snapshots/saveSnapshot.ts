// Saving what a view shows as a snapshot on its host, one call per kind
// (heat map, table, flame graph): the agent keeps the data, the snapshot list
// hears of it through the store, and the call resolves to the link that opens it.
import { formatDateTime, formatInteger } from '@bpfscope/charts';
import { describeAgentError } from '../../api/agentClient';
import type { AgentClient } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { ProfileCapture } from '../../api/types';
import type { Row } from '../../state/liveRows';
import { useAppStore } from '../../state/storeContext';
import { useScopeHost, useView } from '../../state/viewScope';
import type { ViewState } from '../../state/urlState';
import { viewLink } from '../../state/urlState';
import type { ProfileShareRequest } from '../flamegraph/ProfileResult';
import type { ShareRequest } from '../heatmap/HeatMapView';
import type { SessionPhase } from '../session/useLiveSession';
import { sharedHeatMapView, sharedProfileView, sharedTableView } from './snapshotLinks';

interface SnapshotSaver {
  heatMap(status: SessionPhase, request: ShareRequest): Promise<string>;
  /** `rows`: the table as shown (filtered and sorted), which the snapshot's time range covers. */
  table(status: SessionPhase, tool: string, rows: readonly Row[]): Promise<string>;
  profile(capture: Pick<ProfileCapture, 'id' | 'startedAt'>, tool: string, request: ProfileShareRequest): Promise<string>;
}

export function useSaveSnapshot(): SnapshotSaver {
  const { address, token } = useScopeHost();
  const view = useView();
  const snapshotsChanged = useAppStore((state) => state.snapshotsChanged);

  const save = async (create: (client: AgentClient) => Promise<{ id: string }>, linked: (id: string) => ViewState): Promise<string> => {
    if (!address || !token) throw new Error('no host to save it on');
    try {
      const created = await create(clientFor(address, token));
      snapshotsChanged();
      return viewLink(linked(created.id));
    } catch (error) {
      throw new Error(describeAgentError(error, address).message);
    }
  };
  const liveSession = (status: SessionPhase): string => {
    if (status.phase !== 'streaming') throw new Error('the session is not live');
    return status.started.id;
  };

  return {
    heatMap: async (status, request) => {
      const sessionId = liveSession(status);
      return save(
        (client) => client.snapshots.create.mutate({ sessionId, ...request }),
        (id) => sharedHeatMapView(view, id, request),
      );
    },
    table: async (status, tool, rows) => {
      const sessionId = liveSession(status);
      return save(
        (client) =>
          client.snapshots.createTable.mutate({
            sessionId,
            title: `${tool}: ${formatInteger(rows.length)} rows`,
            range: timeRangeOf(rows),
            ...(view.filter ? { filter: view.filter } : {}),
            ...(Object.keys(view.columnFilters).length > 0 ? { columnFilters: view.columnFilters } : {}),
            ...(view.sort ? { sort: view.sort } : {}),
            ...(view.selection ? { selection: view.selection } : {}),
          }),
        (id) => sharedTableView(view, id),
      );
    },
    profile: async (capture, tool, request) =>
      save(
        (client) => client.snapshots.createProfile.mutate({ captureId: capture.id, title: `${tool} at ${formatDateTime(capture.startedAt)}`, ...request }),
        (id) => sharedProfileView(view, id, request),
      ),
  };
}

/** The whole milliseconds the rows' times span (now, without any). */
export function timeRangeOf(rows: readonly Row[], now = Date.now()): { from: number; to: number } {
  // One pass: a spread of a million row times would overflow the call stack.
  let from = Infinity;
  let to = -Infinity;
  for (const row of rows) {
    if (typeof row.time !== 'number') continue;
    from = Math.min(from, row.time);
    to = Math.max(to, row.time);
  }
  return from <= to ? { from: Math.floor(from), to: Math.ceil(to) } : { from: now, to: now };
}
