// One panel of a dashboard: its title (what, on which host), layout controls, and the view itself, given
// the panel's scope so it reads the panel's host and view as a page's view reads the URL's.
import { useMemo, useRef } from 'react';
import type { DashboardPanel as Panel } from '../../state/dashboard';
import { DASHBOARD_COLUMNS, MAX_PANEL_HEIGHT } from '../../state/dashboard';
import { useAppStore } from '../../state/storeContext';
import type { ShownView } from '../../state/urlState';
import { panelScope, ViewScopeProvider } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { hostNameOf } from '../hosts/pageTitle';
import { RetryHost } from '../hosts/RetryHost';
import { TokenPrompt } from '../hosts/TokenPrompt';
import { OVERVIEW_PANELS, OverviewPanel } from '../overview/OverviewPanels';
import { PanelSizeContext, useElementHeight } from '../panelSize';
import { ToolOutput } from '../tools/ToolView';

/** What a table tool's panel shows, in its title. */
const SHOWN_NAMES: Record<ShownView, string> = { table: 'table', heatmap: 'heat map', timeseries: 'time series' };

interface DashboardPanelProps {
  panel: Panel;
  first: boolean;
  last: boolean;
}

export function DashboardPanel({ panel, first, last }: DashboardPanelProps) {
  const scope = useMemo(() => panelScope(panel.id), [panel.id]);
  const host = panel.view.hosts[0] ?? '';
  const hostname = useAppStore((state) => hostNameOf(state.statuses[host]));
  const movePanel = useAppStore((state) => state.movePanel);
  const resizePanel = useAppStore((state) => state.resizePanel);
  const removePanel = useAppStore((state) => state.removePanel);
  const openTool = useAppStore((state) => state.openTool);
  const selectHost = useAppStore((state) => state.selectHost);
  const bodyRef = useRef<HTMLDivElement>(null);
  const bodyHeight = useElementHeight(bodyRef);
  const size = useMemo(() => ({ height: bodyHeight }), [bodyHeight]);
  const what = panel.overview ? OVERVIEW_PANELS[panel.overview] : `${panel.view.tool ?? ''}${panel.view.show ? ` ${SHOWN_NAMES[panel.view.show]}` : ''}`;
  const open = () => {
    if (panel.overview) {
      selectHost(host);
      return;
    }
    const { tool, params, show, windowSeconds, selection } = panel.view;
    if (tool)
      openTool(tool, {
        host,
        params,
        ...(show ? { show } : {}),
        ...(windowSeconds !== undefined ? { windowSeconds } : {}),
        ...(selection ? { selection } : {}),
      });
  };

  return (
    <section
      className="dashboard-panel"
      style={{ gridColumn: `span ${panel.width}`, gridRow: `span ${panel.height}` }}
      data-testid={testIds.dashboardPanel(panel.id)}
      data-host={host}
      data-what={panel.overview ?? panel.view.tool}
      aria-label={`${what} on ${hostname ?? host}`}
    >
      <header className="dashboard-panel__header">
        <button type="button" className="link-button dashboard-panel__title" data-testid={testIds.panelOpen} title="Open this view on its own" onClick={open}>
          <strong>{what}</strong> <span className="muted">· {hostname ? `${hostname} (${host})` : host}</span>
        </button>
        <span className="toolbar__spacer" />
        <span className="dashboard-panel__controls">
          <button
            type="button"
            className="icon-button"
            data-testid={testIds.panelMove('earlier')}
            disabled={first}
            aria-label="Move earlier"
            title="Move earlier"
            onClick={() => movePanel(panel.id, -1)}
          >
            ←
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid={testIds.panelMove('later')}
            disabled={last}
            aria-label="Move later"
            title="Move later"
            onClick={() => movePanel(panel.id, 1)}
          >
            →
          </button>
          <select
            data-testid={testIds.panelWidth}
            aria-label="Width in columns"
            title="Width, in columns of the grid"
            value={panel.width}
            onChange={(event) => resizePanel(panel.id, { width: Number(event.target.value) })}
          >
            {Array.from({ length: DASHBOARD_COLUMNS }, (_, index) => (
              <option key={index} value={index + 1}>
                {index + 1} wide
              </option>
            ))}
          </select>
          <select
            data-testid={testIds.panelHeight}
            aria-label="Height in rows"
            title="Height, in rows of the grid"
            value={panel.height}
            onChange={(event) => resizePanel(panel.id, { height: Number(event.target.value) })}
          >
            {Array.from({ length: MAX_PANEL_HEIGHT }, (_, index) => (
              <option key={index} value={index + 1}>
                {index + 1} high
              </option>
            ))}
          </select>
          <button
            type="button"
            className="icon-button"
            data-testid={testIds.panelRemove}
            aria-label="Remove panel"
            title="Remove panel"
            onClick={() => removePanel(panel.id)}
          >
            ✕
          </button>
        </span>
      </header>
      <div className="dashboard-panel__body" ref={bodyRef}>
        <PanelSizeContext.Provider value={size}>
          <ViewScopeProvider scope={scope}>
            <PanelContent panel={panel} host={host} />
          </ViewScopeProvider>
        </PanelSizeContext.Provider>
      </div>
    </section>
  );
}

/** What stands between the panel and its view (no token, host down, no such tool), or the view. */
function PanelContent({ panel, host }: { panel: Panel; host: string }) {
  const status = useAppStore((state) => state.statuses[host]);
  const catalog = useAppStore((state) => state.catalogs[host]);
  if (status?.state === 'no-token') return <TokenPrompt address={host} reason="No token is stored for this host." />;
  if (status?.state === 'error' && catalog?.state !== 'loaded') {
    return (
      <div className="banner banner--error" role="alert" data-testid={testIds.hostProblem}>
        {status.problem.message} {status.problem.kind === 'unauthorized' ? null : <RetryHost address={host} />}
        {status.problem.kind === 'unauthorized' ? <TokenPrompt address={host} reason="The stored token was refused." /> : null}
      </div>
    );
  }
  if (catalog?.state === 'error') {
    return (
      <div className="banner banner--error" role="alert" data-testid={testIds.hostProblem}>
        {catalog.problem.message} <RetryHost address={host} />
      </div>
    );
  }
  if (catalog?.state !== 'loaded') return <p className="placeholder">Connecting to {host}…</p>;
  if (panel.overview) return <OverviewPanel name={panel.overview} />;
  const tool = catalog.tools.find((candidate) => candidate.name === panel.view.tool);
  if (!tool)
    return (
      <p className="banner banner--warn">
        {host} has no tool named “{panel.view.tool}”.
      </p>
    );
  if (!tool.support.available) {
    return (
      <p className="muted" data-testid={testIds.toolSupport}>
        {tool.name} cannot run on {host}: {tool.support.reason ?? 'no attach method works on this kernel'}
      </p>
    );
  }
  return <ToolOutput tool={tool} />;
}
