// A dashboard: its name, one time axis for every panel (the window shown, or a range dragged on any heat
// map), the grid of panels, and a form to add one. Everything lives in the link ("Copy link").
import { formatClockTime } from '@bpfscope/charts';
import { useState } from 'react';
import type { Dashboard } from '../../state/dashboard';
import { BUILT_IN_DASHBOARDS, dashboardNamePattern, isBuiltInDashboard, MAX_PANELS } from '../../state/dashboard';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { AddPanelForm } from './AddPanelForm';
import { DashboardPanel } from './DashboardPanel';
import { WindowSelect } from '../WindowSelect';

/** Heat-map panels show this much of the past unless the dashboard says otherwise. */
export const DASHBOARD_WINDOW_SECONDS = 900;

export function DashboardView({ dashboard }: { dashboard: Dashboard }) {
  const windowSeconds = useAppStore((state) => state.view.windowSeconds) ?? DASHBOARD_WINDOW_SECONDS;
  const selection = useAppStore((state) => state.view.selection);
  const setWindow = useAppStore((state) => state.setWindow);
  const setSelection = useAppStore((state) => state.setSelection);
  const [adding, setAdding] = useState(dashboard.panels.length === 0);
  const full = dashboard.panels.length >= MAX_PANELS;
  const hosts = new Set(dashboard.panels.map((panel) => panel.view.hosts[0]));

  return (
    <section className="dashboard" aria-label="Dashboard" data-testid={testIds.dashboard} data-panels={dashboard.panels.length}>
      <div className="toolbar dashboard__header">
        <DashboardName name={dashboard.name} />
        <span className="muted">
          {dashboard.panels.length} panel{dashboard.panels.length === 1 ? '' : 's'} on {hosts.size} host{hosts.size === 1 ? '' : 's'}
        </span>
        <span className="toolbar__spacer" />
        {selection ? (
          <span data-testid={testIds.dashboardSelection}>
            Selected {formatClockTime(selection.from)} – {formatClockTime(selection.to)} on every panel{' '}
            <button type="button" className="button button--small" onClick={() => setSelection(undefined)}>
              Clear
            </button>
          </span>
        ) : (
          <span className="muted" title="Drag across any heat map: the range is selected on every panel, whatever its host">
            drag across a heat map to select a range on every panel
          </span>
        )}
        <WindowSelect value={windowSeconds} onChange={setWindow} testId={testIds.dashboardWindow} />
        <button
          type="button"
          className="button"
          data-testid={testIds.dashboardAddPanel}
          aria-expanded={adding}
          disabled={full}
          title={full ? `A dashboard holds at most ${MAX_PANELS} panels` : 'Add a panel: a tool or an overview panel, on any host'}
          onClick={() => setAdding((open) => !open)}
        >
          Add panel
        </button>
      </div>
      {adding && !full ? <AddPanelForm onAdded={() => setAdding(false)} /> : null}
      {dashboard.panels.length === 0 ? (
        <p className="placeholder">No panels yet: add one above (a tool&apos;s table, heat map or capture, or an overview panel, on any host).</p>
      ) : (
        <div className="dashboard__grid">
          {dashboard.panels.map((panel, index) => (
            <DashboardPanel key={panel.id} panel={panel} first={index === 0} last={index === dashboard.panels.length - 1} />
          ))}
        </div>
      )}
    </section>
  );
}

/** The dashboard's name, editable: a built-in keeps its name until renamed. */
function DashboardName({ name }: { name: string }) {
  const renameDashboard = useAppStore((state) => state.renameDashboard);
  const [draft, setDraft] = useState<string>();
  const title = isBuiltInDashboard(name) ? BUILT_IN_DASHBOARDS[name].title : name;
  const value = draft ?? title;
  const valid = dashboardNamePattern.test(value);
  const commit = () => {
    if (draft !== undefined && valid && draft !== title) renameDashboard(draft);
    setDraft(undefined);
  };
  return (
    <input
      className={`dashboard__name ${valid ? '' : 'input--invalid'}`}
      data-testid={testIds.dashboardName}
      aria-label="Dashboard name"
      title={valid ? 'Rename the dashboard (it is in the link)' : 'Letters, digits, spaces, _ . and -, at most 48'}
      value={value}
      maxLength={48}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
        if (event.key === 'Escape') setDraft(undefined);
      }}
    />
  );
}
