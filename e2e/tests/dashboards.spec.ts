// Dashboards: a grid of views on several hosts, built in the page, carried whole by its link. A colleague
// with tokens for those hosts opens the copied link in a fresh browser and sees the same panels; a range
// dragged on one heat map is selected on every panel, whatever its host.
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { agent, runKnownExecs, saveScreenshot, secondAgent, testIds } from '../support/agent.ts';

/** This browser knows both agents and holds a token for each, as someone who signed in to both did. */
async function withTokens(context: BrowserContext): Promise<void> {
  const first = agent();
  const second = secondAgent();
  await context.addInitScript(
    ({ hosts, tokens }) => {
      if (localStorage.getItem('bpfscope.hosts')) return;
      localStorage.setItem('bpfscope.hosts', JSON.stringify(hosts));
      for (const [host, token] of Object.entries(tokens)) localStorage.setItem(`bpfscope.token:${host}`, token);
    },
    { hosts: [first.host, second.host], tokens: { [first.host]: first.token, [second.host]: second.token } },
  );
}

async function addPanel(page: Page, host: string, what: string, show?: 'table' | 'heatmap'): Promise<void> {
  const form = page.getByTestId(testIds.panelAdd);
  if (!(await form.isVisible())) await page.getByTestId(testIds.dashboardAddPanel).click();
  await page.getByTestId(testIds.panelHost).selectOption(host);
  // The host's catalog fills the tool choices once it has answered.
  await expect(page.getByTestId(testIds.panelKind).locator(`option[value="${what}"]`)).toHaveCount(1);
  await page.getByTestId(testIds.panelKind).selectOption(what);
  if (show) await page.getByTestId(testIds.panelShow).selectOption(show);
  await page.getByTestId(testIds.panelAdd).click();
}

/** Each panel as the page lays it out: host, what, and its size in grid cells. */
async function layoutOf(page: Page): Promise<string[]> {
  return page
    .getByTestId(testIds.dashboard)
    .locator('section.dashboard-panel')
    .evaluateAll((panels) =>
      panels.map((panel) => {
        const style = (panel as HTMLElement).style;
        return `${panel.getAttribute('data-host')} ${panel.getAttribute('data-what')} ${style.gridColumn} / ${style.gridRow}`;
      }),
    );
}

const heatMapOf = (page: Page, id: string) => page.getByTestId(testIds.dashboardPanel(id)).getByTestId(testIds.heatMap);

test('a dashboard built in the page, copied, opens the same in a fresh browser; a range on one heat map is on all', async ({ browser }) => {
  test.setTimeout(120_000);
  const first = agent();
  const second = secondAgent();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: first.url });
  await withTokens(context);
  const page = await context.newPage();
  await page.goto(`${first.url}/#/host/${first.host}`);
  await page.getByTestId(testIds.openDashboard('new')).click();
  await expect(page.getByTestId(testIds.dashboard)).toHaveAttribute('data-panels', '0');
  await expect(page).toHaveURL(/\/dashboard\/My%20dashboard/);

  await addPanel(page, first.host, 'tool:runqlat');
  await addPanel(page, second.host, 'tool:runqlat');
  await addPanel(page, first.host, 'overview:use');
  await addPanel(page, second.host, 'overview:vmstat');
  await addPanel(page, first.host, 'tool:tcplife', 'table');
  await expect(page.getByTestId(testIds.dashboard)).toHaveAttribute('data-panels', '5');
  // Change the layout in the page: remove, reorder, resize, rename.
  await page.getByTestId(testIds.dashboardPanel('p4')).getByTestId(testIds.panelRemove).click();
  await page.getByTestId(testIds.dashboardPanel('p5')).getByTestId(testIds.panelMove('earlier')).click();
  await page.getByTestId(testIds.dashboardPanel('p3')).getByTestId(testIds.panelWidth).selectOption('1');
  await page.getByTestId(testIds.dashboardPanel('p1')).getByTestId(testIds.panelHeight).selectOption('3');
  await page.getByTestId(testIds.dashboardName).fill('Payments incident');
  await page.getByTestId(testIds.dashboardName).press('Enter');
  await expect(page).toHaveURL(/\/dashboard\/Payments%20incident\?panels=/);
  const layout = await layoutOf(page);
  expect(layout).toEqual([
    `${first.host} runqlat span 2 / span 3`,
    `${second.host} runqlat span 2 / span 2`,
    `${first.host} tcplife span 2 / span 2`,
    `${first.host} use span 1 / span 2`,
  ]);

  // Each panel is filled from its own host: the recorded hour on the first, a live session on the second.
  for (const id of ['p1', 'p2'])
    await expect.poll(async () => Number(await heatMapOf(page, id).getAttribute('data-total')), { message: id }).toBeGreaterThan(0);
  await expect(page.getByTestId(testIds.dashboardPanel('p3')).getByTestId(testIds.useRow('CPUs'))).toBeVisible();
  await expect(page.getByTestId(testIds.dashboardPanel('p5')).getByTestId(testIds.sessionStatus)).toContainText('live');

  // One time axis: a range dragged on the first host's map is selected on the second host's too.
  const plot = heatMapOf(page, 'p1').locator('.heat-map__plot');
  const box = (await plot.boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await page.mouse.move(0, 0);
  await expect(page).toHaveURL(/sel=\d+-\d+/);
  const selected = /sel=(\d+-\d+)/.exec(page.url())?.[1] ?? '';
  await expect(heatMapOf(page, 'p1')).toHaveAttribute('data-selection', selected);
  await expect(heatMapOf(page, 'p2')).toHaveAttribute('data-selection', selected);
  await expect(page.getByTestId(testIds.dashboardSelection)).toContainText('on every panel');
  await saveScreenshot(page, '50-dashboard-built');

  await page.getByTestId(testIds.copyLink).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  expect(link).not.toContain(first.token);
  expect(link).not.toContain(second.token);

  // A colleague with tokens for both hosts, in a fresh browser: the same dashboard.
  const colleagueContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await withTokens(colleagueContext);
  const colleague = await colleagueContext.newPage();
  await colleague.goto(link);
  await expect(colleague.getByTestId(testIds.dashboardName)).toHaveValue('Payments incident');
  await expect.poll(() => layoutOf(colleague)).toEqual(layout);
  for (const id of ['p1', 'p2']) {
    await expect.poll(async () => Number(await heatMapOf(colleague, id).getAttribute('data-total')), { message: id }).toBeGreaterThan(0);
    await expect(heatMapOf(colleague, id)).toHaveAttribute('data-selection', selected);
  }
  // Panels are numbered in the link's order: the USE table, fourth, is p4 there.
  await expect(colleague.getByTestId(testIds.dashboardPanel('p4')).getByTestId(testIds.useRow('CPUs'))).toBeVisible();
  // A panel opens on its own, on its host, with the same range.
  await colleague.getByTestId(testIds.dashboardPanel('p2')).getByTestId(testIds.panelOpen).click();
  await expect(colleague).toHaveURL(new RegExp(`#/host/${encodeURIComponent(second.host)}/tool/runqlat`));
  expect(colleague.url()).toContain(`sel=${selected}`);
  await colleagueContext.close();
  await context.close();
});

test('eight live tables of one host in one page all stream: the page shares one socket per host', async ({ browser }) => {
  const first = agent();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await withTokens(context);
  const page = await context.newPage();
  // A browser opens at most six HTTP/1.1 connections to a host: more live views than that must share one.
  // Eight attachments (their params differ), each showing the marker argument.
  const panels = Array.from({ length: 8 }, (_, index) => ({ host: first.host, tool: 'execsnoop', params: { maxArgs: index + 2 }, w: 1, h: 2 }));
  await page.goto(`${first.url}/#/host/${first.host}/dashboard/eight?panels=${encodeURIComponent(JSON.stringify(panels))}`);
  for (let index = 1; index <= 8; index++) {
    await expect(page.getByTestId(testIds.dashboardPanel(`p${index}`)).getByTestId(testIds.sessionStatus)).toContainText('live');
  }
  const execs = runKnownExecs('bpfscope-eight', 3);
  for (let index = 1; index <= 8; index++) {
    const panel = page.getByTestId(testIds.dashboardPanel(`p${index}`));
    await panel.getByTestId(testIds.tableFilter).fill('bpfscope-eight');
    await expect(panel.getByTestId(testIds.tableRow), `panel ${index}`).toHaveCount(execs.length);
  }
  await context.close();
});

test('a built-in dashboard of two hosts shows each view once per host, and a tool view goes side by side', async ({ browser }) => {
  const first = agent();
  const second = secondAgent();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await withTokens(context);
  const page = await context.newPage();
  await page.goto(`${first.url}/#/host/${first.host},${second.host}/dashboard/network`);
  await expect(page.getByTestId(testIds.dashboard)).toHaveAttribute('data-panels', '12');
  const panels = await layoutOf(page);
  expect(panels.slice(0, 2)).toEqual([`${first.host} tcplife span 4 / span 2`, `${second.host} tcplife span 4 / span 2`]);
  // The link of an unchanged built-in is its name and hosts alone.
  expect(page.url()).not.toContain('panels=');

  await page.goto(`${first.url}/#/host/${first.host}/tool/biolatency`);
  await page.getByTestId(testIds.sideBySide).click();
  await expect(page.getByTestId(testIds.dashboard)).toHaveAttribute('data-panels', '2');
  expect(await layoutOf(page)).toEqual([`${first.host} biolatency span 4 / span 2`, `${second.host} biolatency span 4 / span 2`]);
  await context.close();
});

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`the CPU and Disk dashboards at ${width}×${height}, ${theme} theme`, async ({ browser }) => {
      const first = agent();
      const context = await browser.newContext({ viewport: { width, height } });
      await context.addInitScript((value) => localStorage.setItem('bpfscope.theme', value), theme);
      await withTokens(context);
      const page = await context.newPage();
      for (const name of ['cpu', 'disk', 'use'] as const) {
        await page.goto(`${first.url}/#/host/${first.host}/dashboard/${name}`);
        const firstPanel = page.getByTestId(testIds.dashboardPanel('p1'));
        await expect(firstPanel).toBeVisible();
        if (name !== 'use') await expect.poll(async () => Number(await firstPanel.getByTestId(testIds.heatMap).getAttribute('data-total'))).toBeGreaterThan(0);
        // The first panels make their point without scrolling: the first two are wholly on screen.
        for (const id of ['p1', 'p2']) {
          const panelBox = (await page.getByTestId(testIds.dashboardPanel(id)).boundingBox()) as { y: number; height: number };
          expect(panelBox.y + panelBox.height, `${name} ${id}`).toBeLessThanOrEqual(height);
        }
        expect(await page.getByTestId(testIds.dashboard).evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
        await page.mouse.move(0, 0);
        await saveScreenshot(page, `51-dashboard-${name}-${width}x${height}-${theme}`);
      }
      await context.close();
    });
  }
}
