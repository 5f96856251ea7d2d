// Flame graphs against the real kernel: a program that spends ~70% of its CPU in
// spin_hot, profiled through the app; search, zoom, export, and a shared link that
// reopens the same graph in another browser. The "Folded" export is byte for byte
// what bpfscope-tool prints for the same profile. A whole-system profile opens on
// its root; a capture outlives leaving its tool.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { profileOutput } from '@bpfscope/bpf-core';
import type { FoldedProfile } from '@bpfscope/bpf-core';
import { packProfile } from '@bpfscope/formats';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { agent, saveScreenshot, secondAgent, testIds } from '../support/agent.ts';

const fixture = fileURLToPath(new URL('../../packages/bpf-core/test/fixtures/cpuSpin.c', import.meta.url));
/** The folded-text fixture @bpfscope/formats is tested on: kernel frames, wakers, `;` and line breaks in frames, names past U+FFFF, time slots. */
const formatsFixture = (name: string) => readFileSync(new URL(`../../packages/formats/test/fixtures/${name}`, import.meta.url), 'utf8');

/**
 * A thread spinning 80 calls deep (frame pointers, no inlining): its tower is
 * taller than any screen, the case where a graph opened on its top shows only tips.
 */
const DEEP_STACK_SOURCE = `#include <stdio.h>
static volatile unsigned long sink;
static void spin(void) { for (;;) sink++; }
static void descend(int depth) { if (depth == 0) spin(); else descend(depth - 1); sink++; }
int main(void) { printf("ready\\n"); fflush(stdout); descend(80); return 0; }
`;

/** The ground-truth workload, built with frame pointers so its user stacks reach main. */
async function startSpinner(): Promise<ChildProcess> {
  return startProgram(fixture, 'cpuspin', ['60']);
}

async function startDeepStack(): Promise<ChildProcess> {
  const directory = mkdtempSync(path.join(fileURLToPath(new URL('../artifacts/', import.meta.url)), 'deep-'));
  const source = path.join(directory, 'deepstack.c');
  writeFileSync(source, DEEP_STACK_SOURCE);
  return startProgram(source, 'deepstack', []);
}

async function startProgram(source: string, name: string, args: string[]): Promise<ChildProcess> {
  const directory = mkdtempSync(path.join(fileURLToPath(new URL('../artifacts/', import.meta.url)), 'spin-'));
  const binary = path.join(directory, name);
  execFileSync('cc', ['-O0', '-fno-omit-frame-pointer', '-fno-inline', '-o', binary, source]);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cpuspin exited (${code})`)));
  });
  return child;
}

/** The graph's root frame. */
const rootFrame = (graph: Locator) => graph.locator('g.frame', { hasText: /^all$/ });

/**
 * A frame lies wholly inside the box the graph scrolls in and the viewport: on
 * screen without scrolling. (toBeInViewport's ratio counts the frame's stroke,
 * half a pixel past the box on either side, so it is never 1 for a full-width frame.)
 */
async function expectFrameShown(page: Page, frame: Locator): Promise<void> {
  await expect(frame).toBeInViewport();
  // The fill's box, without the stroke that Playwright's boundingBox counts.
  const bounds = (locator: Locator) =>
    locator.evaluate((element) => element.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number });
  const rect = await bounds(frame.locator('rect'));
  const box = await bounds(page.getByTestId(testIds.flameGraph).locator('.flame-graph__scroll'));
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('no viewport');
  expect(rect.y).toBeGreaterThanOrEqual(Math.max(0, box.y));
  expect(rect.y + rect.height).toBeLessThanOrEqual(Math.min(viewport.height, box.y + box.height));
  expect(rect.x).toBeGreaterThanOrEqual(box.x);
  expect(rect.x + rect.width).toBeLessThanOrEqual(Math.min(viewport.width, box.x + box.width));
}

/** The tooltip's box, hovering the right end of a frame, lies wholly in the viewport. */
async function expectTooltipOnScreen(page: Page, frame: Locator): Promise<void> {
  const box = await frame.boundingBox();
  if (!box) throw new Error('the frame is not laid out');
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toBeVisible();
  const shown = await tooltip.boundingBox();
  const viewport = page.viewportSize();
  if (!shown || !viewport) throw new Error('no tooltip box');
  expect(shown.x).toBeGreaterThanOrEqual(0);
  expect(shown.y).toBeGreaterThanOrEqual(0);
  expect(shown.x + shown.width).toBeLessThanOrEqual(viewport.width);
  expect(shown.y + shown.height).toBeLessThanOrEqual(viewport.height);
  await page.mouse.move(0, 0);
}

/** A capture of `seconds` with the params applied, waited for until it is drawn. */
async function captureFor(page: Page, seconds: number): Promise<void> {
  await page.getByTestId(testIds.captureDuration).selectOption(String(seconds));
  await page.getByTestId(testIds.captureStart).click();
  await expect(page.getByTestId(testIds.captureStatus)).toContainText('captured at', { timeout: 20_000 });
}

/** A query to the agent over tRPC's HTTP protocol (one call, not batched), with the test's token. */
async function agentQuery<T>(procedure: string, input?: unknown): Promise<T> {
  const { url, token } = agent();
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${url}/trpc/${procedure}${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${procedure}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

/** Clicks the "Folded" export and reads the file the browser saved. */
async function exportedFolded(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportFolded).click()]);
  expect(download.suggestedFilename()).toMatch(/\.folded\.txt$/);
  return readFileSync(await download.path());
}

/** Byte for byte, with a readable diff first when they differ. */
function expectSameBytes(saved: Buffer, printed: string): void {
  expect(saved.toString('utf8')).toBe(printed);
  expect(saved.equals(Buffer.from(printed, 'utf8'))).toBe(true);
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

    // A 5 s capture is 5 s on the FlameScope's axis, whatever a late timer added.
    const scope = page.getByTestId(testIds.flameScope);
    await expect(scope).toHaveAttribute('data-seconds', '5');
    const stats = page.getByTestId(testIds.profileStats);
    await expect(stats).toContainText('over 5.0 s ·');
    // Seconds 1 to 3, every row: the stats line speaks of that range, not of the capture.
    const plot = await scope.locator('canvas').boundingBox();
    if (!plot) throw new Error('no FlameScope canvas');
    const column = (plot.width - 56 - 10) / 5;
    await page.mouse.move(plot.x + 56 + 1.5 * column, plot.y + 9);
    await page.mouse.down();
    await page.mouse.move(plot.x + 56 + 3.5 * column, plot.y + plot.height - 23);
    await page.mouse.up();
    await expect(scope).toHaveAttribute('data-selection', '1000-4000');
    await expect(stats).toContainText('over 3.0 s of 5.0 s ·');
    const rangeTotal = Number(await graph.getAttribute('data-total'));
    expect(rangeTotal).toBeGreaterThan(total * 0.4);
    expect(rangeTotal).toBeLessThan(total * 0.8);
    await page.getByRole('button', { name: 'Whole capture' }).click();
    await expect(stats).toContainText('over 5.0 s ·');

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
    await expect(page.getByTestId(testIds.flameMatched)).toContainText(/matched/i);

    // Zoom into main: the graph says so.
    await graph
      .locator('g.frame', { hasText: /^main$/ })
      .first()
      .click();
    await expect(graph).toHaveAttribute('data-zoomed', 'main');
    await saveScreenshot(page, '18-profile-search-zoom');

    // Exports: folded text with the functions, gzipped pprof, a standalone SVG.
    const [folded] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testIds.exportFolded).click()]);
    const foldedText = readFileSync(await folded.path(), 'utf8');
    const lines = foldedText.trim().split('\n');
    const sum = (pattern: string) => lines.filter((line) => line.includes(pattern)).reduce((value, line) => value + Number(line.split(' ').pop()), 0);
    expect(sum('')).toBe(total);
    expect(sum('main;spin_hot')).toBeGreaterThan(sum('main;spin_cold'));
    // "N stacks" counts distinct stacks, the folded lines, not each stack once per 20 ms slot.
    await expect(stats).toContainText(` ${lines.length} ${lines.length === 1 ? 'stack' : 'stacks'} ·`);
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
    // Zoomed where it was shared: main spans the graph, with its reset button.
    await expect(shared).toHaveAttribute('data-zoomed', 'main');
    await expect(colleague.getByRole('button', { name: 'Reset zoom' })).toBeVisible();
    const sharedMain = await shared
      .locator('g.frame', { hasText: /^main$/ })
      .first()
      .boundingBox();
    const sharedChart = await shared.locator('svg').boundingBox();
    if (!sharedMain || !sharedChart) throw new Error('the shared graph is not laid out');
    expect(sharedMain.width).toBeGreaterThan(sharedChart.width * 0.98);
    await saveScreenshot(colleague, '19-profile-shared');
    await context.close();

    // A second capture compared with the first: a differential flame graph.
    await captureFor(page, 2);
    await page.getByTestId(testIds.flameCompare).selectOption({ index: 1 });
    await expect(graph).toHaveAttribute('data-palette', 'diff');
    await expect(graph).toHaveAttribute('data-ready', 'true');
    await expect(graph.locator('g.frame', { hasText: 'spin_hot' }).first()).toBeVisible();
    // What the colours mean, on the page with the graph.
    const legend = page.getByTestId(testIds.flameDiffLegend);
    await expect(legend).toBeInViewport();
    await expect(legend).toContainText('grew');
    await expect(legend).toContainText('shrank');
    // The root runs the graph's width at the bottom of the view: its right end puts the tooltip at two screen edges.
    await expectFrameShown(page, rootFrame(graph));
    await expectTooltipOnScreen(page, rootFrame(graph));
    await expect(page.getByRole('tooltip')).toHaveCount(0);
    await saveScreenshot(page, '20-profile-diff');
  } finally {
    spinner.kill('SIGKILL');
  }
});

test("the Folded export is byte for byte bpfscope-tool's folded text of the same profile", async ({ page }) => {
  test.setTimeout(90_000);
  // A program of known user frames runs during the capture: on a quiet host the whole system is only a few stacks.
  const spinner = await startSpinner();
  try {
    await foldedExportMatchesCli(page);
  } finally {
    spinner.kill('SIGKILL');
  }
});

async function foldedExportMatchesCli(page: Page): Promise<void> {
  await signIn(page);
  await page.getByTestId(testIds.tool('profile')).click();
  // Every process: kernel threads, idle, whatever runs.
  await expect(page.getByTestId(testIds.paramField('pid'))).toHaveValue('');
  await captureFor(page, 2);
  const graph = page.getByTestId(testIds.flameGraph);
  await expect(graph).toHaveAttribute('data-ready', 'true');
  // The same capture's profile from the agent, as tRPC serves it, printed the way `bpfscope-tool profile` prints it.
  const [latest] = await agentQuery<Array<{ id: string; tool: string; state: string }>>('profiles.list');
  expect(latest).toMatchObject({ tool: 'profile', state: 'done' });
  const { profile } = await agentQuery<{ profile?: FoldedProfile }>('profiles.get', { id: latest?.id });
  if (!profile) throw new Error('the capture has no profile');
  const printed = profileOutput(profile, { json: false });
  expect(printed.split('\n').length).toBeGreaterThan(3);
  expect(printed).toContain('spin_hot');
  expect(printed).toContain('_[k]');
  expectSameBytes(await exportedFolded(page), printed);

  // The shared fixture, delivered by the agent in place of the next capture's profile, packed as the page asks for it:
  // the frames folded text must write carefully, through the frame table and back.
  const tricky = JSON.parse(formatsFixture('profile.json')) as FoldedProfile;
  let replaced = 0;
  await page.route(
    (url) => url.pathname.startsWith('/trpc/') && url.pathname.includes('profiles.get'),
    async (route) => {
      const url = new URL(route.request().url());
      const procedures = decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(',');
      const response = await route.fetch();
      const body = (await response.json()) as unknown;
      type Result = { result?: { data?: { profile?: unknown; packedProfile?: unknown } } };
      const results = (url.searchParams.has('batch') ? body : [body]) as Result[];
      procedures.forEach((procedure, index) => {
        const data = results[index]?.result?.data;
        if (procedure === 'profiles.get' && data?.profile) throw new Error('the page asked for the profile as JSON objects, not packed');
        if (procedure === 'profiles.get' && data?.packedProfile) {
          data.packedProfile = packProfile(tricky);
          replaced++;
        }
      });
      await route.fulfill({ response, json: body });
    },
  );
  await captureFor(page, 2);
  await expect(graph).toHaveAttribute('data-total', String(tricky.stacks.reduce((sum, stack) => sum + stack.value, 0)));
  expect(replaced).toBeGreaterThan(0);
  await expect(graph).toHaveAttribute('data-ready', 'true');
  const saved = await exportedFolded(page);
  expectSameBytes(saved, profileOutput(tricky, { json: false }));
  expectSameBytes(saved, formatsFixture('profile.folded'));
}

test("a flame graph of one host compared with another host's", async ({ page }) => {
  test.setTimeout(90_000);
  const spinner = await startSpinner();
  try {
    await signIn(page);
    const other = secondAgent();
    // Both agents run on this machine: the same program, profiled through each.
    await page.getByTestId(testIds.tool('profile')).click();
    await page.getByTestId(testIds.paramField('pid')).fill(String(spinner.pid));
    await page.getByTestId(testIds.paramsApply).click();
    await captureFor(page, 2);

    await page.getByTestId(testIds.addHostInput).fill(other.host);
    await page.getByTestId(testIds.addHostButton).click();
    await page.getByTestId(testIds.tokenInput).fill(other.token);
    await page.getByTestId(testIds.tokenSave).click();
    // Same tool and params on the other host; its own capture, compared with the first host's.
    await expect(page.getByTestId(testIds.toolTitle)).toContainText('profile');
    await expect(page.getByTestId(testIds.paramField('pid'))).toHaveValue(String(spinner.pid));
    await captureFor(page, 2);
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

test('a whole-system profile opens on its root and widest frames, at any window size, without scrolling', async ({ page }) => {
  test.setTimeout(90_000);
  const deep = await startDeepStack();
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await signIn(page);
    await page.getByTestId(testIds.tool('profile')).click();
    // Every process: no pid.
    await expect(page.getByTestId(testIds.paramField('pid'))).toHaveValue('');
    await page.getByTestId(testIds.captureDuration).selectOption('2');
    await page.getByTestId(testIds.captureStart).click();
    const graph = page.getByTestId(testIds.flameGraph);
    await expect(graph).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await expect(graph.locator('g.frame', { hasText: /^deepstack$/ })).toHaveCount(1);
    const scroller = graph.locator('.flame-graph__scroll');
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1280, height: 720 },
    ]) {
      await page.setViewportSize(viewport);
      // The 80-call tower is taller than the box the graph scrolls in: the case that opened on its tips.
      expect(await scroller.evaluate((box) => box.scrollHeight > box.clientHeight)).toBe(true);
      await expectFrameShown(page, rootFrame(graph));
      await expectFrameShown(page, graph.locator('g.frame', { hasText: /^deepstack$/ }));
      // One scroll box, the graph's: the page around it does not scroll.
      expect(await page.locator('.profile-view').evaluate((view) => view.scrollHeight <= view.clientHeight)).toBe(true);
      expect(await page.locator('.main').evaluate((main) => main.scrollTop)).toBe(0);
      await saveScreenshot(page, `22-profile-whole-system-${viewport.width}x${viewport.height}`);
    }
    // An icicle opens on its root too, at the top.
    await graph.getByRole('checkbox', { name: 'Icicle' }).check();
    await expect(graph).toHaveAttribute('data-inverted', 'true');
    await expectFrameShown(page, rootFrame(graph));
    expect(await scroller.evaluate((box) => box.scrollTop)).toBe(0);
    // A frame at the right edge, at the top: the tooltip still lies on the screen.
    await expectTooltipOnScreen(page, rootFrame(graph));
  } finally {
    deep.kill('SIGKILL');
  }
});

test('a capture outlives leaving its tool, finished or still running', async ({ page }) => {
  test.setTimeout(90_000);
  const spinner = await startSpinner();
  try {
    await signIn(page);
    await page.getByTestId(testIds.tool('profile')).click();
    await page.getByTestId(testIds.paramField('pid')).fill(String(spinner.pid));
    await page.getByTestId(testIds.paramsApply).click();
    await captureFor(page, 2);
    const status = page.getByTestId(testIds.captureStatus);
    const graph = page.getByTestId(testIds.flameGraph);
    await expect(graph).toHaveAttribute('data-ready', 'true');
    const captured = await status.textContent();
    const total = await graph.getAttribute('data-total');

    // profile → execsnoop → profile: the same capture, drawn again.
    await page.getByTestId(testIds.tool('execsnoop')).click();
    await expect(page.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
    await page.getByTestId(testIds.tool('profile')).click();
    await expect(status).toHaveText(captured ?? '');
    await expect(graph).toHaveAttribute('data-ready', 'true');
    await expect(graph).toHaveAttribute('data-total', total ?? '');

    // One still running: its progress when back, and its result once it ends, away or not.
    await page.getByTestId(testIds.captureDuration).selectOption('5');
    await page.getByTestId(testIds.captureStart).click();
    await expect(status).toContainText('capturing with perf_event');
    await page.getByTestId(testIds.tool('execsnoop')).click();
    await expect(page.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
    await page.getByTestId(testIds.tool('profile')).click();
    await expect(status).toContainText(/capturing with perf_event… \d \/ 5 s/);
    await expect(page.getByTestId(testIds.captureStart)).toBeDisabled();
    await expect(page.getByTestId(testIds.captureDuration)).toHaveValue('5');
    await page.getByTestId(testIds.tool('execsnoop')).click();
    await expect(page.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
    await page.waitForTimeout(6_000);
    await page.getByTestId(testIds.tool('profile')).click();
    await expect(status).toContainText('captured at', { timeout: 2_000 });
    await expect(status).not.toHaveText(captured ?? '');
    await expect(graph).toHaveAttribute('data-ready', 'true');
    // The first capture is there to compare with.
    await expect(page.getByTestId(testIds.flameCompare).locator('option')).toHaveCount(2);

    // offcputime's state: its default once, no '(any)' beside 'any'.
    await page.getByTestId(testIds.tool('offcputime')).click();
    const state = page.getByTestId(testIds.paramField('state'));
    await expect(state).toHaveValue('any');
    const choices = await state.locator('option').allTextContents();
    expect(choices).not.toContain('(any)');
    expect(choices.filter((choice) => choice === 'any')).toHaveLength(1);
  } finally {
    spinner.kill('SIGKILL');
  }
});
