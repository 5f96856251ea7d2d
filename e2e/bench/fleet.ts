// The fleet view with 20 agents on loopback: a fresh page opened on #/fleet → every row filled: each host's
// host.summary answered and drawn, its USE cells and both sparklines (run-queue and block I/O latency p99 over the
// last hour). Each agent holds an hour already (apps/agent/bench/agentWithHistory.ts: its host recorder's 3,600
// samples and the flight recorder's frames, fed at start) and records runqlat and biolatency for real; its /proc and
// /sys are fixture trees that advance every second, so 20 of them stay cheap: 3 on bpf-core's saturated host, 17 on a
// capture of this one.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { median, printTable, withTimeout, writeResult } from '@bpfscope/bench-kit';
import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { testIds } from '@bpfscope/web/testIds';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import type { RunningAgent } from '../support/globalSetup.ts';
import { startBenchAgent } from './benchAgent.ts';

const AGENTS = 20;
const SATURATED = 3;
const RUNS = 7;
/** Agents started at once: each probes the kernel's BPF features and reads 3 s of its host at start-up. */
const START_BATCH = 4;
/** The flight recorder's tools whose p99s the fleet's sparklines draw. */
const RECORD = 'runqlat,biolatency';

function namedTree(fixture: string, hostname: string): AdvancingHostTree {
  const tree = new AdvancingHostTree(fixture).start();
  mkdirSync(path.join(tree.procfs, 'sys/kernel'), { recursive: true });
  writeFileSync(path.join(tree.procfs, 'sys/kernel/hostname'), `${hostname}\n`);
  return tree;
}

/** What the bench checks of a host.summary answer. */
interface FleetSummaryLike {
  hostname: string;
  recorded: { runqlat: boolean; biolatency: boolean };
  history: { runqlatP99Us: Array<number | null>; biolatencyP99Us: Array<number | null> };
}

export async function benchFleet(): Promise<void> {
  const trees = [namedTree('saturated', 'db-saturated'), namedTree('this-host', 'web')];
  const agents: RunningAgent[] = [];
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const flagsFor = (index: number, origin?: string) => {
      const tree = trees[index < SATURATED ? 0 : 1] as AdvancingHostTree;
      return ['--procfs', tree.procfs, '--sysfs', tree.sysfs, '--kmsg', tree.kmsg, '--record', RECORD, ...(origin ? ['--allow-origin', origin] : [])];
    };
    // The first agent serves the page; the others allow its origin, as a real fleet's agents would.
    const page0 = await startBenchAgent('bench/agentWithHistory.ts', flagsFor(0));
    agents.push(page0);
    for (let index = 1; index < AGENTS; index += START_BATCH) {
      const batch = Array.from({ length: Math.min(START_BATCH, AGENTS - index) }, (_, offset) =>
        startBenchAgent('bench/agentWithHistory.ts', flagsFor(index + offset, page0.url)),
      );
      agents.push(...(await Promise.all(batch)));
    }
    // Each agent's flight recorder attached and a few live seconds, as on a fleet that has been running.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const known = agents.map((agent) => ({ host: new URL(agent.url).host, token: agent.token }));
    const summaries = await Promise.all(
      agents.map(async (agent) => {
        const text = await (await fetch(`${agent.url}/trpc/host.summary`, { headers: { authorization: `Bearer ${agent.token}` } })).text();
        const summary = (JSON.parse(text) as { result: { data: FleetSummaryLike } }).result.data;
        return { bytes: text.length, summary };
      }),
    );
    // The hour is there to draw: every agent records both tools and has a p99 in most of the hour's points.
    for (const { summary } of summaries) {
      const drawn = (points: Array<number | null>) => points.filter((point) => point !== null).length;
      if (
        !summary.recorded.runqlat ||
        !summary.recorded.biolatency ||
        drawn(summary.history.runqlatP99Us) < 100 ||
        drawn(summary.history.biolatencyP99Us) < 100
      )
        throw new Error(`${summary.hostname}: no hour of runqlat and biolatency p99s to draw (${JSON.stringify(summary.recorded)})`);
    }
    const summaryBytes = summaries[0]?.bytes ?? 0;

    const filledMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(
        ({ known, count, id, series }) => {
          localStorage.setItem('bpfscope.hosts', JSON.stringify(known.map(({ host }) => host)));
          for (const { host, token } of known) localStorage.setItem(`bpfscope.token:${host}`, token);
          // The moment every row is filled, from the start of the navigation (performance.now()'s origin): its
          // summary in, and both sparklines drawn (a line, not "none in the last hour").
          // (No named functions in here: tsx would wrap them in a helper the page does not have.)
          const window_ = window as unknown as { fleetFilledAt?: number };
          new MutationObserver(() => {
            if (window_.fleetFilledAt !== undefined) return;
            const rows = [...document.querySelectorAll(`[data-testid="${id}"] tr[data-filled]`)];
            const filled = rows.filter(
              (row) => row.getAttribute('data-filled') === 'true' && series.every((testId) => row.querySelector(`[data-testid="${testId}"] svg path`) !== null),
            );
            if (rows.length === count && filled.length === count) window_.fleetFilledAt = performance.now();
          }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-filled'] });
        },
        { known, count: AGENTS, id: testIds.fleet, series: [testIds.fleetSeries('runqlat'), testIds.fleetSeries('biolatency')] },
      );
      await page.goto(`${page0.url}/#/fleet`);
      const at = await withTimeout(
        page
          .waitForFunction(() => (window as unknown as { fleetFilledAt?: number }).fleetFilledAt, undefined, { timeout: 0 })
          .then((handle) => handle.jsonValue()),
        30_000,
        'the fleet page',
      ).catch(async (error: unknown) => {
        // Which rows are not filled, and what they show instead.
        const rows = await page.evaluate(() =>
          [...document.querySelectorAll('tr[data-filled]')].map(
            (row) => `${row.getAttribute('data-filled')}: ${(row as HTMLElement).innerText.replace(/\s+/g, ' ').slice(0, 160)}`,
          ),
        );
        throw new Error(`${error instanceof Error ? error.message : String(error)}; rows:\n${rows.join('\n')}`);
      });
      filledMs.push(Number(at));
      // What 20 rows look like, for people to look at (e2e/artifacts, git-ignored).
      if (run === RUNS - 1) await page.screenshot({ path: fileURLToPath(new URL('../artifacts/52-fleet-20-agents.png', import.meta.url)) });
      await context.close();
    }

    const result = { agents: AGENTS, runs: RUNS, pageOpenToEveryRowFilledMs: { median: median(filledMs), all: filledMs }, summaryBytes };
    const file = writeResult('web-fleet', result);
    printTable(`web fleet view (Chromium, no GPU, ${AGENTS} agents on loopback, fresh page each run)`, [
      [
        `page open → all ${AGENTS} rows filled (USE cells and both sparklines of the hour), median of ${RUNS}`,
        `${median(filledMs).toFixed(0)} ms (${filledMs.map((ms) => ms.toFixed(0)).join(', ')})`,
      ],
      ['host.summary of one host (JSON)', `${(summaryBytes / 1024).toFixed(1)} KiB`],
      ['results', file],
    ]);
  } finally {
    await browser.close();
    await Promise.all(agents.map((agent) => agent.stop()));
    for (const tree of trees) tree.dispose();
  }
}
