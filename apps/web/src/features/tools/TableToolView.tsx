// A table tool on the active host (execsnoop, tcplife...): its params, the live
// session's state, and its live table, or the heat map beside it when it has one.
import { useMemo } from 'react';
import type { ToolInfo } from '../../api/types';
import { useScopedView, useViewActions, useViewScope } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { LiveHeatMap } from '../heatmap/LiveHeatMap';
import { ParamsForm } from '../params/ParamsForm';
import { refusedParams, SessionBanners } from '../session/SessionBanners';
import { useLiveSession } from '../session/useLiveSession';
import { LiveTableView } from '../table/LiveTableView';
import { rowValueSpec } from '../table/tableModel';

export function TableToolView({ tool }: { tool: ToolInfo }) {
  const params = useScopedView((view) => view.params);
  const show = useScopedView((view) => view.show);
  const { setParams, setShow } = useViewActions();
  // A dashboard panel is the view alone: its params and tab are the panel's, set when it was added.
  const inPanel = useViewScope().kind === 'panel';
  const session = useLiveSession(tool);
  const { heatMap } = tool;
  const showHeatMap = heatMap !== null && show === 'heatmap';
  const unit = session.frames[0]?.unit ?? 'usecs';
  const rowValue = useMemo(() => rowValueSpec(heatMap, unit), [heatMap, unit]);

  return (
    <>
      {inPanel ? null : <ParamsForm schema={tool.paramsJsonSchema} params={params} onApply={setParams} serverError={refusedParams(session.status)} />}
      <SessionBanners session={session} />
      {heatMap !== null && !inPanel ? (
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            className={`tab ${showHeatMap ? '' : 'tab--active'}`}
            aria-selected={!showHeatMap}
            data-testid={testIds.viewTable}
            onClick={() => setShow('table')}
          >
            Table
          </button>
          <button
            type="button"
            role="tab"
            className={`tab ${showHeatMap ? 'tab--active' : ''}`}
            aria-selected={showHeatMap}
            data-testid={testIds.viewHeatMap}
            onClick={() => setShow('heatmap')}
          >
            Heat map ({heatMap.measure})
          </button>
        </div>
      ) : null}
      {/* Kept laid out while the table is shown, so switching back to it only draws. */}
      {heatMap !== null ? (
        <LiveHeatMap tool={tool} session={session} hidden={!showHeatMap} rowValue={rowValue} onShowRows={rowValue ? () => setShow('table') : undefined} />
      ) : null}
      {showHeatMap ? null : <LiveTableView tool={tool} session={session} rowValue={rowValue} />}
    </>
  );
}
