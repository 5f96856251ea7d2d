// A table tool on the active host (execsnoop, tcplife...): its params, the live
// session's state, and its live table, or the heat map or time series beside it
// when it has one.
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
import { TimeSeriesView } from '../timeseries/TimeSeriesView';

export function TableToolView({ tool }: { tool: ToolInfo }) {
  const params = useScopedView((view) => view.params);
  const show = useScopedView((view) => view.show);
  const { setParams, setShow } = useViewActions();
  // A dashboard panel is the view alone: its params and tab are the panel's, set when it was added.
  const inPanel = useViewScope().kind === 'panel';
  const session = useLiveSession(tool);
  const { heatMap, timeSeries } = tool;
  const showHeatMap = heatMap !== null && show === 'heatmap';
  const showTimeSeries = timeSeries !== null && show === 'timeseries';
  const showTable = !showHeatMap && !showTimeSeries;
  const unit = session.frames[0]?.unit ?? 'usecs';
  const rowValue = useMemo(() => rowValueSpec(heatMap, unit), [heatMap, unit]);

  return (
    <>
      {inPanel ? null : (
        <ParamsForm schema={tool.paramsJsonSchema} tool={tool.name} params={params} onApply={setParams} serverError={refusedParams(session.status)} />
      )}
      <SessionBanners session={session} />
      {(heatMap !== null || timeSeries !== null) && !inPanel ? (
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            className={`tab ${showTable ? 'tab--active' : ''}`}
            aria-selected={showTable}
            data-testid={testIds.viewTable}
            onClick={() => setShow('table')}
          >
            Table
          </button>
          {heatMap !== null ? (
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
          ) : null}
          {timeSeries !== null ? (
            <button
              type="button"
              role="tab"
              className={`tab ${showTimeSeries ? 'tab--active' : ''}`}
              aria-selected={showTimeSeries}
              data-testid={testIds.viewTimeSeries}
              onClick={() => setShow('timeseries')}
            >
              Time series
            </button>
          ) : null}
        </div>
      ) : null}
      {/* Kept laid out while the table is shown, so switching back to it only draws. */}
      {heatMap !== null ? (
        <LiveHeatMap tool={tool} session={session} hidden={!showHeatMap} rowValue={rowValue} onShowRows={rowValue ? () => setShow('table') : undefined} />
      ) : null}
      {showTimeSeries ? <TimeSeriesView tool={tool} rows={session.rows} /> : null}
      {showTable ? <LiveTableView tool={tool} session={session} rowValue={rowValue} /> : null}
    </>
  );
}
