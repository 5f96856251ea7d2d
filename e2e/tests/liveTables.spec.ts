// The app against a real agent and real BPF: pick a tool, make the kernel do known
// things, see exactly those rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, runKnownExecs, saveScreenshot, tcpExchange, testIds } from '../support/agent.ts';

/** Opens the app through the sign-in link `make start` prints, and waits for the host to connect. */
async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
  // The token was taken out of the address bar at once.
  expect(page.url()).not.toContain(token);
}

async function pickTool(page: Page, tool: string): Promise<void> {
  await page.getByTestId(testIds.tool(tool)).click();
  await expect(page.getByTestId(testIds.toolTitle)).toContainText(tool);
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
}

function columnTexts(page: Page, column: string) {
  return page.getByTestId(testIds.liveTable).locator(`[data-column="${column}"]`).allTextContents();
}

test('execsnoop shows the execs the test runs, with their pids and args', async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId(testIds.tool('execsnoop'))).toContainText('tracepoint');
  await saveScreenshot(page, '01-signed-in');
  await pickTool(page, 'execsnoop');
  const marker = `bpfscope-e2e-${Date.now()}`;
  const execs = runKnownExecs(marker, 20);
  await page.getByTestId(testIds.tableFilter).fill(marker);
  await expect(page.getByTestId(testIds.tableRow)).toHaveCount(20);
  await expect(page.getByTestId(testIds.rowCount)).toContainText('20 of');
  expect(await columnTexts(page, 'argv')).toEqual(execs.map((exec) => exec.argv.join(' ')));
  // What the session's BPF programs cost, as the kernel measured them (every second).
  await expect(page.getByTestId(testIds.bpfCost)).toHaveText(/^BPF [\d.]+ (ns|µs|ms)\/event · ([\d.]+|<0\.01) % CPU$/);
  expect(await columnTexts(page, 'pid')).toEqual(execs.map((exec) => String(exec.pid)));
  expect(await columnTexts(page, 'pcomm')).toEqual(execs.map(() => 'echo'));
  expect(await columnTexts(page, 'ret')).toEqual(execs.map(() => '0'));
  await saveScreenshot(page, '02-execsnoop');

  // Sort by PID, descending: the same rows, newest pid first.
  await page.getByTestId(testIds.columnHeader('pid')).click();
  await page.getByTestId(testIds.columnHeader('pid')).click();
  const descending = [...execs].sort((a, b) => b.pid - a.pid).map((exec) => String(exec.pid));
  expect(await columnTexts(page, 'pid')).toEqual(descending);
  expect(page.url()).toContain('sort=pid%3Adesc');

  // Per-column filter narrows to one exec.
  await page.getByTestId(testIds.columnFilter('argv')).fill(`${marker} 7`);
  await expect(page.getByTestId(testIds.tableRow)).toHaveCount(1);
  await expect(page.getByTestId(testIds.tableRow).locator('[data-column="pid"]')).toHaveText(String(execs[7]?.pid));
  await page.getByTestId(testIds.columnFilter('argv')).fill('');

  // Paused: the stream goes on and is counted, the table holds still; resume shows it.
  await page.getByTestId(testIds.pauseButton).click();
  const later = runKnownExecs(marker, 5, 20);
  await expect(page.getByTestId(testIds.waitingCount)).toContainText(/[1-9]\d* waiting/);
  await expect(page.getByTestId(testIds.tableRow)).toHaveCount(20);
  await saveScreenshot(page, '03-paused');
  await page.getByTestId(testIds.pauseButton).click();
  await expect(page.getByTestId(testIds.tableRow)).toHaveCount(25);
  expect(await columnTexts(page, 'pid')).toContain(String(later[4]?.pid));
  await expect(page.getByTestId(testIds.droppedIndicator)).toHaveText('0 dropped');

  // CSV export is what is shown: bcc's headers, 25 rows, sorted by pid descending.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportCsv).click()]);
  expect(download.suggestedFilename()).toMatch(/^execsnoop-.*\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\r\n');
  expect(csv[0]).toBe('TIME,PCOMM,PID,PPID,RET,ARGS');
  expect(csv).toHaveLength(26);
  expect(csv.slice(1).map((line) => line.split(',')[2])).toEqual([...execs, ...later].sort((a, b) => b.pid - a.pid).map((exec) => String(exec.pid)));

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportJson).click()]);
  const json = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8')) as Array<{ pid: number; argv: string[] }>;
  expect(json).toHaveLength(25);
  expect(json.find((row) => row.pid === execs[3]?.pid)?.argv).toEqual(execs[3]?.argv);
});

test('the row cap keeps the newest rows and says how many it dropped; only visible rows are in the page', async ({ page }) => {
  await signIn(page);
  await pickTool(page, 'execsnoop');
  await page.getByTestId(testIds.rowCap).selectOption('1000');
  const marker = `bpfscope-cap-${Date.now()}`;
  runKnownExecs(marker, 1200);
  // Rows arrive in order: once the last exec is on screen, every one of them came in.
  await expect(page.getByTestId(testIds.liveTable).getByText(`${marker} 1199`)).toBeVisible();
  await expect(page.getByTestId(testIds.rowCount)).toHaveText('1,000 rows');
  await expect(page.getByTestId(testIds.droppedIndicator)).toContainText(/^\d[\d,]* dropped \(cap [1-9]/);
  const dropped = Number((await page.getByTestId(testIds.droppedIndicator).textContent())?.split(' ')[0]?.replaceAll(',', ''));
  expect(dropped).toBeGreaterThanOrEqual(200);
  // Virtualized: a thousand rows, a screenful of them in the DOM.
  expect(await page.getByTestId(testIds.tableRow).count()).toBeLessThan(120);
  await saveScreenshot(page, '04-row-cap');
});

test('tcplife shows the TCP session the test makes, with exact ports and sizes', async ({ page }) => {
  await signIn(page);
  await pickTool(page, 'tcplife');
  const exchange = await tcpExchange(10 * 1024, 20 * 1024 + 100);
  await page.getByTestId(testIds.columnFilter('rport')).fill(String(exchange.serverPort));
  await page.getByTestId(testIds.columnFilter('lport')).fill(String(exchange.clientPort));
  const row = page.getByTestId(testIds.tableRow);
  await expect(row).toHaveCount(1);
  await expect(row.locator('[data-column="pid"]')).toHaveText(String(process.pid));
  await expect(row.locator('[data-column="laddr"]')).toHaveText('127.0.0.1');
  await expect(row.locator('[data-column="raddr"]')).toHaveText('127.0.0.1');
  await expect(row.locator('[data-column="txBytes"]')).toHaveText('10');
  await expect(row.locator('[data-column="rxBytes"]')).toHaveText('20');
  await expect(row.locator('[data-column="ms"]')).toHaveText(/^\d+\.\d\d$/);
  await saveScreenshot(page, '05-tcplife');
});

test('params are validated in the form, and applied params restart the session with them', async ({ page }) => {
  await signIn(page);
  await pickTool(page, 'execsnoop');
  await page.getByTestId(testIds.paramField('maxArgs')).fill('99');
  await page.getByTestId(testIds.paramsApply).click();
  await expect(page.getByTestId(testIds.paramError('maxArgs'))).toHaveText('at most 60');
  await saveScreenshot(page, '06-params-invalid');

  await page.getByTestId(testIds.paramField('maxArgs')).fill('2');
  await page.getByTestId(testIds.paramField('nameContains')).fill('bpfscope-params');
  await page.getByTestId(testIds.paramsApply).click();
  expect(decodeURIComponent(page.url())).toContain('params={"maxArgs":2,"nameContains":"bpfscope-params"}');
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  runKnownExecs('bpfscope-params', 1);
  runKnownExecs('bpfscope-other', 1);
  // Only the matching exec, with its args cut at 2 the way bcc marks it.
  await expect(page.getByTestId(testIds.tableRow)).toHaveCount(1);
  await expect(page.getByTestId(testIds.tableRow).locator('[data-column="argv"]')).toHaveText('/bin/echo bpfscope-params ...');
});

test("cachestat's time series draws its columns each interval, and says which cannot be counted on this host", async ({ page }) => {
  await signIn(page);
  await page.goto(`${agent().url}/#/tool/cachestat?params=${encodeURIComponent(JSON.stringify({ interval: 1 }))}&show=timeseries`);
  await expect(page.getByTestId(testIds.viewTimeSeries)).toHaveAttribute('aria-selected', 'true');
  // Page-cache activity the test makes: written, then read cold after dropping the file's pages.
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-cachestat-'));
  try {
    const file = path.join(directory, 'data');
    execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'conv=fsync'], { stdio: 'ignore' });
    const memory = page.getByTestId(testIds.timeSeriesChart('memory'));
    await expect.poll(async () => Number(await memory.getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    // Counted columns show a figure; a column this kernel cannot count says so, never a made-up 0.
    await expect(memory.locator('li[data-column="cachedMb"]')).toContainText(/\d/);
    const pageCache = page.getByTestId(testIds.timeSeriesChart('page cache'));
    const hits = pageCache.locator('li[data-column="hits"]');
    if ((await hits.getAttribute('data-counted')) === 'false') await expect(hits).toContainText('not counted on this host');
    await expect(pageCache.locator('li[data-column="misses"]')).toHaveAttribute('data-counted', 'true');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
