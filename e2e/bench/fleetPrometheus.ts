// Issue 16's figure: the fleet view in Prometheus mode with 200 simulated hosts, from a fresh page opened on
// #/fleet?prometheus=…&job=bpfscope until every row is filled (goal ≤ 2 s), median of 7, the browser asking
// Prometheus itself and through an agent's PromQL proxy (--prometheus-url). The hosts' series are the agent's own
// registry over simulated hosts, two and a half hours at a 15 s scrape backfilled with promtool into a Prometheus of
// the bench's own (loopback, its own data dir, removed at the end); a 20-host fleet is the peer run, so the ratio
// says what 10× the hosts costs. PromQL requests are counted from the page's own requests: they must not grow with
// the hosts.
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { backfillFleet, PrometheusServer } from '@bpfscope/agent/testing';
import type { BackfilledFleet } from '@bpfscope/agent/testing';
import { median, printTable, withTimeout, writeResult } from '@bpfscope/bench-kit';
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

interface PageRun {
  firstRowMs: number;
  everyRowMs: number;
  /** HTTP requests for PromQL from navigation until SETTLE_MS after every row was filled. */
  requests: number;
  /** PromQL queries in them (a tRPC batch can carry several). */
  queries: number;
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
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(
      ({ tokens, count, id }) => {
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
    page.on('request', (request) => {
      const count = promqlQueries(request.url(), prometheus, proxy);
      if (count > 0) {
        requests += 1;
        queries += count;
      }
    });
    await page.goto(`${page0.url}/#/fleet?prometheus=${encodeURIComponent(source)}&job=${JOB}`);
    const times = await withTimeout(
      page
        .waitForFunction(
          () => {
            const window_ = window as unknown as { fleetFirstRowAt?: number; fleetFilledAt?: number };
            return window_.fleetFilledAt !== undefined && { first: window_.fleetFirstRowAt as number, every: window_.fleetFilledAt };
          },
          undefined,
          { timeout: 0 },
        )
        .then((handle) => handle.jsonValue()),
      30_000,
      `the fleet of ${hosts} hosts from Prometheus (${source})`,
    );
    if (times === false) throw new Error('waitForFunction resolved without a value');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    if (screenshot) await page.screenshot({ path: screenshot });
    return { firstRowMs: times.first, everyRowMs: times.every, requests, queries };
  } finally {
    await context.close();
  }
}

const ms = (values: readonly number[]) => `${median(values).toFixed(0)} ms (${values.map((value) => value.toFixed(0)).join(', ')})`;

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
    for (const { fleet, prometheus } of setups) {
      const proxy = await startAgent(['--record', 'none', '--prometheus-url', prometheus.url, '--allow-origin', page0.url]);
      agents.push(proxy);
      const sources: Record<Mode, string> = { direct: prometheus.url, proxy: `agent:${new URL(proxy.url).host}` };
      for (const mode of ['direct', 'proxy'] as const) {
        const runs: PageRun[] = [];
        for (let run = 0; run < RUNS; run++) {
          // What 200 rows look like, for people to look at (e2e/artifacts, git-ignored).
          const screenshot =
            run === RUNS - 1 && mode === 'direct' && fleet.hosts.length === HOSTS
              ? fileURLToPath(new URL(`../artifacts/53-fleet-prometheus-${HOSTS}-hosts.png`, import.meta.url))
              : undefined;
          runs.push(await openFleet(browser, [page0, proxy], page0, sources[mode], fleet.hosts.length, prometheus.url, proxy.url, screenshot));
        }
        results[`${mode}-${fleet.hosts.length}`] = { hosts: fleet.hosts.length, mode, runs };
      }
    }

    const run = (mode: Mode, hosts: number) => results[`${mode}-${hosts}`]?.runs ?? [];
    const every = (mode: Mode, hosts: number) => run(mode, hosts).map((page) => page.everyRowMs);
    const first = (mode: Mode, hosts: number) => run(mode, hosts).map((page) => page.firstRowMs);
    const requests = (mode: Mode, hosts: number) =>
      [...new Set(run(mode, hosts).map((page) => `${page.requests} requests, ${page.queries} queries`))].join(' / ');
    const ratio = (mode: Mode) => median(every(mode, HOSTS)) / median(every(mode, PEER_HOSTS));
    const [big, peer] = setups as [Setup, Setup];
    const summary = (mode: Mode, hosts: number) => ({
      pageOpenToFirstRowMs: { median: median(first(mode, hosts)), all: first(mode, hosts) },
      pageOpenToEveryRowFilledMs: { median: median(every(mode, hosts)), all: every(mode, hosts) },
      promqlRequests: run(mode, hosts).map((page) => page.requests),
      promqlQueries: run(mode, hosts).map((page) => page.queries),
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
    };
    const file = writeResult('web-fleet-prometheus', result);
    const goal = (mode: Mode) => (median(every(mode, HOSTS)) <= GOAL_MS ? 'meets' : 'MISSES');
    printTable(`web fleet view from Prometheus (Chromium, no GPU, ${HOSTS} simulated hosts, fresh page each run, median of ${RUNS})`, [
      [`direct: page open → first row filled`, ms(first('direct', HOSTS))],
      [`direct: page open → all ${HOSTS} rows filled (goal ≤ ${GOAL_MS} ms: ${goal('direct')})`, ms(every('direct', HOSTS))],
      [`direct: ${PEER_HOSTS}-host peer, all rows filled; ${HOSTS}/${PEER_HOSTS} ratio`, `${ms(every('direct', PEER_HOSTS))}; ×${ratio('direct').toFixed(2)}`],
      [`direct: PromQL per page load, ${HOSTS} | ${PEER_HOSTS} hosts`, `${requests('direct', HOSTS)} | ${requests('direct', PEER_HOSTS)}`],
      [`agent proxy: page open → first row filled`, ms(first('proxy', HOSTS))],
      [`agent proxy: page open → all ${HOSTS} rows filled (goal ≤ ${GOAL_MS} ms: ${goal('proxy')})`, ms(every('proxy', HOSTS))],
      [
        `agent proxy: ${PEER_HOSTS}-host peer, all rows filled; ${HOSTS}/${PEER_HOSTS} ratio`,
        `${ms(every('proxy', PEER_HOSTS))}; ×${ratio('proxy').toFixed(2)}`,
      ],
      [`agent proxy: PromQL per page load, ${HOSTS} | ${PEER_HOSTS} hosts`, `${requests('proxy', HOSTS)} | ${requests('proxy', PEER_HOSTS)}`],
      [
        `Prometheus: ${HOSTS} hosts backfilled`,
        `${big.fleet.series} series, ${(big.fleet.samples / 1e6).toFixed(1)} M samples (${SPAN_SECONDS / 3600} h at ${STEP_SECONDS} s) in ${(big.backfillMs / 1000).toFixed(0)} s`,
      ],
      ['results', file],
    ]);
  } finally {
    await browser.close();
    await Promise.all(agents.map((agent) => agent.stop()));
    for (const { prometheus, fleet } of setups) {
      await prometheus.stop();
      fleet.remove();
    }
  }
}
