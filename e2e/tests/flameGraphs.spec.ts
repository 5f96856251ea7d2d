// Flame graphs against the real kernel: a program that spends ~70% of its CPU in
// spin_hot, profiled through the app; search, zoom, export, and a shared link that
// reopens the same graph in another browser.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, saveScreenshot, secondAgent, testIds } from '../support/agent.ts';

const fixture = fileURLToPath(new URL('../../packages/bpf-core/test/fixtures/cpuSpin.c', import.meta.url));

/** The ground-truth workload, built with frame pointers so its user stacks reach main. */
async function startSpinner(): Promise<ChildProcess> {
  const directory = mkdtempSync(path.join(fileURLToPath(new URL('../artifacts/', import.meta.url)), 'spin-'));
  const binary = path.join(directory, 'cpuspin');
  execFileSync('cc', ['-O0', '-fno-omit-frame-pointer', '-fno-inline', '-o', binary, fixture]);
  const child = spawn(binary, ['60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cpuspin exited (${code})`)));
  });
  return child;
}

async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

test('CPU profile of a known program: its function, search, zoom, exports, and a shared link', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const spinner = await startSpinner();
  try {
    await signIn(page);
    await page.getByTestId(testIds.tool('profile')).click();
    await page.getByTestId(testIds.paramField('pid')).fill(String(spinner.pid));
    await page.getByTestId(testIds.paramField('frequency')).fill('99');
    await page.getByTestId(testIds.paramsApply).click();
    await page.getByTestId(testIds.captureDuration).selectOption('5');
    await page.getByTestId(testIds.captureStart).click();
    await expect(page.getByTestId(testIds.captureStatus)).toContainText('capturing with perf_event');
    const graph = page.getByTestId(testIds.flameGraph);
    await expect(graph).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    // 99 Hz for 5 s of one busy thread: about 495 samples.
    const total = Number(await graph.getAttribute('data-total'));
    expect(total).toBeGreaterThan(350);
    expect(total).toBeLessThan(600);
    await expect(graph.locator('g.frame', { hasText: 'spin_hot' }).first()).toBeVisible();
    await saveScreenshot(page, '17-profile');

    // The narrowest frame drawn: every frame at least that wide, the total unchanged.
    const narrowest = () => graph.locator('g.frame rect').evaluateAll((rects) => Math.min(...rects.map((rect) => Number(rect.getAttribute('width')))));
    const framesBefore = Number(await graph.getAttribute('data-frames'));
    await page.getByTestId(testIds.flameMinWidth).selectOption('4');
    await expect.poll(narrowest).toBeGreaterThan(4);
    expect(Number(await graph.getAttribute('data-frames'))).toBeLessThanOrEqual(framesBefore);
    expect(Number(await graph.getAttribute('data-total'))).toBe(total);
    await page.getByTestId(testIds.flameMinWidth).selectOption('1');
    await expect.poll(() => graph.getAttribute('data-frames').then(Number)).toBe(framesBefore);

    // Search: spin_hot is ~70% of the samples of this process.
    await page.getByTestId(testIds.flameSearch).fill('spin_hot');
    await expect(graph).toHaveAttribute('data-search', 'spin_hot');
    const matched = Number(await graph.getAttribute('data-matched-percent'));
    expect(matched).toBeGreaterThan(60);
    expect(matched).toBeLessThan(80);
    await expect(page.getByTestId(testIds.flameMatched)).toContainText('matched');

    // Zoom into main: the graph says so.
    await graph.locator('g.frame', { hasText: /^main$/ }).first().click();
    await expect(graph).toHaveAttribute('data-zoomed', 'main');
    await saveScreenshot(page, '18-profile-search-zoom');

    // Exports: folded text with the functions, gzipped pprof, a standalone SVG.
    const [folded] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportFolded).click()]);
    const foldedText = readFileSync(await folded.path(), 'utf8');
    const lines = foldedText.trim().split('\n');
    const sum = (pattern: string) => lines.filter((line) => line.includes(pattern)).reduce((value, line) => value + Number(line.split(' ').pop()), 0);
    expect(sum('')).toBe(total);
    expect(sum('main;spin_hot')).toBeGreaterThan(sum('main;spin_cold'));
    const [pprof] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportPprof).click()]);
    const pprofBytes = readFileSync(await pprof.path());
    expect(pprof.suggestedFilename()).toMatch(/\.pb\.gz$/);
    expect(gunzipSync(pprofBytes).length).toBeGreaterThan(100);
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportSvg).click()]);
    const svgText = readFileSync(await svg.path(), 'utf8');
    expect(svgText).toMatch(/^<\?xml|^<svg/);
    expect(svgText).toContain('spin_hot');

    // Share, then the same graph, search and total in a fresh browser.
    await page.getByTestId(testIds.share).click();
    const link = await page.getByTestId(testIds.shareLink).inputValue();
    expect(link).toMatch(/\/snapshot\/[A-Za-z0-9_-]{16}/);
    expect(link).toContain('q=spin_hot');
    const context = await browser.newContext();
    const colleague = await context.newPage();
    await colleague.goto(link);
    await colleague.getByTestId(testIds.tokenInput).fill(agent().token);
    await colleague.getByTestId(testIds.tokenSave).click();
    await expect(colleague.getByTestId(testIds.snapshotBanner)).toBeVisible();
    const shared = colleague.getByTestId(testIds.flameGraph);
    await expect(shared).toHaveAttribute('data-ready', 'true');
    expect(await shared.getAttribute('data-total')).toBe(String(total));
    expect(await shared.getAttribute('data-matched-percent')).toBe(matched.toFixed(2));
    await saveScreenshot(colleague, '19-profile-shared');
    await context.close();

    // A second capture compared with the first: a differential flame graph.
    await page.getByTestId(testIds.captureDuration).selectOption('2');
    await page.getByTestId(testIds.captureStart).click();
    await expect(page.getByTestId(testIds.captureStatus)).toContainText('captured at', { timeout: 20_000 });
    await page.getByTestId(testIds.flameCompare).selectOption({ index: 1 });
    await expect(graph).toHaveAttribute('data-palette', 'diff');
    await expect(graph).toHaveAttribute('data-ready', 'true');
    await expect(graph.locator('g.frame', { hasText: 'spin_hot' }).first()).toBeVisible();
    // Frames grow in over d3-flame-graph's 300 ms transition.
    await page.waitForTimeout(500);
    await saveScreenshot(page, '20-profile-diff');
  } finally {
    spinner.kill('SIGKILL');
  }
});

test('a flame graph of one host compared with another host\'s', async ({ page }) => {
  test.setTimeout(90_000);
  const spinner = await startSpinner();
  try {
    await signIn(page);
    const other = secondAgent();
    // Both agents run on this machine: the same program, profiled through each.
    await page.getByTestId(testIds.tool('profile')).click();
    await page.getByTestId(testIds.paramField('pid')).fill(String(spinner.pid));
    await page.getByTestId(testIds.paramsApply).click();
    await page.getByTestId(testIds.captureDuration).selectOption('2');
    await page.getByTestId(testIds.captureStart).click();
    await expect(page.getByTestId(testIds.captureStatus)).toContainText('captured at', { timeout: 20_000 });

    await page.getByTestId(testIds.addHostInput).fill(other.host);
    await page.getByTestId(testIds.addHostButton).click();
    await page.getByTestId(testIds.tokenInput).fill(other.token);
    await page.getByTestId(testIds.tokenSave).click();
    // Same tool and params on the other host; its own capture, compared with the first host's.
    await expect(page.getByTestId(testIds.toolTitle)).toContainText('profile');
    await expect(page.getByTestId(testIds.paramField('pid'))).toHaveValue(String(spinner.pid));
    await page.getByTestId(testIds.captureDuration).selectOption('2');
    await page.getByTestId(testIds.captureStart).click();
    await expect(page.getByTestId(testIds.captureStatus)).toContainText('captured at', { timeout: 20_000 });
    const compare = page.getByTestId(testIds.flameCompare);
    await expect(compare.locator('option').nth(1)).toContainText(agent().host);
    await compare.selectOption({ index: 1 });
    const graph = page.getByTestId(testIds.flameGraph);
    await expect(graph).toHaveAttribute('data-palette', 'diff');
    await expect(graph.locator('g.frame', { hasText: 'spin_hot' }).first()).toBeVisible();
    await page.waitForTimeout(500);
    await saveScreenshot(page, '21-profile-diff-two-hosts');
  } finally {
    spinner.kill('SIGKILL');
  }
});
