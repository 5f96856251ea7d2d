// The sidebar's dashboards: the built-ins for the active host (or, when a link compares several hosts,
// for each of them), and a new empty one.
import { BUILT_IN_DASHBOARDS } from '../../state/dashboard';
import type { BuiltInDashboard } from '../../state/dashboard';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';

export function DashboardList() {
  const openDashboard = useAppStore((state) => state.openDashboard);
  const current = useAppStore((state) => state.view.dashboard?.name);
  return (
    <nav className="dashboards" aria-label="Dashboards" data-testid={testIds.dashboardList}>
      <h3 className="sidebar__heading">Dashboards</h3>
      <ul>
        {(Object.keys(BUILT_IN_DASHBOARDS) as BuiltInDashboard[]).map((name) => (
          <li key={name}>
            <button
              type="button"
              className={`tool ${current === name ? 'tool--selected' : ''}`}
              data-testid={testIds.openDashboard(name)}
              aria-current={current === name ? 'page' : undefined}
              onClick={() => openDashboard(name)}
            >
              <span className="tool__name">{BUILT_IN_DASHBOARDS[name].title}</span>
              <span className="tool__title">{BUILT_IN_DASHBOARDS[name].description}</span>
            </button>
          </li>
        ))}
        <li>
          <button type="button" className="tool" data-testid={testIds.openDashboard('new')} onClick={() => openDashboard('My dashboard')}>
            <span className="tool__name">New dashboard</span>
            <span className="tool__title">empty: add panels from any host</span>
          </button>
        </li>
      </ul>
    </nav>
  );
}
