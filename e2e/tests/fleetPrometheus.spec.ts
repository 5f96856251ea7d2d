// The fleet read from Prometheus: a real Prometheus of the test's own (loopback, its own data dir, a scrape a
// second) scraping three real agents: the run's two and one pointed with --procfs, --sysfs and --kmsg at
// bpf-core's saturated fixture host. In Prometheus mode the fleet lists the three, the saturated one first, and
// the fleet heat map holds the test's O_DIRECT writes, both with the browser asking Prometheus itself and through
// an agent started with --prometheus-url. A drag over the heat map says which host the writes came from.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrometheusServer } from '@bpfscope/agent/testing';
import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, saveScreenshot, secondAgent, testIds } from '../support/agent.ts';
import { startAgent } from '../support/globalSetup.ts';
import type { RunningAgent } from '../support/globalSetup.ts';

/** The test launcher names its jobs bpfscope-0, bpfscope-1…: one per target. */
const JOB = 'bpfscope-.*';
const WRITES = 300;
/** Every row filled within this of opening the page. */
const FILLED_WITHIN_MS = 5000;

let tree: AdvancingHostTree;
let saturated: RunningAgent;
let proxy: RunningAgent;
let prometheus: PrometheusServer;
/** Epoch ms around the test's writes. */
let writes: { from: number; to: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** WRITES O_DIRECT 4 KiB writes, each a block I/O, on the disk under the repository (not a tmpfs). */
function directWrites(): void {
  const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
  mkdirSync(artifacts, { recursive: true });
  const directory = mkdtempSync(path.join(artifacts, 'prom-io-'));
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path.join(directory, 'data')}`, 'bs=4k', `count=${WRITES}`, 'oflag=direct', 'conv=fsync'], { stdio: 'ignore' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  tree = new AdvancingHostTree('saturated').start();
  mkdirSync(path.join(tree.procfs, 'sys/kernel'), { recursive: true });
  writeFileSync(path.join(tree.procfs, 'sys/kernel/hostname'), 'db-saturated\n');
  writeFileSync(path.join(tree.procfs, 'sys/kernel/osrelease'), '5.15.0-fixture\n');
  saturated = await startAgent(['--procfs', tree.procfs, '--sysfs', tree.sysfs, '--kmsg', tree.kmsg, '--record', 'none']);
  const targets = [agent(), secondAgent(), { url: saturated.url, token: saturated.token }].map(({ url, token }) => ({ address: new URL(url).host, token }));
  prometheus = await PrometheusServer.start({ targets, scrapeIntervalSeconds: 1 });
  // The agent a browser that cannot reach Prometheus asks instead; not scraped itself.
  proxy = await startAgent(['--prometheus-url', prometheus.url, '--record', 'none', '--allow-origin', agent().url]);
  // Every target scraped, and the saturated host judged (its verdicts come from its second sample on).
  await expect.poll(async () => (await prometheus.query(`up{job=~"${JOB}"} == 1`)).length, { timeout: 30_000 }).toBe(3);
  await expect.poll(async () => (await prometheus.query('max by (instance) (bpfscope_use_verdict) == 2')).length, { timeout: 30_000 }).toBe(1);
  const from = Date.now();
  directWrites();
  writes = { from, to: Date.now() };
  // In a frame of the flight recorder (one a second), then scraped (every second), with room to spare.
  await sleep(7000);
});

test.afterAll(async () => {
  await proxy?.stop();
  const dir = prometheus?.dir;
  await prometheus?.stop();
  if (dir) expect(existsSync(dir)).toBe(false);
  await saturated?.stop();
  tree?.dispose();
});

function hosts() {
  return { first: agent().host, second: secondAgent().host, fixture: new URL(saturated.url).host, proxy: new URL(proxy.url).host };
}

async function open(page: Page, source: string, range: string, theme: 'dark' | 'light' = 'dark'): Promise<number> {
  const tokens = { [agent().host]: agent().token, [hosts().proxy]: proxy.token };
  // Tokens only: the agent a link asks through becomes known by the link, its stored token with it.
  await page.addInitScript(
    ({ tokens, theme }) => {
      for (const [host, token] of Object.entries(tokens)) localStorage.setItem(`bpfscope.token:${host}`, token);
      localStorage.setItem('bpfscope.theme', theme);
    },
    { tokens, theme },
  );
  const started = Date.now();
  await page.goto(`${agent().url}/#/fleet?prometheus=${encodeURIComponent(source)}&job=${encodeURIComponent(JOB)}&range=${range}&heatmap=biolatency`);
  return started;
}

async function rowOrder(page: Page): Promise<Array<{ host: string; rank: string }>> {
  return page
    .locator('tr[data-testid^="fleet-row-"]')
    .evaluateAll((rows) =>
      rows.map((element) => ({ host: (element.getAttribute('data-testid') ?? '').replace('fleet-row-', ''), rank: element.getAttribute('data-rank') ?? '' })),
    );
}

const heatmapTotal = async (page: Page) => Number(await page.getByTestId(testIds.fleetHeatmap).getAttribute('data-total'));

/** The three hosts, all filled in time, the saturated fixture host first and critical by its own name. */
async function expectFleet(page: Page, started: number): Promise<void> {
  const fleet = page.getByTestId(testIds.fleet);
  await expect(fleet).toHaveAttribute('data-source', 'prometheus');
  await expect(fleet).toHaveAttribute('data-filled', '3', { timeout: FILLED_WITHIN_MS });
  expect(Date.now() - started).toBeLessThan(FILLED_WITHIN_MS);
  await expect(fleet).toHaveAttribute('data-hosts', '3');
  const { first, second, fixture } = hosts();
  const order = await rowOrder(page);
  expect(order[0]).toEqual({ host: fixture, rank: 'critical' });
  expect(order.map(({ host }) => host).sort()).toEqual([first, second, fixture].sort());
  const fixtureRow = page.getByTestId(testIds.fleetRow(fixture));
  await expect(fixtureRow).toContainText('db-saturated');
  await expect(fixtureRow).toContainText('5.15.0-fixture');
  await expect(fixtureRow.getByTestId(testIds.fleetKind('cpu'))).toHaveAttribute('data-verdict', 'critical');
  // The run's agent records biolatency: its p99 has a figure with its unit; the others record nothing.
  await expect(page.getByTestId(testIds.fleetRow(first)).getByTestId(testIds.fleetSeries('biolatency'))).toContainText(/\d (µs|ms|s)\b/);
  await expect(page.getByTestId(testIds.fleetRow(second)).getByTestId(testIds.fleetSeries('biolatency'))).toContainText('none in range');
  await expect(page.getByTestId(testIds.fleetPromProblems)).toHaveCount(0);
}

test('Prometheus straight from the browser: 3 hosts, the saturated first, the writes in the fleet heat map', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  // The range around the writes: every one of them is in the map.
  const around = `${writes.from - 20_000}-${writes.to + 5000}`;
  await expectFleet(page, await open(page, prometheus.url, around));
  await expect.poll(() => heatmapTotal(page)).toBeGreaterThanOrEqual(WRITES);

  // Live: the last hour, asked again as it goes on, holds them too (and everything before in the hour).
  await page.goto(`${agent().url}/#/fleet?prometheus=${encodeURIComponent(prometheus.url)}&job=${encodeURIComponent(JOB)}&range=1h&heatmap=biolatency`);
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-filled', '3');
  await expect.poll(() => heatmapTotal(page), { timeout: 40_000 }).toBeGreaterThanOrEqual(WRITES);
  // A pasted link opens the same: the fleet is remembered as this browser's last Prometheus too.
  await page.getByTestId(testIds.fleetMode('agents')).click();
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-source', 'agents');
  await page.getByTestId(testIds.fleetMode('prometheus')).click();
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-source', 'prometheus');
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-filled', '3');
});

test('through an agent with --prometheus-url: the same fleet, and a drag over the map says which host wrote', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const around = `${writes.from - 20_000}-${writes.to + 5000}`;
  await expectFleet(page, await open(page, `agent:${hosts().proxy}`, around));
  await expect.poll(() => heatmapTotal(page)).toBeGreaterThanOrEqual(WRITES);
  await expect(page.getByTestId(testIds.fleetPromRange)).toContainText(`agent ${hosts().proxy}`);

  // Drag over the whole map (the plot begins right of its latency axis): each host's part of every latency then.
  const plot = page.getByTestId(testIds.fleetHeatmap).locator('.heat-map__plot');
  const box = (await plot.boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.move(box.x + 70, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const writer = page.getByTestId(testIds.fleetPromShareRow(hosts().first));
  await expect(writer).toBeVisible();
  expect(Number(await writer.getAttribute('data-count'))).toBeGreaterThanOrEqual(WRITES);
  // Only the run's agent records biolatency: it is all of it.
  await expect(page.getByTestId(testIds.fleetPromShare).locator('li[data-count]')).toHaveCount(1);
  await expect(writer).toContainText('100 %');
});

test('screenshots of the fleet from Prometheus at 1440×900 and 1280×720, dark and light', async ({ browser }) => {
  test.setTimeout(120_000);
  const around = `${writes.from - 60_000}-${writes.to + 30_000}`;
  for (const theme of ['dark', 'light'] as const) {
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await open(page, prometheus.url, around, theme);
      await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-filled', '3', { timeout: FILLED_WITHIN_MS });
      await expect.poll(() => heatmapTotal(page)).toBeGreaterThanOrEqual(WRITES);
      // A column of the map selected: its hosts listed beside it.
      const plot = page.getByTestId(testIds.fleetHeatmap).locator('.heat-map__plot');
      const box = (await plot.boundingBox()) as { x: number; y: number; width: number; height: number };
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 6 });
      await page.mouse.up();
      await expect(page.getByTestId(testIds.fleetPromShare).locator('li[data-count]').first()).toBeVisible();
      await page.mouse.move(0, 0);
      await saveScreenshot(page, `fleet-prometheus-${width}x${height}-${theme}`);
      await page.close();
    }
  }
});
