// USDT probes in the probe builder: a python3 the test runs, its executable picked from the process's binaries, its
// own probes listed from .note.stapsdt (provider:name and argument types) beside its functions; gc__start picked, its
// argument offered as arg1 with its type; applied, the rows of the collections the workload asks for, and the form
// folded to its spec so the rows (and an argdist heat map of the same probe) are on screen at 1280×720.
import { spawn } from 'node:child_process';
import { readlinkSync, realpathSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { agent, saveScreenshot, testIds } from '../support/agent.ts';

async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

/** Debian's python3, built with --with-dtrace (a pyenv one first on PATH may not be). */
const PYTHON = '/usr/bin/python3';

/** A python3 asking for a full (generation 2) collection 20 times a second: python:gc__start(2) each time. */
function gcLoop(): ChildProcess {
  return spawn(PYTHON, ['-c', 'import gc, time\nwhile True:\n    gc.collect(2)\n    time.sleep(0.05)'], { stdio: 'ignore' });
}

/** The bottom of an element, which must be on screen without scrolling. */
async function bottomOf(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('not laid out');
  return box.y + box.height;
}

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`a USDT probe picked from a process's binary runs, its form folds, its rows on screen at ${width}×${height}, ${theme} theme`, async ({ page }) => {
      const { url } = agent();
      const loop = gcLoop();
      try {
        const pid = loop.pid as number;
        await page.setViewportSize({ width, height });
        await page.addInitScript((chosen) => localStorage.setItem('bpfscope.theme', chosen), theme);
        await signIn(page);
        await page.goto(`${url}/#/tool/trace`);
        const spec = page.getByTestId(testIds.paramField('probes'));
        // A uprobe first: the process, then its executable; its USDT probes are counted beside its functions.
        await page.getByTestId(testIds.probeKind).selectOption('uprobe');
        await page.getByTestId(testIds.probeProcess).fill(String(pid));
        const processes = page.getByTestId(`${testIds.probeProcess}-choices`);
        await expect(processes).toContainText('python3');
        await processes.getByRole('button', { name: String(pid), exact: true }).click();
        const binary = page.getByTestId(testIds.probeBinary);
        // Its executable, listed first: the interpreter itself, with its probes in it.
        const pythonOption = binary.locator('option', { hasText: /^python3[.\d]* · \// });
        await expect(pythonOption).toHaveCount(1);
        const python = (await pythonOption.getAttribute('value')) as string;
        expect(python).toBe(realpathSync(PYTHON));
        await binary.selectOption(python);
        const count = page.getByTestId(testIds.probeUsdtCount);
        await expect(count).toHaveText(/^\d+ USDT probes$/);
        await saveScreenshot(page, `65-probe-builder-usdt-beside-symbols-${width}x${height}-${theme}`);
        await count.click();
        await expect(page.getByTestId(testIds.probeKind)).toHaveValue('usdt');
        await expect(spec).toHaveValue(`u:${python}:`);
        // The binary's probes, filtered by what is typed, each with its arguments' types from the note.
        const probe = page.getByTestId(testIds.probeUsdt);
        await probe.fill('gc');
        const listed = page.getByTestId(`${testIds.probeUsdt}-choices`);
        await expect(listed.getByRole('button', { name: /^python:gc__start/ })).toContainText('1 arg: s32');
        await expect(listed.getByRole('button', { name: /^python:gc__done/ })).toContainText('1 arg: s64');
        await expect(listed.getByRole('button')).toHaveCount(2);
        // The builder and the spec's check (a long "no USDT probe gc" while typing) stay within the width.
        for (const testId of [testIds.probeBuilder, testIds.paramsForm]) {
          const box = (await page.getByTestId(testId).boundingBox()) as { x: number; width: number };
          expect(box.x + box.width).toBeLessThanOrEqual(width);
        }
        await saveScreenshot(page, `65-probe-builder-usdt-list-${width}x${height}-${theme}`);
        await listed.getByRole('button', { name: /^python:gc__start/ }).click();
        await expect(spec).toHaveValue(`u:${python}:python:gc__start`);
        await expect(page.getByTestId(testIds.probeUsdtArgs)).toHaveText('1 arg: s32');
        // No signature for a USDT probe: its values are arg1..argN, as many as the note gives, offered with their type.
        await expect(page.getByTestId(testIds.probeSignature)).toHaveCount(0);
        const filter = page.getByTestId(testIds.probeFilterLeft);
        await filter.fill('arg');
        const values = page.getByTestId(`${testIds.probeFilterLeft}-choices`);
        await expect(values.getByRole('button', { name: /^arg1/ })).toContainText('s32');
        await expect(values.getByRole('button', { name: /^arg2/ })).toHaveCount(0);
        await values.getByRole('button', { name: /^arg1/ }).click();
        await page.getByTestId(testIds.probeFilterValue).fill('2');
        await page.getByTestId(testIds.probeFormat).fill('gc of generation %d');
        await page.getByTestId(testIds.probeArgs).fill('arg1');
        const built = `u:${python}:python:gc__start (arg1 == 2) "gc of generation %d", arg1`;
        await expect(spec).toHaveValue(built);
        await expect(page.getByTestId(testIds.probeCheck)).toHaveAttribute('data-points', '1');
        await page.getByTestId(testIds.paramsApply).click();
        await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');

        // Applied: the form is its spec in a line, and the workload's rows are on screen.
        const summary = page.getByTestId(testIds.paramsSummary);
        await expect(summary).toContainText(built);
        await expect(summary).toContainText(`pid ${pid}`);
        await expect(page.getByTestId(testIds.probeBuilder)).toHaveCount(0);
        const rows = page.getByTestId(testIds.tableRow);
        await expect.poll(() => rows.count()).toBeGreaterThan(5);
        await expect(rows.first()).toContainText('gc of generation 2');
        for (const text of (await rows.allTextContents()).slice(0, 20)) expect(text).toContain('gc of generation 2');
        expect(await bottomOf(summary)).toBeLessThan(height / 4);
        expect(await bottomOf(rows.nth(5))).toBeLessThanOrEqual(height);
        await saveScreenshot(page, `66-usdt-folded-${width}x${height}-${theme}`);
        // Edit unfolds it as it was.
        await page.getByTestId(testIds.paramsEdit).click();
        await expect(spec).toHaveValue(built);
        await expect(page.getByTestId(testIds.probeUsdt)).toHaveValue('python:gc__start');
      } finally {
        loop.kill();
      }
    });
  }
}

test('an argdist histogram of a USDT probe’s argument: once applied, its heat map is on screen at 1280×720', async ({ page }) => {
  const { url } = agent();
  const loop = gcLoop();
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await signIn(page);
    await page.goto(`${url}/#/tool/argdist`);
    const python = readlinkSync(`/proc/${loop.pid as number}/exe`);
    await page.getByTestId(testIds.paramField('histogram')).fill(`u:${python}:python:gc__start():int:arg1`);
    await page.getByTestId(testIds.paramField('pid')).fill(String(loop.pid as number));
    await expect(page.getByTestId(testIds.probeCheck)).toHaveAttribute('data-points', '1');
    await page.getByTestId(testIds.paramsApply).click();
    await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
    await expect(page.getByTestId(testIds.paramsSummary)).toContainText('python:gc__start');
    await page.getByTestId(testIds.viewHeatMap).click();
    const heatMap = page.getByTestId(testIds.heatMap);
    await expect(heatMap).toBeVisible();
    // Its cells: every full collection is generation 2, one log2 bucket, in plain numbers (not a time).
    const percentiles = page.getByTestId(testIds.heatMapPercentiles);
    await expect(percentiles).toHaveText(' · p50 in 2 – 4 · p90 in 2 – 4 · p99 in 2 – 4', { timeout: 10_000 });
    expect(await bottomOf(heatMap)).toBeLessThanOrEqual(720);
    await saveScreenshot(page, '67-usdt-argdist-heatmap-1280x720');
  } finally {
    loop.kill();
  }
});
