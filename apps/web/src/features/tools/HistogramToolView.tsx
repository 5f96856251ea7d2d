// A heat-map tool on the active host (biolatency, runqlat...): its params, the
// live session's state, and the heat map of its histograms.
import type { ToolInfo } from '../../api/types';
import { useScopedView, useViewActions, useViewScope } from '../../state/viewScope';
import { LiveHeatMap } from '../heatmap/LiveHeatMap';
import { ParamsForm } from '../params/ParamsForm';
import { refusedParams, SessionBanners } from '../session/SessionBanners';
import { useLiveSession } from '../session/useLiveSession';

export function HistogramToolView({ tool }: { tool: ToolInfo }) {
  const params = useScopedView((view) => view.params);
  const { setParams } = useViewActions();
  const inPanel = useViewScope().kind === 'panel';
  const session = useLiveSession(tool);

  return (
    <>
      {inPanel ? null : (
        <ParamsForm schema={tool.paramsJsonSchema} tool={tool.name} params={params} onApply={setParams} serverError={refusedParams(session.status)} />
      )}
      <SessionBanners session={session} />
      <LiveHeatMap tool={tool} session={session} />
    </>
  );
}
