// What a new user hit, each checked against the real agent and kernel: signing in
// from a pasted link, a sorted table's first screen, recorded tables, the rows
// behind a heat-map cell, table snapshots, an empty table that says why, keeping
// a live view past the agent's limit, and links that name what they got wrong.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, runKnownExecs, saveScreenshot, tcpExchange, testIds } from '../support/agent.ts';
import { startAgent } from '../support/globalSetup.ts';

async function signIn(page: Page, target = agent()): Promise<void> {
  await page.goto(`${target.url}/#token=${target.token}`);
  await expect(page.getByTestId(testIds.host(target.host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

async function openTool(page: Page, tool: string): Promise<void> {
  await page.getByTestId(testIds.tool(tool)).click();
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
}

function columnTexts(page: Page, column: string) {
  return page.getByTestId(testIds.liveTable).locator(`[data-column="${column}"]`).allTextContents();
}

test('a sign-in link pasted into a tab that already shows bpfscope signs in, and never shows the token', async ({ browser }) => {
  const { url, token } = agent();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/#/tool/execsnoop`);
  await expect(page.getByTestId(testIds.tokenPrompt)).toBeVisible();
  // Only the hash changes: the same document, as when it is pasted in the address bar.
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  expect(page.url()).toContain('/tool/execsnoop');
  expect(page.url()).not.toContain(token);
  await expect(page.getByTestId(testIds.linkProblems)).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem(`bpfscope.token:${location.host}`))).toBe(token);
  // A damaged one is taken out of the address bar too, and said to be damaged without being shown.
  await page.goto(`${url}/#token=${token.slice(0, 20)}!${token.slice(20)}`);
  await expect(page.getByTestId(testIds.linkProblems)).toContainText('holds no valid token');
  expect(await page.locator('body').innerText()).not.toContain(token.slice(0, 12));
  expect(page.url()).not.toContain(token.slice(0, 12));
  await context.close();
});

test('params in a link are never quoted back: a key that could be a token is refused without being shown', async ({ page }) => {
  const { url, token } = agent();
  await signIn(page);
  const secret = `${token.slice(0, 20)}-not-a-param`;
  await page.goto(`${url}/#/tool/execsnoop?params=${encodeURIComponent(JSON.stringify({ [secret]: 1, includeFailedd: true }))}`);
  // The agent refuses the params and says which keys it does not know, naming only the one that looks like a name.
  await expect(page.locator('body')).toContainText('unknown keys: "includeFailedd", 1 other not shown');
  expect(await page.locator('body').innerText()).not.toContain(token.slice(0, 12));
  await expect(page.getByTestId(testIds.sessionStatus)).not.toContainText('live');
});

test('a link with an unknown sort, column filter or window says which, in the link’s own words', async ({ page }) => {
  await signIn(page);
  await page.goto(`${agent().url}/#/tool/execsnoop?sort=bogus:asc&f.nope=x&f.pid=1&window=5`);
  const banner = page.getByTestId(testIds.linkProblems);
  await expect(banner).toContainText('sort: this tool has no column "bogus"');
  await expect(banner).toContainText('f.nope: this tool has no such column');
  await expect(banner).toContainText('window must be a whole number of seconds');
  await expect(page.getByTestId(testIds.columnFilter('pid'))).toHaveValue('1');
  await expect(page).not.toHaveURL(/sort=|f\.nope/);
});

test('sorting a table shows the top of the new order; numbers are right-aligned; /regex/ filters', async ({ page }) => {
  await signIn(page);
  await openTool(page, 'execsnoop');
  const execs = runKnownExecs('bpfscope-sorted', 120);
  await page.getByTestId(testIds.tableFilter).fill('bpfscope-sorted');
  await expect(page.getByTestId(testIds.rowCount)).toContainText('120 of');
  // Arrival order follows the tail: the newest rows are on screen, far from the top.
  const body = page.getByTestId(testIds.liveTable).locator('.live-table__body');
  await expect.poll(() => body.evaluate((element) => element.scrollTop)).toBeGreaterThan(500);
  await page.getByTestId(testIds.columnHeader('pid')).click();
  await page.getByTestId(testIds.columnHeader('pid')).click();
  await expect(page).toHaveURL(/sort=pid%3Adesc/);
  await expect.poll(() => body.evaluate((element) => element.scrollTop)).toBe(0);
  const largest = Math.max(...execs.map((exec) => exec.pid));
  expect(Number((await columnTexts(page, 'pid'))[0])).toBe(largest);
  const pidCell = page.getByTestId(testIds.liveTable).locator('[data-column="pid"]').first();
  expect(await pidCell.evaluate((element) => getComputedStyle(element).textAlign)).toBe('right');
  await saveScreenshot(page, '30-execsnoop-sorted');

  await page.getByTestId(testIds.tableFilter).fill('/bpfscope-sorted (7|77)$/');
  await expect(page.getByTestId(testIds.rowCount)).toContainText('2 of');
  expect((await columnTexts(page, 'argv')).sort()).toEqual(['/bin/echo bpfscope-sorted 7', '/bin/echo bpfscope-sorted 77']);
});

test('at 1280×720 a table fits: no column filter past its edge, numbers right-aligned, exports wrap together', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await tcpExchange(2000, 3000);
  await signIn(page);
  await openTool(page, 'tcplife');
  await expect(page.getByTestId(testIds.tableRow).first()).toBeVisible();
  const table = (await page.getByTestId(testIds.liveTable).boundingBox()) as { x: number; width: number };
  for (const filter of await page.getByTestId(testIds.liveTable).locator('input[data-testid^="column-filter-"]').all()) {
    const box = (await filter.boundingBox()) as { x: number; width: number };
    expect(box.x + box.width, (await filter.getAttribute('data-testid')) ?? '').toBeLessThanOrEqual(table.x + table.width);
  }
  for (const column of ['pid', 'lport', 'rport', 'txBytes', 'rxBytes', 'ms']) {
    const cell = page.getByTestId(testIds.liveTable).locator(`[data-column="${column}"]`).first();
    expect(await cell.evaluate((element) => getComputedStyle(element).textAlign), column).toBe('right');
  }
  const csv = (await page.getByTestId(testIds.exportCsv).boundingBox()) as { y: number };
  const json = (await page.getByTestId(testIds.exportJson).boundingBox()) as { y: number };
  expect(Math.abs(csv.y - json.y)).toBeLessThan(4);
});

test('tcplife opens with the sessions recorded before; a heat-map cell shows the rows behind it', async ({ page }) => {
  // Sessions made before anyone looks: the flight recorder keeps their rows.
  const before: Array<Awaited<ReturnType<typeof tcpExchange>>> = [];
  for (let i = 0; i < 4; i++) before.push(await tcpExchange(700, 3000));
  await signIn(page);
  await openTool(page, 'tcplife');
  // Each exchange's client side by both its ports: a later exchange's listener may take an earlier client's port.
  await expect
    .poll(async () => {
      const [lports, rports] = [await columnTexts(page, 'lport'), await columnTexts(page, 'rport')];
      return lports.filter((port, row) => before.some((exchange) => String(exchange.clientPort) === port && String(exchange.serverPort) === rports[row]))
        .length;
    })
    .toBe(4);
  for (let i = 0; i < 6; i++) await tcpExchange(700, 3000);

  await page.getByTestId(testIds.viewHeatMap).click();
  const summary = page.getByTestId(testIds.heatMapSelection);
  // Every session has its row: the percentiles are worked out exactly from them.
  await expect(page.getByTestId(testIds.heatMapPercentiles)).toContainText('(exact)');
  // Space pauses the map as it pauses a table.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await expect(page.getByTestId(testIds.heatMapPause)).toHaveAttribute('aria-pressed', 'true');
  // Tab reaches the map; the cursor starts on the newest cell with events; Enter selects it.
  const plot = page.getByTestId(testIds.heatMap).locator('.heat-map__plot');
  for (let i = 0; i < 80 && !(await plot.evaluate((element) => element === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(plot).toBeFocused();
  await expect(page.getByRole('tooltip')).toContainText(/[1-9][\d,]* events?/);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/bucket=\d+/);
  await expect(summary).toContainText('events in the cell');
  const cellEvents = Number(/([\d,]+) events in the cell/.exec((await summary.textContent()) ?? '')?.[1]?.replaceAll(',', ''));
  expect(cellEvents).toBeGreaterThan(0);
  await saveScreenshot(page, '31-tcplife-cell');

  await page.getByTestId(testIds.heatMapShowRows).click();
  await expect(page.getByTestId(testIds.tableSelection)).toBeVisible();
  const bucket = Number(/bucket=(\d+)/.exec(page.url())?.[1]);
  const durations = (await columnTexts(page, 'ms')).map(Number);
  expect(durations.length).toBeGreaterThan(0);
  // A frame and its rows are told apart only in the few ms between the second and the frame's read.
  expect(Math.abs(durations.length - cellEvents)).toBeLessThanOrEqual(1);
  const [low, high] = bucket === 0 ? [0, 2] : [2 ** bucket, 2 ** (bucket + 1)];
  for (const ms of durations) {
    expect(ms * 1000).toBeGreaterThanOrEqual(low - 10);
    expect(ms * 1000).toBeLessThan(high + 10);
  }
  await saveScreenshot(page, '32-tcplife-rows-behind-cell');
  await page.getByTestId(testIds.tableSelectionClear).click();
  await expect(page.getByTestId(testIds.tableSelection)).toHaveCount(0);
});

test('a shared table opens elsewhere with the same rows, filters and sort, and stays as it was', async ({ page, browser }) => {
  const { token } = agent();
  await signIn(page);
  await openTool(page, 'execsnoop');
  const execs = runKnownExecs('bpfscope-tshare', 5);
  await page.getByTestId(testIds.tableFilter).fill('bpfscope-tshare');
  await page.getByTestId(testIds.columnHeader('pid')).click();
  await page.getByTestId(testIds.columnHeader('pid')).click();
  await expect(page.getByTestId(testIds.rowCount)).toContainText('5 of');
  await page.getByTestId(testIds.share).click();
  const link = await page.getByTestId(testIds.shareLink).inputValue();
  expect(link).toMatch(/\/snapshot\/[A-Za-z0-9_-]{16}\?/);
  expect(link).not.toContain(token);

  const context = await browser.newContext();
  const colleague = await context.newPage();
  await colleague.goto(link);
  await colleague.getByTestId(testIds.tokenInput).fill(token);
  await colleague.getByTestId(testIds.tokenSave).click();
  await expect(colleague.getByTestId(testIds.snapshotBanner)).toBeVisible();
  await expect(colleague.getByTestId(testIds.tableFilter)).toHaveValue('bpfscope-tshare');
  await expect(colleague.getByTestId(testIds.columnHeader('pid'))).toContainText('▼');
  await expect(colleague.getByTestId(testIds.rowCount)).toHaveText(/^5( of [\d,]+)? rows$/);
  const descending = execs.map((exec) => exec.pid).sort((a, b) => b - a);
  expect((await columnTexts(colleague, 'pid')).map(Number)).toEqual(descending);
  // A snapshot: later execs are not in it.
  runKnownExecs('bpfscope-tshare', 3, 5);
  await colleague.waitForTimeout(1000);
  await expect(colleague.getByTestId(testIds.rowCount)).toHaveText(/^5( of [\d,]+)? rows$/);
  await saveScreenshot(colleague, '33-table-snapshot');
  await context.close();
});

test('fsslower says what its threshold hid, offers to lower it, and shows OFF_KB as bcc does', async ({ page }) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-fsslower-'));
  // Opens its file first (an open can be slow), then 4 KB writes at 8 MiB, each microseconds.
  const writer = spawn(process.execPath, [
    '-e',
    `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(path.join(directory, 'offsets.dat'))}, 'w');
     process.stdout.write('ready\\n');
     process.stdin.once('data', () => setInterval(() => fs.writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 8 * 1024 * 1024), 25));`,
  ]);
  try {
    await new Promise<void>((resolve) => createInterface({ input: writer.stdout }).once('line', () => resolve()));
    await signIn(page);
    await page.goto(`${agent().url}/#/tool/fsslower?params=${encodeURIComponent(JSON.stringify({ pid: writer.pid }))}`);
    await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
    // The header says what the tool shows; how it works is one click away.
    await expect(page.getByTestId(testIds.toolTitle)).toContainText('fsslower');
    const how = page.getByTestId(testIds.toolHowItWorks);
    expect(await how.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(false);
    await how.locator('summary').click();
    await expect(how).toContainText('system calls only');
    writer.stdin.write('go\n');
    await expect(page.getByTestId(testIds.tableEmpty)).toContainText(/0 of [1-9][\d,]* operations were slower than 10 ms/);
    await saveScreenshot(page, '34-fsslower-empty');
    await page.getByTestId(testIds.lowerThresholdToZero).click();
    await expect(page).toHaveURL(/minMs%22%3A0/);
    await expect.poll(async () => (await columnTexts(page, 'offset')).length).toBeGreaterThan(3);
    expect(new Set(await columnTexts(page, 'offset'))).toEqual(new Set(['8192']));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportCsv).click()]);
    const csv = readFileSync((await download.path()) as string, 'utf8').split('\r\n');
    expect(csv[0]).toContain('OFF_KB');
    expect(csv[1]?.split(',')[5]).toBe('8192');
    await saveScreenshot(page, '35-fsslower-rows');
  } finally {
    writer.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a live view the agent is about to end can be kept; after the end, kept without losing its rows', async ({ page }) => {
  const short = await startAgent(['--max-session-seconds', '8', '--record', 'none']);
  try {
    const target = { url: short.url, token: short.token, host: new URL(short.url).host };
    await signIn(page, target);
    await openTool(page, 'execsnoop');
    const endsSoon = page.getByTestId(testIds.sessionEndsSoon);
    await expect(endsSoon).toContainText('ends this live view at');
    const firstEnd = /at (\d\d:\d\d:\d\d)/.exec((await endsSoon.textContent()) ?? '')?.[1];
    await page.waitForTimeout(2500);
    await page.getByTestId(testIds.keepWatching).click();
    await expect.poll(async () => /at (\d\d:\d\d:\d\d)/.exec((await endsSoon.textContent()) ?? '')?.[1]).not.toBe(firstEnd);
    runKnownExecs('bpfscope-keep', 3);
    await page.getByTestId(testIds.tableFilter).fill('bpfscope-keep');
    await expect(page.getByTestId(testIds.rowCount)).toContainText('3 of');
    // Not kept this time: the agent ends it, and the table keeps what it showed.
    await expect(page.getByTestId(testIds.sessionEnded)).toContainText('maximum duration', { timeout: 20_000 });
    await saveScreenshot(page, '36-session-ended');
    await page.getByTestId(testIds.keepWatching).click();
    await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
    runKnownExecs('bpfscope-keep', 2, 3);
    await expect(page.getByTestId(testIds.rowCount)).toContainText('5 of');
  } finally {
    await short.stop();
  }
});
