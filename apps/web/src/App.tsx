// Layout: hosts and tools on the left, on the right the chosen host's overview (its landing view)
// or the chosen tool on it.
// Whatever stands between the user and rows (no token, refused token, unreachable
// agent, unknown tool) is said in the main pane, never a blank page.
import { useEffect, useState } from 'react';
import { DashboardList } from './features/dashboard/DashboardList';
import { DashboardView } from './features/dashboard/DashboardView';
import { FleetNavLink, FleetPage } from './features/fleet';
import { HostSidebar } from './features/hosts/HostSidebar';
import { hostNameOf } from './features/hosts/pageTitle';
import { RetryHost } from './features/hosts/RetryHost';
import { usePageTitle } from './features/hosts/usePageTitle';
import { TokenPrompt } from './features/hosts/TokenPrompt';
import { SnapshotList } from './features/snapshots/SnapshotList';
import { HostOverview } from './features/overview/HostOverview';
import { useHostOverview } from './features/overview/overviewFeed';
import { SnapshotView } from './features/snapshots/SnapshotView';
import { ToolPicker } from './features/tools/ToolPicker';
import { ToolView } from './features/tools/ToolView';
import { activeHost, activeToken } from './state/appStore';
import { useAppStore } from './state/storeContext';
import { testIds } from './testIds';

export function App() {
  const theme = useAppStore((state) => state.theme);
  const setTheme = useAppStore((state) => state.setTheme);
  const linkProblems = useAppStore((state) => state.linkProblems);
  const address = useAppStore(activeHost);
  const hostname = useAppStore((state) => (address ? hostNameOf(state.statuses[address]) : undefined));
  const catalog = useAppStore((state) => (address ? state.catalogs[address] : undefined));
  const selectedTool = useAppStore((state) => state.view.tool);
  const onDashboard = useAppStore((state) => state.view.dashboard !== undefined);
  const selectTool = useAppStore((state) => state.selectTool);
  const fleet = useAppStore((state) => state.view.fleet);
  const [copied, setCopied] = useState(false);
  usePageTitle();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      window.prompt('Copy this link', window.location.href);
    }
  };

  return (
    <div className="app" data-testid={testIds.app}>
      <header className="topbar">
        <span className="topbar__brand">bpfscope</span>
        {fleet ? (
          <span className="topbar__host">
            <strong>Fleet{fleet.group !== undefined ? `: ${fleet.group}` : ''}</strong>
          </span>
        ) : (
          <span className="topbar__host">
            {hostname ? <strong data-testid={testIds.hostName}>{hostname}</strong> : null}
            <span className="muted">{address ?? 'no host'}</span>
          </span>
        )}
        <span className="toolbar__spacer" />
        <button
          type="button"
          className="button"
          data-testid={testIds.copyLink}
          onClick={() => void copyLink()}
          title="Copy a link to this view (hosts, tool, params, filters, sort; never a token)"
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
        <button
          type="button"
          className="button"
          data-testid={testIds.themeToggle}
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      {linkProblems.length > 0 ? (
        <div className="banner banner--warn" role="status" data-testid={testIds.linkProblems}>
          Parts of this link could not be used: {linkProblems.join('; ')}.
        </div>
      ) : null}
      <aside className="sidebar">
        <FleetNavLink current={fleet !== undefined} />
        <HostSidebar />
        {catalog?.state === 'loaded' ? (
          <button
            type="button"
            className={`tool overview-link ${selectedTool || onDashboard || fleet ? '' : 'tool--selected'}`}
            data-testid={testIds.toolOverview}
            aria-current={selectedTool || onDashboard || fleet ? undefined : 'page'}
            onClick={() => selectTool(undefined)}
          >
            <span className="tool__name">Overview</span>
            <span className="tool__title">USE and the 60-second checklist</span>
          </button>
        ) : null}
        {address ? <DashboardList /> : null}
        {catalog?.state === 'loaded' ? <ToolPicker tools={catalog.tools} selected={selectedTool} onSelect={selectTool} /> : null}
        {catalog?.state === 'loaded' ? <SnapshotList /> : null}
      </aside>
      <main className="main">{fleet ? <FleetPage link={fleet} /> : <MainPane />}</main>
    </div>
  );
}

function MainPane() {
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const status = useAppStore((state) => (address ? state.statuses[address] : undefined));
  const catalog = useAppStore((state) => (address ? state.catalogs[address] : undefined));
  const toolName = useAppStore((state) => state.view.tool);
  const snapshotId = useAppStore((state) => state.view.snapshot);
  const dashboard = useAppStore((state) => state.view.dashboard);
  // The overview's hour is the biggest answer a page waits for: asked for while the host's catalog loads, not after.
  useHostOverview(!toolName && !dashboard && !snapshotId ? address : undefined, token);

  if (!address) return <p className="placeholder">Add a host (host:port of a bpfscope agent) on the left.</p>;
  // Each panel says what stands between it and its host; the active host's state is not the dashboard's.
  if (dashboard) return <DashboardView dashboard={dashboard} />;
  if (status?.state === 'no-token') return <TokenPrompt address={address} reason="No token is stored for this host." />;
  const hostWarning =
    status?.state === 'error' && catalog?.state === 'loaded' ? (
      <div className="banner banner--warn" role="status" data-testid={testIds.hostProblem}>
        {status.problem.message} <RetryHost address={address} />
      </div>
    ) : null;
  if (catalog?.state === 'error' || (status?.state === 'error' && catalog?.state !== 'loaded')) {
    const problem = status?.state === 'error' ? status.problem : catalog?.state === 'error' ? catalog.problem : undefined;
    return (
      <>
        <div className="banner banner--error" role="alert" data-testid={testIds.hostProblem}>
          {problem?.message} {problem?.kind === 'unauthorized' ? null : <RetryHost address={address} />}
        </div>
        {problem?.kind === 'unauthorized' ? <TokenPrompt address={address} reason="The stored token was refused." /> : null}
      </>
    );
  }
  if (catalog?.state !== 'loaded') return <p className="placeholder">Connecting to {address}…</p>;
  if (snapshotId) {
    // A heat-map tool's snapshot gets its chart laid out while the data loads.
    const snapshotTool = toolName ? catalog.tools.find((candidate) => candidate.name === toolName) : undefined;
    return <SnapshotView key={snapshotId} id={snapshotId} heatMapMeasure={snapshotTool?.heatMap?.measure} />;
  }
  if (!toolName) {
    return (
      <>
        {hostWarning}
        <HostOverview tools={catalog.tools} />
      </>
    );
  }
  const tool = catalog.tools.find((candidate) => candidate.name === toolName);
  if (!tool) {
    return (
      <div className="banner banner--error" role="alert" data-testid={testIds.hostProblem}>
        {address} has no tool named “{toolName}” (it offers {catalog.tools.map((candidate) => candidate.name).join(', ')}).
      </div>
    );
  }
  return (
    <>
      {hostWarning}
      <ToolView key={tool.name} tool={tool} />
    </>
  );
}
