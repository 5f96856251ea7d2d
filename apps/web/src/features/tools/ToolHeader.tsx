// A tool's header: what it shows in one line and whether it works on this host;
// how it works (hooks, what they miss, every attach method's verdict) behind a
// disclosure, so the data starts right below.
import { useMemo } from 'react';
import type { ToolInfo } from '../../api/types';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { supportAcrossHosts } from './toolCatalog';

export function ToolHeader({ tool }: { tool: ToolInfo }) {
  const address = useAppStore(activeHost);
  const hosts = useAppStore((state) => state.hosts);
  const catalogs = useAppStore((state) => state.catalogs);
  const elsewhere = useMemo(
    () =>
      supportAcrossHosts(
        tool.name,
        hosts.filter((host) => host !== address),
        catalogs,
      ),
    [tool.name, hosts, address, catalogs],
  );
  const { support } = tool;

  return (
    <header className="tool-view__header">
      <div className="tool-view__title">
        <h2 data-testid={testIds.toolTitle}>
          {tool.name} <span className="muted">{tool.title}</span>
        </h2>
        <span className="muted tool-view__description" title={tool.description}>
          {tool.description}
        </span>
      </div>
      <p className={`support ${support.available ? 'support--ok' : 'support--no'}`} data-testid={testIds.toolSupport}>
        {support.available
          ? `Works on ${address}: attaches with ${support.attachMethod}`
          : `Unavailable on ${address}: ${support.reason ?? 'no attach method works on this kernel'}`}
        {elsewhere.length > 0 ? (
          <span className="muted" data-testid={testIds.toolSupportElsewhere}>
            {' '}
            · other hosts:{' '}
            {elsewhere.map((host, index) => (
              <span key={host.address} className={`verdict verdict--${host.verdict}`} title={host.detail}>
                {index > 0 ? ' · ' : ''}
                {host.address}{' '}
                {host.verdict === 'works' ? `works (${host.detail})` : host.verdict === 'unavailable' ? `unavailable: ${host.detail}` : host.detail}
              </span>
            ))}
          </span>
        ) : null}
      </p>
      {/* A fallback that sees less than a preferred method says what, on this host (cachestat without page accesses). */}
      {support.available && support.limitation ? (
        <p className="support support--limited" data-testid={testIds.toolLimitation}>
          With {support.attachMethod} here: {support.limitation}
        </p>
      ) : null}
      <details className="tool-view__how" data-testid={testIds.toolHowItWorks} open={!support.available}>
        <summary>How this works</summary>
        {tool.howItWorks ? <p>{tool.howItWorks}</p> : null}
        <ul className="support__methods">
          {support.methods.map((method) => (
            <li key={method.method}>
              {method.method}: {method.available ? (method.method === support.attachMethod ? 'available, in use' : 'available') : method.reason}
            </li>
          ))}
        </ul>
        {support.methods.length > 1 ? <p className="muted">The first available method, in this order of preference, is used.</p> : null}
      </details>
    </header>
  );
}
