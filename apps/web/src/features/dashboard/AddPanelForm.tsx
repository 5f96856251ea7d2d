// Adds a panel to the dashboard: which host, then what (a tool of that host's catalog, or a panel of its
// overview), and for a tool with both a table and a heat map, which of the two.
import { useState } from 'react';
import type { NewPanel, OverviewPanelName } from '../../state/dashboard';
import { OVERVIEW_PANEL_NAMES } from '../../state/dashboard';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { hostNameOf } from '../hosts/pageTitle';
import { OVERVIEW_PANELS } from '../overview/OverviewPanels';

export function AddPanelForm({ onAdded }: { onAdded(): void }) {
  const hosts = useAppStore((state) => state.hosts);
  const statuses = useAppStore((state) => state.statuses);
  const catalogs = useAppStore((state) => state.catalogs);
  const active = useAppStore(activeHost);
  const addPanel = useAppStore((state) => state.addPanel);
  const [host, setHost] = useState(active ?? hosts[0] ?? '');
  const [what, setWhat] = useState('overview:use');
  const [show, setShow] = useState<'heatmap' | 'table'>('heatmap');
  const catalog = catalogs[host];
  const tools = catalog?.state === 'loaded' ? catalog.tools : [];
  const toolName = what.startsWith('tool:') ? what.slice('tool:'.length) : undefined;
  const tool = tools.find((candidate) => candidate.name === toolName);
  const both = tool?.outputKind === 'table' && tool.heatMap !== null;

  const add = () => {
    if (!host) return;
    let panel: NewPanel;
    if (toolName) {
      panel = { host, tool: toolName, ...(both ? { show } : {}) };
      // A capture needs room for its FlameScope and flame graph.
      if (tool?.outputKind === 'stacks') panel.height = 4;
    } else {
      panel = { host, overview: what.slice('overview:'.length) as OverviewPanelName };
    }
    addPanel(panel);
    onAdded();
  };

  return (
    <form
      className="toolbar add-panel"
      onSubmit={(event) => {
        event.preventDefault();
        add();
      }}
    >
      <label className="muted">
        host{' '}
        <select data-testid={testIds.panelHost} value={host} onChange={(event) => setHost(event.target.value)}>
          {hosts.map((address) => {
            const name = hostNameOf(statuses[address]);
            return (
              <option key={address} value={address}>
                {name ? `${name} (${address})` : address}
              </option>
            );
          })}
        </select>
      </label>
      <label className="muted">
        shows{' '}
        <select data-testid={testIds.panelKind} value={what} onChange={(event) => setWhat(event.target.value)}>
          <optgroup label="Host overview">
            {OVERVIEW_PANEL_NAMES.map((name) => (
              <option key={name} value={`overview:${name}`}>
                {OVERVIEW_PANELS[name]}
              </option>
            ))}
          </optgroup>
          <optgroup label={tools.length > 0 ? 'Tools' : 'Tools (once the host answers with a token)'}>
            {tools.map((candidate) => (
              <option key={candidate.name} value={`tool:${candidate.name}`} disabled={!candidate.support.available}>
                {candidate.name}
                {candidate.support.available ? '' : ' (unavailable)'}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      {both ? (
        <label className="muted">
          as{' '}
          <select data-testid={testIds.panelShow} value={show} onChange={(event) => setShow(event.target.value as 'heatmap' | 'table')}>
            <option value="heatmap">heat map ({tool.heatMap?.measure})</option>
            <option value="table">table</option>
          </select>
        </label>
      ) : null}
      <button type="submit" className="button button--primary" data-testid={testIds.panelAdd} disabled={!host}>
        Add
      </button>
      <span className="muted">Resize, reorder or remove it from its title bar; its params: open it on its own.</span>
    </form>
  );
}
