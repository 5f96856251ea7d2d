// Heat maps against the real kernel: block I/O the test makes fills the cells; a
// selected range shared as a snapshot opens, in another browser, as the same data
// and the same pixels.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, saveScreenshot, tcpExchange, testIds } from '../support/agent.ts';

async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

const heatMapTotal = async (page: Page) => Number(await page.getByTestId(testIds.heatMap).getAttribute('data-total'));

/** 200 O_DIRECT 64 KiB writes with fsync, on the disk under the repository (ext4 here). */
function directWrites(): void {
  const directory = mkdtempSync(path.join(fileURLToPath(new URL('../artifacts/', import.meta.url)), 'io-'));
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path.join(directory, 'data')}`, 'bs=64k', 'count=200', 'oflag=direct', 'conv=fsync'], { stdio: 'ignore' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('biolatency: I/O fills the heat map; a shared selection opens identically in a fresh browser', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const { token } = agent();
  await signIn(page);
  await page.getByTestId(testIds.tool('biolatency')).click();
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  // The hour: the agent of this run is younger, so no earlier test's I/O slides out of the window while this counts.
  await page.getByTestId(testIds.heatMapWindow).selectOption('3600');
  const before = await heatMapTotal(page);
  directWrites();
  // Every write is a block I/O: the cells fill by at least that many within a couple of frames.
  await expect.poll(() => heatMapTotal(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 200);
  await page.getByTestId(testIds.heatMapWindow).selectOption('60');
  await expect(page.getByTestId(testIds.rangeHistogram)).toBeVisible();
  await saveScreenshot(page, '12-biolatency-live');

  // Select the last 40% of the window by dragging across the map, up to its
  // right edge (the drag stops at the plot): the writes are in the newest column.
  const canvas = page.getByTestId(testIds.heatMap).locator('.heat-map__plot');
  const box = (await canvas.boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.move(box.x + box.width * 0.58, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page).toHaveURL(/sel=\d+-\d+/);
  await expect(page.getByTestId(testIds.heatMapSelection)).toContainText('Selected');
  const selectedTotal = Number(await page.getByTestId(testIds.rangeHistogram).getAttribute('data-total'));
  expect(selectedTotal).toBeGreaterThanOrEqual(200);

  await page.getByTestId(testIds.share).click();
  const link = await page.getByTestId(testIds.shareLink).inputValue();
  expect(link).toMatch(/\/snapshot\/[A-Za-z0-9_-]{16}\?/);
  expect(link).toContain('sel=');
  expect(link).not.toContain(token);

  // The sharer's own view of the link, then a colleague's fresh browser.
  await page.goto(link);
  await expect(page.getByTestId(testIds.snapshotBanner)).toBeVisible();
  await page.mouse.move(0, 0);
  // The fingerprint is worked out just after the paint.
  await expect(page.getByTestId(testIds.heatMap)).toHaveAttribute('data-digest', /^[0-9a-f]{8}$/);
  const mine = {
    digest: await page.getByTestId(testIds.heatMap).getAttribute('data-digest'),
    total: await page.getByTestId(testIds.rangeHistogram).getAttribute('data-total'),
    pixels: await page.getByTestId(testIds.heatMap).locator('.heat-map__plot').screenshot(),
  };
  expect(Number(mine.total)).toBe(selectedTotal);
  await saveScreenshot(page, '13-biolatency-snapshot');

  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const colleague = await context.newPage();
  await colleague.goto(link);
  await colleague.getByTestId(testIds.tokenInput).fill(token);
  await colleague.getByTestId(testIds.tokenSave).click();
  await expect(colleague.getByTestId(testIds.snapshotBanner)).toBeVisible();
  await expect(colleague.getByTestId(testIds.heatMapSelection)).toContainText('Selected');
  await colleague.mouse.move(0, 0);
  await expect(colleague.getByTestId(testIds.heatMap)).toHaveAttribute('data-digest', mine.digest as string);
  expect(await colleague.getByTestId(testIds.rangeHistogram).getAttribute('data-total')).toBe(mine.total);
  expect((await colleague.getByTestId(testIds.heatMap).locator('.heat-map__plot').screenshot()).equals(mine.pixels)).toBe(true);
  await saveScreenshot(colleague, '14-biolatency-snapshot-colleague');
  await context.close();
});

test('tcplife has a heat map of session durations beside its table', async ({ page }) => {
  await signIn(page);
  await page.getByTestId(testIds.tool('tcplife')).click();
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  await page.getByTestId(testIds.viewHeatMap).click();
  await expect(page).toHaveURL(/show=heatmap/);
  const before = await heatMapTotal(page);
  for (let i = 0; i < 5; i++) await tcpExchange(1024, 2048);
  // Both ends of each session close: two rows, two durations, per exchange.
  await expect.poll(() => heatMapTotal(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 10);
  await saveScreenshot(page, '15-tcplife-heatmap');
  await page.getByTestId(testIds.viewTable).click();
  await expect(page.getByTestId(testIds.liveTable)).toBeVisible();
  // Behind the table the heat map stays laid out, hidden; shown again it has
  // what arrived meanwhile.
  await expect(page.getByTestId(testIds.heatMap)).toBeHidden();
  const shownBefore = (await page.getByTestId(testIds.rowCount).textContent()) ?? '';
  await tcpExchange(1024, 2048);
  await expect(page.getByTestId(testIds.rowCount)).not.toHaveText(shownBefore);
  await page.getByTestId(testIds.viewHeatMap).click();
  await expect(page.getByTestId(testIds.heatMap)).toBeVisible();
  await expect.poll(() => heatMapTotal(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 12);
});

test('runqlat shows the recorded past at once', async ({ page }) => {
  // Nothing thrown in the page meanwhile, the idle-time heat-map warm-up included.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // What the agent's socket sends: the history's frames packed (issue 17), never as an object per frame.
  const received: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => received.push(String(payload))));
  await signIn(page);
  await page.getByTestId(testIds.tool('runqlat')).click();
  // The flight recorder has run since the agent started: history arrives with the first batch.
  await expect(page.getByTestId(testIds.heatMapHistory)).toContainText(/[1-9]\d* s of history/);
  await expect.poll(() => heatMapTotal(page)).toBeGreaterThan(0);
  await saveScreenshot(page, '16-runqlat');
  expect(errors).toEqual([]);
  expect(received.some((payload) => payload.includes('"packedFrames":{"format":"bpfscope.histogram-frames.v1"'))).toBe(true);
  expect(received.filter((payload) => payload.includes('"frames":[{'))).toEqual([]);
});

test('runqlat per process: series named "comm (pid)", ranked by events or p99, found by search, picked from the keyboard', async ({ page }) => {
  test.setTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // CPU-bound processes with a known comm (a symlink's name is what exec calls a task), more than the CPUs so they wait.
  const directory = mkdtempSync(path.join(fileURLToPath(new URL('../artifacts/', import.meta.url)), 'spin-'));
  const executable = path.join(directory, 'e2e-spin-named');
  symlinkSync('/bin/sh', executable);
  const spinners = Array.from({ length: cpus().length + 1 }, () => spawn(executable, ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  try {
    const pid = spinners[0]?.pid as number;
    const { url, host } = agent();
    await signIn(page);
    await page.goto(`${url}/#/host/${host}/tool/runqlat?params=${encodeURIComponent(JSON.stringify({ perProcess: true }))}`);
    await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
    const trigger = page.getByTestId(testIds.heatMapSeries);
    await expect(trigger).toContainText('all, added up');
    const options = page.getByTestId(testIds.heatMapSeriesOption);
    // The list is added up when it opens: wait until the spinners have a few frames.
    await expect
      .poll(
        async () => {
          await trigger.click();
          await page.getByTestId(testIds.heatMapSeriesSearch).fill('e2e-spin-named');
          const count = await options.count();
          await page.keyboard.press('Escape');
          return count;
        },
        { timeout: 15_000 },
      )
      .toBe(1 + spinners.length);

    // From the keyboard: the trigger opens on ArrowDown with the search focused.
    await trigger.focus();
    await page.keyboard.press('ArrowDown');
    const search = page.getByTestId(testIds.heatMapSeriesSearch);
    await expect(search).toBeFocused();
    // At most ten series and "all, added up" first, however many processes ran.
    expect(await options.count()).toBeLessThanOrEqual(11);
    await expect(options.first()).toHaveAttribute('data-label', '');
    await expect(options.first()).toContainText('all, added up');
    await page.getByTestId(testIds.heatMapSeriesRank('p99')).click();
    await expect(page.getByTestId(testIds.heatMapSeriesRank('p99'))).toHaveAttribute('aria-pressed', 'true');
    await expect(search).toBeFocused();
    await search.pressSequentially(String(pid));
    await expect(options).toHaveCount(2);
    const option = options.nth(1);
    await expect(option).toHaveAttribute('data-label', String(pid));
    // Named, counted, and its p99 with its unit.
    await expect(option).toContainText(`e2e-spin-named (${pid})`);
    await expect(option.locator('span').nth(1)).toHaveText(/^[1-9][\d,]*$/);
    // The p99's log2 bucket, in units: "8.19 ms – 16.4 ms".
    await expect(option.locator('span').nth(2)).toHaveText(/^[\d.]+ (µs|ms|s) – [\d.]+ (µs|ms|s)$/);
    await saveScreenshot(page, '17-runqlat-series-picker');
    // The best match is under Enter; the pid is what the link keeps.
    await expect(search).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id')) as string);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(testIds.heatMapSeriesList)).toBeHidden();
    await expect(trigger).toBeFocused();
    await expect(trigger).toContainText(`e2e-spin-named (${pid})`);
    await expect(page).toHaveURL(new RegExp(`series=${pid}(&|$)`));
    await expect.poll(() => heatMapTotal(page)).toBeGreaterThan(0);

    // Back to all of them with the arrows; Escape leaves the choice alone.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    await expect(trigger).toContainText(`e2e-spin-named (${pid})`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('Enter');
    await expect(trigger).toContainText('all, added up');
    await expect(page).not.toHaveURL(/series=/);
    expect(errors).toEqual([]);
  } finally {
    for (const spinner of spinners) spinner.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
});

test('biolatency per disk: the disk the test writes to is a series in the picker, with its I/Os', async ({ page }) => {
  const { url, host } = agent();
  await signIn(page);
  await page.goto(`${url}/#/host/${host}/tool/biolatency?params=${encodeURIComponent(JSON.stringify({ perDisk: true }))}`);
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  directWrites();
  const trigger = page.getByTestId(testIds.heatMapSeries);
  const events = async () => {
    await trigger.click();
    const counts = await page.getByTestId(testIds.heatMapSeriesOption).locator('span:nth-child(2)').allTextContents();
    await page.keyboard.press('Escape');
    return Math.max(0, ...counts.slice(1).map((text) => Number(text.replace(/,/g, ''))));
  };
  // Disks have no comm: the label alone ("vda").
  await expect.poll(events, { timeout: 10_000 }).toBeGreaterThanOrEqual(200);
  await trigger.click();
  await expect(page.getByTestId(testIds.heatMapSeriesOption).nth(1)).toHaveAttribute('data-label', /^\S+$/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/series=[^&]+/);
  await expect(trigger).not.toContainText('all, added up');
});
