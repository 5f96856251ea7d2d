// A live session's heat map: what the stream is doing and what it lost, the map
// itself, and sharing what it shows as a snapshot.
import { formatInteger } from '@bpfscope/charts';
import type { ToolInfo } from '../../api/types';
import { testIds } from '../../testIds';
import { SessionStatus } from '../session/SessionStatus';
import type { LiveSession } from '../session/useLiveSession';
import { useSaveSnapshot } from '../snapshots/saveSnapshot';
import type { RowValueSpec } from '../table/tableModel';
import { usePanelHeight } from '../panelSize';
import { HeatMapView } from './HeatMapView';

interface LiveHeatMapProps {
  tool: ToolInfo;
  session: LiveSession;
  /** Kept laid out while its tool's table is shown. */
  hidden?: boolean;
  /** A table tool's link from rows to the map: exact percentiles when there is a row for every event. */
  rowValue?: RowValueSpec | undefined;
  /** A table tool: shows the rows behind the selection. */
  onShowRows?: (() => void) | undefined;
}

export function LiveHeatMap({ tool, session, hidden = false, rowValue, onShowRows }: LiveHeatMapProps) {
  const saveSnapshot = useSaveSnapshot();
  const { status, counters } = session;
  const dropped = counters.kernelDrops + counters.droppedFramesForViewer;
  // A dashboard panel says the session's state in the heat map's own toolbar row, not a row of its own.
  const inPanel = usePanelHeight() !== undefined;

  const droppedPill = (
    <span
      className={`pill ${dropped > 0 ? 'pill--bad' : ''}`}
      data-testid={testIds.droppedIndicator}
      title="Histogram updates lost: kernel map full (kernel), or intervals this browser missed (agent)"
    >
      {formatInteger(dropped)} dropped
    </span>
  );

  return (
    <>
      {hidden || inPanel ? null : (
        <div className="toolbar">
          <SessionStatus status={status} cost={session.cost} />
          <span className="toolbar__spacer" />
          {droppedPill}
        </div>
      )}
      <HeatMapView
        frames={session.frames}
        measure={tool.heatMap?.measure ?? 'latency'}
        onShare={(request) => saveSnapshot.heatMap(status, request)}
        hidden={hidden}
        exactFrom={tool.heatMap?.rows?.everyEvent && rowValue ? { rows: session.rows, value: rowValue } : undefined}
        onShowRows={onShowRows}
        toolbarStatus={
          inPanel && !hidden ? (
            <>
              <SessionStatus status={status} cost={session.cost} />
              {droppedPill}
            </>
          ) : undefined
        }
      />
    </>
  );
}
