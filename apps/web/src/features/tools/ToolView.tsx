// One tool on one host: where it stands on this kernel, its params, and its live table.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { ToolInfo } from '../../api/types';
import { activeHost } from '../../state/appStore';
import { DEFAULT_ROW_CAP } from '../../state/liveRows';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { HeatMapView } from '../heatmap/HeatMapView';
import { ProfileView } from '../flamegraph/ProfileView';
import type { ShareRequest } from '../heatmap/HeatMapView';
import { clientFor } from '../../api/clients';
import { describeAgentError } from '../../api/agentClient';
import { encodeViewState } from '../../state/urlState';
import { ParamsForm } from '../params/ParamsForm';
import { downloadFile, exportFileName } from '../download';
import { rowsToCsv, rowsToJson } from '../table/exportRows';
import type { DisplayColumn } from '../table/formatCell';
import { columnSpecs } from '../table/formatCell';
import { LiveTable } from '../table/LiveTable';
import { filterRows, sortRows } from '../table/tableModel';
import { useLiveSession } from '../table/useLiveSession';
import { supportAcrossHosts } from './toolCatalog';

const ROW_CAPS = [1_000, 10_000, DEFAULT_ROW_CAP, 1_000_000];
const number = new Intl.NumberFormat('en-US');

export function ToolView({ tool }: { tool: ToolInfo }) {
  const view = useAppStore((state) => state.view);
  const address = useAppStore(activeHost);
  const token = useAppStore((state) => (address ? state.tokens[address] : undefined));
  const setParams = useAppStore((state) => state.setParams);
  const setFilter = useAppStore((state) => state.setFilter);
  const setColumnFilter = useAppStore((state) => state.setColumnFilter);
  const toggleSort = useAppStore((state) => state.toggleSort);
  const discardUnknownColumns = useAppStore((state) => state.discardUnknownColumns);
  const setShow = useAppStore((state) => state.setShow);
  const hosts = useAppStore((state) => state.hosts);
  const catalogs = useAppStore((state) => state.catalogs);
  const elsewhere = useMemo(() => supportAcrossHosts(tool.name, hosts.filter((host) => host !== address), catalogs), [tool.name, hosts, address, catalogs]);
  const filterRef = useRef<HTMLInputElement>(null);
  const stackTool = tool.outputKind === 'stacks';
  const session = useLiveSession({ address, token, tool: tool.name, params: view.params, enabled: tool.support.available && !stackTool });
  const { live, status, counters } = session;

  const columns = tool.columns as DisplayColumn[];
  // A link's sort and column filters can only be checked against the tool's columns once they are known.
  useEffect(() => discardUnknownColumns(columns.map((column) => column.key)), [columns, discardUnknownColumns]);
  const specs = useMemo(() => columnSpecs(columns), [columns]);
  const query = useMemo(() => ({ filter: view.filter, columnFilters: view.columnFilters, sort: view.sort }), [view.filter, view.columnFilters, view.sort]);
  // Re-derived when rows change (at most every 150 ms) or the query does.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const shown = useMemo(() => sortRows(filterRows(live.rows, specs, query), specs, query), [session.version, live, specs, query]);

  const togglePause = useCallback(() => {
    if (live.paused) live.resume();
    else live.pause();
    session.refresh();
  }, [live, session]);

  const showHeatMapRef = useRef(false);
  showHeatMapRef.current = tool.outputKind === 'histogram' || (tool.heatMap !== null && view.show === 'heatmap');
  // Keyboard: "/" filters, space pauses (outside inputs), Escape clears the filter.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const typing = target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA';
      if (event.key === '/' && !typing) {
        event.preventDefault();
        filterRef.current?.focus();
      } else if (event.key === ' ' && !typing && target.tagName !== 'BUTTON' && !showHeatMapRef.current) {
        event.preventDefault();
        togglePause();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [togglePause]);

  const share = async (request: ShareRequest): Promise<string> => {
    if (!address || !token || status.phase !== 'streaming') throw new Error('the session is not live');
    try {
      const created = await clientFor(address, token).snapshots.create.mutate({ sessionId: status.started.id, ...request });
      window.dispatchEvent(new Event('bpfscope:snapshots-changed'));
      const { selection: _selection, series: _series, ...rest } = view;
      const linked = { ...rest, show: 'heatmap' as const, snapshot: created.id, ...(request.selection ? { selection: request.selection } : {}), ...(request.series !== undefined ? { series: request.series } : {}) };
      return `${window.location.origin}${window.location.pathname}${encodeViewState(linked)}`;
    } catch (error) {
      throw new Error(describeAgentError(error, address).message);
    }
  };

  const download = (format: 'csv' | 'json') => {
    const text = format === 'csv' ? rowsToCsv(columns, shown) : rowsToJson(columns, shown);
    downloadFile(exportFileName(tool.name, address ?? 'host', format), text, format === 'csv' ? 'text/csv' : 'application/json');
  };

  const support = tool.support;
  const heatMapOnly = tool.outputKind === 'histogram';
  const showHeatMap = heatMapOnly || (tool.heatMap !== null && view.show === 'heatmap');
  const dropped = live.droppedByCap + counters.droppedForViewer + counters.kernelDrops;
  const filtered = view.filter !== '' || Object.keys(view.columnFilters).length > 0;

  return (
    <section className="tool-view" aria-label={tool.title}>
      <header className="tool-view__header">
        <h2 data-testid={testIds.toolTitle}>
          {tool.name} <span className="muted">{tool.title}</span>
        </h2>
        <p className="muted">{tool.description}</p>
        <p className={`support ${support.available ? 'support--ok' : 'support--no'}`} data-testid={testIds.toolSupport}>
          {support.available
            ? `Works on ${address}: attaches with ${support.attachMethod}${support.methods.length > 1 ? ` (preferred order ${support.methods.map((method) => method.method).join(' > ')})` : ''}`
            : `Unavailable on ${address}: ${support.reason ?? 'no attach method works on this kernel'}`}
        </p>
        {!support.available ? (
          <ul className="support__methods">
            {support.methods.map((method) => (
              <li key={method.method}>
                {method.method}: {method.available ? 'available' : method.reason}
              </li>
            ))}
          </ul>
        ) : null}
        {elsewhere.length > 0 ? (
          <p className="muted" data-testid={testIds.toolSupportElsewhere}>
            Other hosts:{' '}
            {elsewhere.map((host, index) => (
              <span key={host.address} className={`verdict verdict--${host.verdict}`} title={host.detail}>
                {index > 0 ? ' · ' : ''}
                {host.address} {host.verdict === 'works' ? `works (${host.detail})` : host.verdict === 'unavailable' ? `unavailable: ${host.detail}` : host.detail}
              </span>
            ))}
          </p>
        ) : null}
      </header>

      <ParamsForm
        schema={tool.paramsJsonSchema}
        params={view.params}
        onApply={setParams}
        serverError={status.phase === 'error' && status.problem.kind === 'invalid' ? status.problem.message : undefined}
      />

      {!stackTool && status.phase === 'error' && status.problem.kind !== 'invalid' ? (
        <div className="banner banner--error" role="alert" data-testid={testIds.sessionError}>
          <strong>{problemTitle(status.problem.kind)}</strong> {status.problem.message}{' '}
          <button type="button" className="button" data-testid={testIds.rerun} onClick={session.restart}>
            Retry
          </button>
        </div>
      ) : null}
      {status.phase === 'ended' ? (
        <div className="banner" role="status">
          Stopped: {status.reason}.{' '}
          <button type="button" className="button" data-testid={testIds.rerun} onClick={session.restart}>
            Run again
          </button>
        </div>
      ) : null}

      {stackTool ? <ProfileView tool={tool} /> : null}

      {!stackTool && tool.heatMap !== null && !heatMapOnly ? (
        <div className="tabs" role="tablist">
          <button type="button" role="tab" className={`tab ${showHeatMap ? '' : 'tab--active'}`} aria-selected={!showHeatMap} data-testid={testIds.viewTable} onClick={() => setShow('table')}>
            Table
          </button>
          <button type="button" role="tab" className={`tab ${showHeatMap ? 'tab--active' : ''}`} aria-selected={showHeatMap} data-testid={testIds.viewHeatMap} onClick={() => setShow('heatmap')}>
            Heat map ({tool.heatMap.measure})
          </button>
        </div>
      ) : null}

      {stackTool || !showHeatMap ? null : (
        <div className="toolbar">
          <span className="muted" data-testid={testIds.sessionStatus}>
            {sessionText(status)}
          </span>
          <span className="toolbar__spacer" />
          <span className={`pill ${counters.kernelDrops + counters.droppedFramesForViewer > 0 ? 'pill--bad' : ''}`} data-testid={testIds.droppedIndicator} title="Histogram updates lost: kernel map full (kernel), or intervals this browser missed (agent)">
            {number.format(counters.kernelDrops + counters.droppedFramesForViewer)} dropped
          </span>
        </div>
      )}
      {/* Kept laid out while the table is shown, so switching back to it only draws. */}
      {stackTool || (tool.heatMap === null && !heatMapOnly) ? null : (
        <HeatMapView frames={session.frames} measure={tool.heatMap?.measure ?? 'latency'} onShare={share} hidden={!showHeatMap} />
      )}
      {stackTool || showHeatMap ? null : (
        <>
        <div className="toolbar" role="toolbar" aria-label="Table controls">
          <input
            ref={filterRef}
            className="toolbar__filter"
            data-testid={testIds.tableFilter}
            placeholder="Filter all columns  ( / )"
            aria-label="Filter all columns"
            value={view.filter}
            maxLength={512}
            onChange={(event) => setFilter(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setFilter('');
            }}
          />
          <button type="button" className="button" data-testid={testIds.pauseButton} onClick={togglePause} aria-pressed={live.paused} title="Pause or resume the table (space); the stream keeps running">
            {live.paused ? 'Resume' : 'Pause'}
          </button>
          {live.paused ? (
            <span className="pill pill--warn" data-testid={testIds.waitingCount}>
              {number.format(live.waitingCount)} waiting
            </span>
          ) : null}
          <span className="muted" data-testid={testIds.sessionStatus}>
            {sessionText(status)}
          </span>
          <span className="toolbar__spacer" />
          <span data-testid={testIds.rowCount} className="muted">
            {filtered ? `${number.format(shown.length)} of ` : ''}
            {number.format(live.rows.length)} rows
          </span>
          <span
            className={`pill ${dropped > 0 ? 'pill--bad' : ''}`}
            data-testid={testIds.droppedIndicator}
            title={`Rows lost, by where: kept under this table's row cap ${number.format(live.droppedByCap)}; agent queue for this viewer (browser or network too slow) ${number.format(counters.droppedForViewer)}; kernel ring buffer full ${number.format(counters.kernelDrops)}`}
          >
            {number.format(dropped)} dropped
            {dropped > 0
              ? ` (cap ${number.format(live.droppedByCap)} · agent ${number.format(counters.droppedForViewer)} · kernel ${number.format(counters.kernelDrops)})`
              : ''}
          </span>
          <label className="muted">
            cap{' '}
            <select
              data-testid={testIds.rowCap}
              value={live.cap}
              onChange={(event) => {
                live.setCap(Number(event.target.value));
                session.refresh();
              }}
            >
              {ROW_CAPS.map((cap) => (
                <option key={cap} value={cap}>
                  {number.format(cap)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button" data-testid={testIds.exportCsv} onClick={() => download('csv')} title="Download the rows shown (filtered and sorted) as CSV">
            CSV
          </button>
          <button type="button" className="button" data-testid={testIds.exportJson} onClick={() => download('json')} title="Download the rows shown (filtered and sorted) as JSON">
            JSON
          </button>
        </div>

        <LiveTable columns={columns} rows={shown} view={view} onToggleSort={toggleSort} onColumnFilter={setColumnFilter} />
        </>
      )}
    </section>
  );
}

function problemTitle(kind: string): string {
  switch (kind) {
    case 'unreachable':
      return 'Agent unreachable.';
    case 'unauthorized':
      return 'Unauthorized.';
    case 'forbidden':
      return 'Origin refused.';
    case 'unavailable':
      return 'Tool unavailable on this kernel.';
    case 'busy':
      return 'Agent busy.';
    default:
      return 'Failed.';
  }
}

function sessionText(status: ReturnType<typeof useLiveSession>['status']): string {
  switch (status.phase) {
    case 'idle':
      return 'not running';
    case 'starting':
      return 'attaching…';
    case 'streaming':
      if (status.reconnecting) return `reconnecting: ${status.reconnecting}`;
      return `live · ${status.started.attachMethod}${status.started.shared ? ' · shared with other viewers' : ''}`;
    case 'ended':
      return 'stopped';
    case 'error':
      return 'failed';
    default:
      return '';
  }
}
