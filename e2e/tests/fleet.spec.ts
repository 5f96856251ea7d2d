// The fleet view: three agents on this machine (the run's own, the second one, and one pointed with --procfs,
// --sysfs and --kmsg at bpf-core's saturated fixture host, as a containerised agent is pointed at its host's), a
// port nothing listens on, and a host that accepts connections and never answers. Every agent's row is filled
// while the hung host is still pending, worst first; a row opens that host's overview.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import path from 'node:path';
import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { agent, closedPort, saveScreenshot, secondAgent, testIds } from '../support/agent.ts';
import { startAgent } from '../support/globalSetup.ts';
import type { RunningAgent } from '../support/globalSetup.ts';

/** The fleet's order, worst first (apps/web features/fleet/fleetRows.ts FLEET_ORDER). */
const FLEET_ORDER = ['critical', 'warning', 'unreachable', 'needs-token', 'unknown', 'ok', 'checking'];
/** Every agent's row is filled within this of opening the page, whatever the dead and the hung host do. */
const FILLED_WITHIN_MS = 3000;

let tree: AdvancingHostTree;
let saturated: RunningAgent;
let hung: { server: Server; sockets: Set<Socket>; host: string };
let deadHost: string;

test.beforeAll(async () => {
  tree = new AdvancingHostTree('saturated').start();
  // The fixture host's own name and kernel, as its procfs says them.
  mkdirSync(path.join(tree.procfs, 'sys/kernel'), { recursive: true });
  writeFileSync(path.join(tree.procfs, 'sys/kernel/hostname'), 'db-saturated\n');
  writeFileSync(path.join(tree.procfs, 'sys/kernel/osrelease'), '5.15.0-fixture\n');
  saturated = await startAgent(['--procfs', tree.procfs, '--sysfs', tree.sysfs, '--kmsg', tree.kmsg, '--record', 'none', '--allow-origin', agent().url]);
  // A hung agent: the connection is accepted, no byte ever comes back.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hung = { server, sockets, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
  deadHost = `127.0.0.1:${await closedPort()}`;
});

test.afterAll(async () => {
  for (const socket of hung?.sockets ?? []) socket.destroy();
  await new Promise<void>((resolve) => (hung ? hung.server.close(() => resolve()) : resolve()));
  await saturated?.stop();
  tree?.dispose();
});

function hosts() {
  const first = agent();
  const second = secondAgent();
  const fixture = { host: new URL(saturated.url).host, token: saturated.token };
  return { first, second, fixture };
}

/**
 * What this browser knew before: `known` hosts (the page's own agent is known anyway) with tokens for the three
 * agents and one for the hung host (so the fleet asks it too), and the theme, stored before the page loads.
 */
async function knownBefore(page: Page, known: string[], theme: 'dark' | 'light' = 'dark'): Promise<void> {
  const { first, second, fixture } = hosts();
  const tokens = { [first.host]: first.token, [second.host]: second.token, [fixture.host]: fixture.token, [hung.host]: 'a'.repeat(43) };
  await page.addInitScript(
    ({ known, tokens, theme }) => {
      localStorage.setItem('bpfscope.hosts', JSON.stringify(known));
      for (const [host, token] of Object.entries(tokens)) localStorage.setItem(`bpfscope.token:${host}`, token);
      localStorage.setItem('bpfscope.theme', theme);
    },
    { known, tokens, theme },
  );
}

function fleetLink(group: string, members: string[]): string {
  return `${agent().url}/#/fleet?group=${group}&hosts=${members.join(',')}`;
}

function row(page: Page, host: string): Locator {
  return page.getByTestId(testIds.fleetRow(host));
}

async function ranksInOrder(page: Page): Promise<Array<{ host: string; rank: string }>> {
  return page
    .locator('tr[data-testid^="fleet-row-"]')
    .evaluateAll((rows) =>
      rows.map((element) => ({ host: (element.getAttribute('data-testid') ?? '').replace('fleet-row-', ''), rank: element.getAttribute('data-rank') ?? '' })),
    );
}

test('a fleet of 3 agents: all 3 filled while a hung host is pending, worst first, a dead host unreachable', async ({ page }) => {
  test.setTimeout(60_000);
  const { first, second, fixture } = hosts();
  await knownBefore(page, [second.host, fixture.host, hung.host]);
  const started = Date.now();
  await page.goto(fleetLink('e2e', [first.host, second.host, fixture.host, deadHost, hung.host]));
  for (const host of [first.host, second.host, fixture.host])
    await expect(row(page, host)).toHaveAttribute('data-filled', 'true', { timeout: FILLED_WITHIN_MS });
  const filledMs = Date.now() - started;
  expect(filledMs).toBeLessThan(FILLED_WITHIN_MS);
  // The hung host has not answered yet and is not given up on: it held up no one.
  await expect(row(page, hung.host)).toHaveAttribute('data-rank', 'checking');
  await expect(row(page, hung.host)).toHaveAttribute('data-filled', 'false');
  await expect(row(page, deadHost)).toHaveAttribute('data-rank', 'unreachable');
  await expect(row(page, deadHost)).toContainText('nothing answers');
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-hosts', '5');

  // Worst first: the saturated fixture host at the top, critical, by its own name and kernel.
  const fixtureRow = row(page, fixture.host);
  await expect(fixtureRow).toHaveAttribute('data-rank', 'critical');
  await expect(fixtureRow).toContainText('db-saturated');
  await expect(fixtureRow).toContainText('5.15.0-fixture');
  // The sidebar names it the same way: host.info reads the name from the same procfs.
  await expect(page.getByTestId(testIds.host(fixture.host)).getByTestId(testIds.hostName)).toHaveText('db-saturated');
  await expect(fixtureRow.getByTestId(testIds.fleetKind('cpu'))).toHaveAttribute('data-verdict', 'critical');
  await expect(fixtureRow.getByTestId(testIds.fleetKind('cpu'))).toContainText('100 %');
  await expect(fixtureRow.getByTestId(testIds.fleetKind('disk'))).toHaveAttribute('data-verdict', 'critical');
  // The scheduler's column: task capacity, run-queue latency, hung tasks, judged like the others.
  await expect(fixtureRow.getByTestId(testIds.fleetKind('scheduler'))).toHaveAttribute('data-verdict', /^(ok|warning|critical)$/);
  // Hover: the figure and the threshold it was judged by.
  expect(await fixtureRow.getByTestId(testIds.fleetKind('disk')).getAttribute('title')).toMatch(/Disk sda .*critical ≥/);
  // An agent without the flight recorder says so rather than drawing nothing.
  await expect(fixtureRow.getByTestId(testIds.fleetSeries('runqlat'))).toContainText('not recorded');
  const order = await ranksInOrder(page);
  expect(order[0]).toEqual({ host: fixture.host, rank: 'critical' });
  const positions = order.map(({ rank }) => FLEET_ORDER.indexOf(rank));
  expect(positions).toEqual([...positions].sort((a, b) => a - b));

  // The run's own agent records runqlat: the last hour's p99 line, its figures with their units.
  const runqlat = row(page, first.host).getByTestId(testIds.fleetSeries('runqlat'));
  await expect(runqlat.locator('svg.sparkline')).toBeVisible();
  await expect(runqlat).toContainText(/max \d+(\.\d+)? (µs|ms|s)/);
  await saveScreenshot(page, '50-fleet-hung-host-pending');

  // The hung host is marked unreachable in the end; the others stay filled meanwhile.
  await expect(row(page, hung.host)).toHaveAttribute('data-rank', 'unreachable', { timeout: 25_000 });
  for (const host of [first.host, second.host, fixture.host]) await expect(row(page, host)).toHaveAttribute('data-filled', 'true');
  console.log(`fleet: 3 agents filled ${filledMs} ms after opening the page`);

  // A row opens its host's overview; the sidebar's Fleet comes back.
  await fixtureRow.getByTestId(testIds.fleetKind('memory')).click();
  await expect(page).toHaveURL(new RegExp(`#/host/${encodeURIComponent(fixture.host)}$`));
  await expect(page.getByTestId(testIds.overview)).toBeVisible();
  await expect(page.getByTestId(testIds.useCell('CPUs', 'utilization'))).toHaveAttribute('data-verdict', 'critical');
  await page.getByTestId(testIds.fleetNav).click();
  await expect(page).toHaveURL(/#\/fleet$/);
  await expect(row(page, fixture.host)).toHaveAttribute('data-filled', 'true');
});

test('a host group from a link is remembered, filters the fleet, and its own link shares it', async ({ page }) => {
  const { first, second, fixture } = hosts();
  await knownBefore(page, [second.host, fixture.host]);
  await page.goto(fleetLink('db', [second.host, fixture.host]));
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-hosts', '2');
  await expect(row(page, first.host)).toHaveCount(0);
  await expect(page.getByTestId(testIds.fleetGroup('db'))).toContainText('db 2');
  // Every host this browser knows: the one that served the page too.
  await page.getByTestId(testIds.fleetGroup('all')).click();
  await expect(page).toHaveURL(/#\/fleet$/);
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-hosts', '3');
  // A group made on the page, then picked again from its link, after a reload: local storage keeps it.
  await page.getByRole('button', { name: 'New group…' }).click();
  await page.getByLabel('Group name').fill('api');
  await page.getByLabel(/Hosts of the group/).fill(`${first.host}, ${fixture.host}`);
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(page).toHaveURL(/#\/fleet\?group=api&hosts=/);
  await page.goto(`${agent().url}/#/fleet?group=db`);
  await expect(page.getByTestId(testIds.fleet)).toHaveAttribute('data-hosts', '2');
  await expect(row(page, fixture.host)).toHaveAttribute('data-filled', 'true');
  const href = await page.getByTestId(testIds.fleetGroup('api')).getAttribute('href');
  expect(href).toBe(`#/fleet?group=api&hosts=${first.host},${fixture.host}`);
  await page.getByTestId(testIds.fleetGroup('api')).click();
  await expect(row(page, second.host)).toHaveCount(0);
  await expect(row(page, first.host)).toHaveAttribute('data-filled', 'true');
  await expect(page).toHaveTitle('Fleet: api · bpfscope');
});

for (const { width, height } of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  for (const theme of ['dark', 'light'] as const) {
    test(`the fleet at ${width}×${height}, ${theme} theme`, async ({ page }) => {
      const { first, second, fixture } = hosts();
      await page.setViewportSize({ width, height });
      await knownBefore(page, [second.host, fixture.host], theme);
      await page.goto(fleetLink('e2e', [first.host, second.host, fixture.host, deadHost]));
      for (const host of [first.host, second.host, fixture.host]) await expect(row(page, host)).toHaveAttribute('data-filled', 'true');
      await expect(row(page, deadHost)).toHaveAttribute('data-rank', 'unreachable');
      // Everything in a row is on screen: no cell cut off at the right.
      const table = page.locator('.fleet-table');
      const box = (await table.boundingBox()) as { x: number; width: number };
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await saveScreenshot(page, `51-fleet-${width}x${height}-${theme}`);
    });
  }
}
