// The fleet view with 20 agents on loopback: a fresh page opened on #/fleet → every row filled (each host's
// host.summary answered and drawn). The agents run with --record none (no BPF) on fixture procfs trees that
// advance every second, so 20 of them stay cheap: 3 on bpf-core's saturated host, 17 on a capture of this one.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { median, printTable, withTimeout, writeResult } from '@bpfscope/bench-kit';
import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { testIds } from '@bpfscope/web/testIds';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startAgent } from '../support/globalSetup.ts';
import type { RunningAgent } from '../support/globalSetup.ts';

const AGENTS = 20;
const SATURATED = 3;
const RUNS = 7;
/** Agents started at once: each probes the kernel's BPF features at start-up. */
const START_BATCH = 4;

function namedTree(fixture: string, hostname: string): AdvancingHostTree {
  const tree = new AdvancingHostTree(fixture).start();
  mkdirSync(path.join(tree.procfs, 'sys/kernel'), { recursive: true });
  writeFileSync(path.join(tree.procfs, 'sys/kernel/hostname'), `${hostname}\n`);
  return tree;
}

export async function benchFleet(): Promise<void> {
  const trees = [namedTree('saturated', 'db-saturated'), namedTree('this-host', 'web')];
  const agents: RunningAgent[] = [];
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const flagsFor = (index: number, origin?: string) => {
      const tree = trees[index < SATURATED ? 0 : 1] as AdvancingHostTree;
      return ['--procfs', tree.procfs, '--sysfs', tree.sysfs, '--kmsg', tree.kmsg, '--record', 'none', ...(origin ? ['--allow-origin', origin] : [])];
    };
    // The first agent serves the page; the others allow its origin, as a real fleet's agents would.
    const page0 = await startAgent(flagsFor(0));
    agents.push(page0);
    for (let index = 1; index < AGENTS; index += START_BATCH) {
      const batch = Array.from({ length: Math.min(START_BATCH, AGENTS - index) }, (_, offset) => startAgent(flagsFor(index + offset, page0.url)));
      agents.push(...(await Promise.all(batch)));
    }
    // A few seconds of samples on every agent, as on a fleet that has been running.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const known = agents.map((agent) => ({ host: new URL(agent.url).host, token: agent.token }));
    const summaryBytes = (await (await fetch(`${page0.url}/trpc/host.summary`, { headers: { authorization: `Bearer ${page0.token}` } })).text()).length;

    const filledMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(
        ({ known, count, id }) => {
          localStorage.setItem('bpfscope.hosts', JSON.stringify(known.map(({ host }) => host)));
          for (const { host, token } of known) localStorage.setItem(`bpfscope.token:${host}`, token);
          // The moment every row is filled, from the start of the navigation (performance.now()'s origin).
          const window_ = window as unknown as { fleetFilledAt?: number };
          new MutationObserver(() => {
            if (window_.fleetFilledAt === undefined && document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-filled') === String(count)) {
              window_.fleetFilledAt = performance.now();
            }
          }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-filled'] });
        },
        { known, count: AGENTS, id: testIds.fleet },
      );
      await page.goto(`${page0.url}/#/fleet`);
      const at = await withTimeout(
        page
          .waitForFunction(() => (window as unknown as { fleetFilledAt?: number }).fleetFilledAt, undefined, { timeout: 0 })
          .then((handle) => handle.jsonValue()),
        30_000,
        'the fleet page',
      );
      filledMs.push(Number(at));
      // What 20 rows look like, for people to look at (e2e/artifacts, git-ignored).
      if (run === RUNS - 1) await page.screenshot({ path: fileURLToPath(new URL('../artifacts/52-fleet-20-agents.png', import.meta.url)) });
      await context.close();
    }

    const result = { agents: AGENTS, runs: RUNS, pageOpenToEveryRowFilledMs: { median: median(filledMs), all: filledMs }, summaryBytes };
    const file = writeResult('web-fleet', result);
    printTable(`web fleet view (Chromium, no GPU, ${AGENTS} agents on loopback, fresh page each run)`, [
      [`page open → all ${AGENTS} rows filled, median of ${RUNS}`, `${median(filledMs).toFixed(0)} ms (${filledMs.map((ms) => ms.toFixed(0)).join(', ')})`],
      ['host.summary of one host (JSON)', `${(summaryBytes / 1024).toFixed(1)} KiB`],
      ['results', file],
    ]);
  } finally {
    await browser.close();
    await Promise.all(agents.map((agent) => agent.stop()));
    for (const tree of trees) tree.dispose();
  }
}
