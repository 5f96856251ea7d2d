// Issue 16's figure: the fleet view in Prometheus mode with 200 simulated hosts, from a fresh page opened on
// #/fleet?prometheus=…&job=bpfscope until every row is filled (goal ≤ 2 s), median of 7, the browser asking
// Prometheus itself and through an agent's PromQL proxy (--prometheus-url). The hosts' series are the agent's own
// registry over simulated hosts, two and a half hours at a 15 s scrape backfilled with promtool into a Prometheus of
// the bench's own (loopback, its own data dir, removed at the end); a 20-host fleet is the peer run, so the ratio
// says what 10× the hosts costs. PromQL requests are counted from the page's own requests: they must not grow with
// the hosts.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { backfillFleet, PrometheusServer } from '@bpfscope/agent/testing';
import type { BackfilledFleet } from '@bpfscope/agent/testing';
import { median, printTable, writeResult } from '@bpfscope/bench-kit';
import { testIds } from '@bpfscope/web/testIds';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startAgent } from '../support/globalSetup.ts';
import type { RunningAgent } from '../support/globalSetup.ts';

const HOSTS = 200;
const PEER_HOSTS = 20;
const RUNS = 7;
const GOAL_MS = 2000;
const JOB = 'bpfscope';
const STEP_SECONDS = 15;
/**
 * The samples run this far past the start of the bench: backfilled blocks hold only what was written, and the page
 * asks for the hour up to now, so "now" must stay inside the series for the whole run (Prometheus never answers an
 * instant query with a sample later than the time asked).
 */
const AHEAD_SECONDS = 30 * 60;
/** Two hours up to now, as a fleet that has been scraped a while, and the minutes ahead. */
const SPAN_SECONDS = 2 * 3600 + AHEAD_SECONDS;
/** After every row is filled, the page's first load is over well before its first refresh (every 15 s). */
const SETTLE_MS = 2000;
/** 30 times the goal: a page not filled by then is reported with what it says, and that mode's other runs are left out. */
const PAGE_TIMEOUT_MS = 60_000;
/** Each of the page's own queries is asked again alone this many times, for what each costs Prometheus. */
const REPLAYS = 3;

interface PageRun {
  /** null: never, within PAGE_TIMEOUT_MS. */
  firstRowMs: number | null;
  everyRowMs: number | null;
  /** Why every row was not filled: how many were, and the page's problems. */
  failure?: string;
  /** HTTP requests for PromQL from navigation until SETTLE_MS after every row was filled. */
  requests: number;
  /** PromQL queries in them (a tRPC batch can carry several). */
  queries: number;
  /** The 1-minute load average as the page was opened: other work on this 2-CPU machine slows Prometheus too. */
  loadAverage: number;
  /** The form bodies of the page's requests straight to Prometheus (query, time or start/end/step). */
  bodies: Array<{ endpoint: string; body: string }>;
}

type Mode = 'direct' | 'proxy';

interface Setup {
  fleet: BackfilledFleet;
  prometheus: PrometheusServer;
  backfillMs: number;
}

async function prometheusWithFleet(hosts: number): Promise<Setup> {
  const started = Date.now();
  const fleet = await backfillFleet({ hosts, end: Date.now() / 1000 + AHEAD_SECONDS, spanSeconds: SPAN_SECONDS, stepSeconds: STEP_SECONDS, job: JOB });
  const backfillMs = Date.now() - started;
  try {
    // A retention of a day keeps every block (the launcher's default of an hour would drop the oldest).
    const prometheus = await PrometheusServer.start({ dataDir: fleet.dataDir, flags: ['--storage.tsdb.retention.time=1d'] });
    // What the page will ask: every host up now. A simulation that missed a host would bench a smaller fleet.
    const up = await prometheus.query(`count(up{job="${JOB}"} == 1)`);
    if (up[0]?.value[1] !== String(hosts)) {
      await prometheus.stop();
      throw new Error(`Prometheus has ${up[0]?.value[1] ?? 'no'} of ${hosts} hosts up now`);
    }
    return { fleet, prometheus, backfillMs };
  } catch (error) {
    fleet.remove();
    throw error;
  }
}

/** The PromQL queries in a request of the page, or 0 for any other request. */
function promqlQueries(url: string, prometheus: string, proxy: string): number {
  if (url.startsWith(`${prometheus}/api/v1/query`)) return 1;
  if (!url.startsWith(`${proxy}/trpc/`)) return 0;
  const procedures = new URL(url).pathname.slice('/trpc/'.length).split(',');
  return procedures.filter((procedure) => procedure.startsWith('prometheus.query')).length;
}

/** A fresh context holding both agents' tokens, opening the fleet on `source`: the page's own clock, from its navigation start. */
async function openFleet(
  browser: Browser,
  agents: readonly RunningAgent[],
  page0: RunningAgent,
  source: string,
  hosts: number,
  prometheus: string,
  proxy: string,
  screenshot?: string,
): Promise<PageRun> {
  const loadAverage = loadavg()[0] as number;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(
      ({ tokens, count, id }) => {
        // Known hosts with their tokens, as the host list stores them (a token is read for a known host only).
        localStorage.setItem('bpfscope.hosts', JSON.stringify(tokens.map(([host]) => host)));
        for (const [host, token] of tokens) localStorage.setItem(`bpfscope.token:${host}`, token);
        // The first row filled and every row filled, from the start of the navigation (performance.now()'s origin).
        const window_ = window as unknown as { fleetFirstRowAt?: number; fleetFilledAt?: number };
        new MutationObserver(() => {
          const fleet = document.querySelector(`[data-testid="${id}"][data-source="prometheus"]`);
          if (!fleet) return;
          const filled = Number(fleet.getAttribute('data-filled'));
          if (window_.fleetFirstRowAt === undefined && filled >= 1) window_.fleetFirstRowAt = performance.now();
          if (window_.fleetFilledAt === undefined && filled === count && fleet.getAttribute('data-hosts') === String(count))
            window_.fleetFilledAt = performance.now();
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-filled', 'data-hosts', 'data-source'] });
      },
      { tokens: agents.map((agent) => [new URL(agent.url).host, agent.token] as [string, string]), count: hosts, id: testIds.fleet },
    );
    const page = await context.newPage();
    let requests = 0;
    let queries = 0;
    const bodies: PageRun['bodies'] = [];
    page.on('request', (request) => {
      const count = promqlQueries(request.url(), prometheus, proxy);
      if (count > 0) {
        requests += 1;
        queries += count;
      }
      const body = request.postData();
      if (request.url().startsWith(`${prometheus}/api/v1/`) && body !== null) bodies.push({ endpoint: new URL(request.url()).pathname, body });
    });
    await page.goto(`${page0.url}/#/fleet?prometheus=${encodeURIComponent(source)}&job=${JOB}`);
    // A page that never fills every row (a query that failed or timed out) is a figure too: what it showed, and why.
    const times = await page
      .waitForFunction(
        () => {
          const window_ = window as unknown as { fleetFirstRowAt?: number; fleetFilledAt?: number };
          return window_.fleetFilledAt !== undefined && { first: window_.fleetFirstRowAt as number, every: window_.fleetFilledAt };
        },
        undefined,
        { timeout: PAGE_TIMEOUT_MS },
      )
      .then((handle) => handle.jsonValue())
      .catch(() => false as const);
    if (times === false) {
      const fleet = page.getByTestId(testIds.fleet);
      const filled = (await fleet.getAttribute('data-filled', { timeout: 1000 }).catch(() => null)) ?? '0';
      const problems = await page
        .getByTestId(testIds.fleetPromProblems)
        .textContent({ timeout: 1000 })
        .catch(() => null);
      const firstRowMs = await page.evaluate(() => (window as unknown as { fleetFirstRowAt?: number }).fleetFirstRowAt ?? null);
      if (screenshot) await page.screenshot({ path: screenshot });
      const failure = `${filled} of ${hosts} rows filled after ${PAGE_TIMEOUT_MS / 1000} s; the page says: ${problems ?? 'no problem'}`;
      return { firstRowMs, everyRowMs: null, failure, requests, queries, loadAverage, bodies };
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    if (screenshot) await page.screenshot({ path: screenshot });
    return { firstRowMs: times.first, everyRowMs: times.every, requests, queries, loadAverage, bodies };
  } finally {
    await context.close();
  }
}

interface QueryCost {
  /** query or query_range, and the PromQL. */
  endpoint: string;
  query: string;
  /** Points asked for (range queries). */
  points: number;
  /** Wall time of Prometheus's answer, asked alone, median of REPLAYS. */
  ms: number;
}

/** Each query the page sent Prometheus, asked again alone, one after the other: what each costs by itself. */
async function replay(prometheus: PrometheusServer, bodies: PageRun['bodies']): Promise<QueryCost[]> {
  const costs: QueryCost[] = [];
  for (const { endpoint, body } of bodies) {
    const form = new URLSearchParams(body);
    const times: number[] = [];
    for (let round = 0; round < REPLAYS; round++) {
      const started = performance.now();
      const response = await fetch(`${prometheus.url}${endpoint}`, { method: 'POST', body: form });
      const answer = (await response.json()) as { status: string; error?: string };
      if (answer.status !== 'success') throw new Error(`the page's query ${form.get('query')} failed when asked again: ${answer.error}`);
      times.push(performance.now() - started);
    }
    const start = Number(form.get('start'));
    const points = form.has('step') ? Math.floor((Number(form.get('end')) - start) / Number(form.get('step'))) + 1 : 1;
    costs.push({ endpoint: endpoint.replace('/api/v1/', ''), query: form.get('query') ?? '', points, ms: median(times) });
  }
  return costs.sort((a, b) => b.ms - a.ms);
}

/** The median of the runs that got there; null when none did. */
function medianOf(values: ReadonlyArray<number | null>): number | null {
  const reached = values.filter((value): value is number => value !== null);
  return reached.length === 0 ? null : median(reached);
}

/** "812 ms (790, 812, …)", a run that never got there as —, and how many did not. */
function ms(values: ReadonlyArray<number | null>): string {
  const middle = medianOf(values);
  const missed = values.filter((value) => value === null).length;
  const all = values.map((value) => (value === null ? '—' : value.toFixed(0))).join(', ');
  return `${middle === null ? 'never' : `${middle.toFixed(0)} ms`} (${all})${missed > 0 ? `, ${missed} of ${values.length} runs never` : ''}`;
}

export async function benchFleetPrometheus(): Promise<void> {
  const setups: Setup[] = [];
  const agents: RunningAgent[] = [];
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    for (const hosts of [HOSTS, PEER_HOSTS]) setups.push(await prometheusWithFleet(hosts));
    // The run's agent serves the page and reads nothing itself; the proxy agent asks Prometheus for pages of its origin.
    const page0 = await startAgent(['--record', 'none']);
    agents.push(page0);
    const results: Record<string, { hosts: number; mode: Mode; runs: PageRun[] }> = {};
    const costs = new Map<number, QueryCost[]>();
    interface Config {
      mode: Mode;
      setup: Setup;
      proxy: RunningAgent;
      source: string;
      runs: PageRun[];
    }
    const configs: Config[] = [];
    for (const setup of setups) {
      const proxy = await startAgent(['--record', 'none', '--prometheus-url', setup.prometheus.url, '--allow-origin', page0.url]);
      agents.push(proxy);
      configs.push({ mode: 'direct', setup, proxy, source: setup.prometheus.url, runs: [] });
      configs.push({ mode: 'proxy', setup, proxy, source: `agent:${new URL(proxy.url).host}`, runs: [] });
    }
    // Round by round, each configuration once a round: other work on the machine then weighs on all of them alike.
    for (let round = 0; round < RUNS; round++) {
      for (const config of configs) {
        const { mode, setup, proxy, source, runs } = config;
        const hosts = setup.fleet.hosts.length;
        // A page that did not fill will not the next time either: its problem is the figure.
        if (runs.some((page) => page.failure)) continue;
        // What 200 rows look like, for people to look at (e2e/artifacts, git-ignored).
        const screenshot =
          round === RUNS - 1 && mode === 'direct' && hosts === HOSTS
            ? fileURLToPath(new URL(`../artifacts/53-fleet-prometheus-${HOSTS}-hosts.png`, import.meta.url))
            : undefined;
        const page = await openFleet(browser, [page0, proxy], page0, source, hosts, setup.prometheus.url, proxy.url, screenshot);
        runs.push(page);
        process.stderr.write(
          `${mode} ${hosts} hosts, run ${round + 1}: first row ${page.firstRowMs?.toFixed(0) ?? '—'} ms, ` +
            `every row ${page.everyRowMs?.toFixed(0) ?? '—'} ms, ${page.requests} PromQL requests, load average ${page.loadAverage.toFixed(1)}` +
            `${page.failure ? `: ${page.failure}` : ''}\n`,
        );
      }
    }
    for (const { mode, setup, runs } of configs) {
      results[`${mode}-${setup.fleet.hosts.length}`] = { hosts: setup.fleet.hosts.length, mode, runs };
      if (mode === 'direct') costs.set(setup.fleet.hosts.length, await replay(setup.prometheus, (runs.at(-1) as PageRun).bodies));
    }

    const run = (mode: Mode, hosts: number) => results[`${mode}-${hosts}`]?.runs ?? [];
    const every = (mode: Mode, hosts: number) => run(mode, hosts).map((page) => page.everyRowMs);
    const first = (mode: Mode, hosts: number) => run(mode, hosts).map((page) => page.firstRowMs);
    const requests = (mode: Mode, hosts: number) =>
      [...new Set(run(mode, hosts).map((page) => `${page.requests} requests, ${page.queries} queries`))].join(' / ');
    const ratio = (mode: Mode) => {
      const [big, peer] = [medianOf(every(mode, HOSTS)), medianOf(every(mode, PEER_HOSTS))];
      return big === null || peer === null ? null : big / peer;
    };
    const failure = (mode: Mode, hosts: number) => run(mode, hosts).find((page) => page.failure)?.failure;
    const [big, peer] = setups as [Setup, Setup];
    const summary = (mode: Mode, hosts: number) => ({
      pageOpenToFirstRowMs: { median: medianOf(first(mode, hosts)), all: first(mode, hosts) },
      pageOpenToEveryRowFilledMs: { median: medianOf(every(mode, hosts)), all: every(mode, hosts) },
      promqlRequests: run(mode, hosts).map((page) => page.requests),
      promqlQueries: run(mode, hosts).map((page) => page.queries),
      loadAverage: run(mode, hosts).map((page) => page.loadAverage),
      failure: failure(mode, hosts) ?? null,
    });
    const result = {
      hosts: HOSTS,
      peerHosts: PEER_HOSTS,
      runs: RUNS,
      goalMs: GOAL_MS,
      prometheus: {
        spanSeconds: SPAN_SECONDS,
        stepSeconds: STEP_SECONDS,
        series: big.fleet.series,
        samples: big.fleet.samples,
        backfillMs: big.backfillMs,
        peerSeries: peer.fleet.series,
      },
      direct: { [HOSTS]: summary('direct', HOSTS), [PEER_HOSTS]: summary('direct', PEER_HOSTS), ratio: ratio('direct') },
      proxy: { [HOSTS]: summary('proxy', HOSTS), [PEER_HOSTS]: summary('proxy', PEER_HOSTS), ratio: ratio('proxy') },
      prometheusAlone: { [HOSTS]: costs.get(HOSTS), [PEER_HOSTS]: costs.get(PEER_HOSTS) },
    };
    const peerCost = (query: string) => costs.get(PEER_HOSTS)?.find((cost) => cost.query === query)?.ms;
    const costRows = (costs.get(HOSTS) ?? []).map((cost): [string, string] => [
      `  ${cost.endpoint} ${cost.query.length > 60 ? `${cost.query.slice(0, 59)}…` : cost.query}`,
      `${cost.ms.toFixed(0)} ms | ${peerCost(cost.query)?.toFixed(0) ?? '—'} ms`,
    ]);
    const file = writeResult('web-fleet-prometheus', result);
    const goal = (mode: Mode) => ((medianOf(every(mode, HOSTS)) ?? Infinity) <= GOAL_MS ? 'meets' : 'MISSES');
    const times = (ratio_: number | null) => (ratio_ === null ? '' : `; ×${ratio_.toFixed(2)}`);
    const failures = (['direct', 'proxy'] as const).flatMap((mode) =>
      [HOSTS, PEER_HOSTS].flatMap((hosts): Array<[string, string]> => {
        const text = failure(mode, hosts);
        return text ? [[`${mode === 'direct' ? 'direct' : 'agent proxy'}, ${hosts} hosts, not filled`, text]] : [];
      }),
    );
    printTable(
      `web fleet view from Prometheus (Chromium, no GPU, ${HOSTS} simulated hosts, fresh page each run, the four configurations taking turns, median of ${RUNS})`,
      [
        [`direct: page open → first row filled`, ms(first('direct', HOSTS))],
        [`direct: page open → all ${HOSTS} rows filled (goal ≤ ${GOAL_MS} ms: ${goal('direct')})`, ms(every('direct', HOSTS))],
        [`direct: ${PEER_HOSTS}-host peer, all rows filled; ${HOSTS}/${PEER_HOSTS} ratio`, `${ms(every('direct', PEER_HOSTS))}${times(ratio('direct'))}`],
        [`direct: PromQL per page load, ${HOSTS} | ${PEER_HOSTS} hosts`, `${requests('direct', HOSTS)} | ${requests('direct', PEER_HOSTS)}`],
        [`agent proxy: page open → first row filled`, ms(first('proxy', HOSTS))],
        [`agent proxy: page open → all ${HOSTS} rows filled (goal ≤ ${GOAL_MS} ms: ${goal('proxy')})`, ms(every('proxy', HOSTS))],
        [`agent proxy: ${PEER_HOSTS}-host peer, all rows filled; ${HOSTS}/${PEER_HOSTS} ratio`, `${ms(every('proxy', PEER_HOSTS))}${times(ratio('proxy'))}`],
        [`agent proxy: PromQL per page load, ${HOSTS} | ${PEER_HOSTS} hosts`, `${requests('proxy', HOSTS)} | ${requests('proxy', PEER_HOSTS)}`],
        [
          `Prometheus: ${HOSTS} hosts backfilled`,
          `${big.fleet.series} series, ${(big.fleet.samples / 1e6).toFixed(1)} M samples (${SPAN_SECONDS / 3600} h at ${STEP_SECONDS} s) in ${(big.backfillMs / 1000).toFixed(0)} s`,
        ],
        ...failures,
        [`Prometheus alone, each of the page's queries (median of ${REPLAYS}), ${HOSTS} | ${PEER_HOSTS} hosts:`, ''],
        ...costRows,
        ['results', file],
      ],
    );
  } finally {
    await browser.close();
    await Promise.all(agents.map((agent) => agent.stop()));
    for (const { prometheus, fleet } of setups) {
      await prometheus.stop();
      fleet.remove();
    }
  }
}
