// The host overview, the landing view of every host: opened from a link with 0 clicks it shows the USE
// table and every 60-second checklist panel filled, the recorded heat maps with their hour, one click from
// the tool that explains a cell; CPU-bound processes the test starts turn CPU saturation to a warning.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, saveScreenshot, secondAgent, tcpExchange, testIds } from '../support/agent.ts';

const PANELS = ['vmstat', 'mpstat', 'pidstat', 'iostat', 'free', 'sar-dev', 'sar-tcp'] as const;

async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

/** Some block I/O (O_DIRECT, fsync) on the disk under the repository, so iostat -xz and biolatency have a row. */
function directWrites(): void {
  const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
  mkdirSync(artifacts, { recursive: true });
  const directory = mkdtempSync(path.join(artifacts, 'io-'));
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path.join(directory, 'data')}`, 'bs=64k', 'count=50', 'oflag=direct', 'conv=fsync'], { stdio: 'ignore' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function expectFilled(page: Page): Promise<void> {
  const overview = page.getByTestId(testIds.overview);
  await expect(overview).toBeVisible();
  // The hour before is there at once: many more seconds than the page has been open.
  await expect.poll(async () => Number(await overview.getAttribute('data-samples'))).toBeGreaterThan(5);
  await expect(page.getByTestId(testIds.overviewUptime)).toContainText(/load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d/);
  for (const panel of PANELS) {
    await expect
      .poll(async () => Number(await page.getByTestId(testIds.overviewPanel(panel)).getAttribute('data-rows')), { message: panel })
      .toBeGreaterThan(0);
  }
  // dmesg | tail: the kernel's last records, or why there are none.
  await expect(page.getByTestId(testIds.overviewPanel('dmesg'))).toContainText(/\[\s*\d+\.\d{6}\]|No kernel messages|cannot be read/);
  for (const tool of ['runqlat', 'biolatency', 'tcplife']) {
    await expect
      .poll(async () => Number(await page.getByTestId(testIds.overviewHeatMapChart(tool)).getAttribute('data-total')), { message: tool })
      .toBeGreaterThan(0);
  }
}

test('opening a host shows its overview filled, 0 clicks; a USE cell opens runqlat’s heat map', async ({ page }) => {
  directWrites();
  await tcpExchange(700, 3000);
  await signIn(page);
  await expect(page).toHaveURL(/#\/host\/[^/]+$/);
  await expectFilled(page);
  const use = page.getByTestId(testIds.useTable);
  await expect(page.getByTestId(testIds.useRow('CPUs'))).toBeVisible();
  await expect(page.getByTestId(testIds.useRow('Memory'))).toBeVisible();
  await expect(use.locator('tr[data-testid^="use-row-Disk "]').first()).toBeVisible();
  // The scheduler's row: task capacity against the kernel's limit, runqlat's p99 (recorded here), hung tasks.
  await expect(page.getByTestId(testIds.useCell('Scheduler', 'utilization'))).toContainText(/\d %.*of (threads-max|pid_max) \d+/);
  await expect(page.getByTestId(testIds.useCell('Scheduler', 'saturation'))).toContainText(/≈\d/);
  // Every cell says its figure with a unit (or — when unknown), a verdict, its threshold on hover, and is one click from what explains it.
  for (const cell of await use.locator('td.use-cell').all()) {
    await expect(cell).toHaveAttribute('data-verdict', /^(ok|warning|critical|unknown)$/);
    expect((await cell.locator('[title]').getAttribute('title'))?.length).toBeGreaterThan(0);
    await expect(cell.locator('button.use-cell__drill')).toHaveCount(1);
  }

  // A range selected on the overview: its panels become that range's average, and the link keeps it.
  const plot = page.getByTestId(testIds.overviewHeatMapChart('runqlat')).locator('.heat-map__plot');
  const box = (await plot.boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect(page).toHaveURL(/sel=\d+-\d+/);
  await expect(page.getByTestId(testIds.overviewSelection)).toContainText('Average of');
  // The USE table follows: the range's seconds averaged, as the panels around it.
  await expect(use).toHaveAttribute('data-basis', 'range');
  await expect(use.locator('caption')).toContainText(/s averaged/);
  const selected = /sel=(\d+-\d+)/.exec(page.url())?.[1];

  await page.getByTestId(testIds.useCell('CPUs', 'saturation')).locator('button').click();
  await expect(page).toHaveURL(/\/tool\/runqlat/);
  // The same minutes are selected on the full heat map.
  expect(page.url()).toContain(`sel=${selected}`);
  await expect(page.getByTestId(testIds.heatMap)).toBeVisible();
  await expect(page.getByTestId(testIds.heatMapSelection)).toContainText('Selected');
  // Back to the overview in one click, live again.
  await page.getByTestId(testIds.toolOverview).click();
  await expect(page.getByTestId(testIds.overview)).toBeVisible();
  await expect(page).toHaveURL(/#\/host\/[^/?]+$/);
  // Errors counted from the kernel log point to the dmesg panel on the same page: scrolled to and lit up.
  await page.getByTestId(testIds.useCell('CPUs', 'errors')).locator('button').click();
  await expect(page.getByTestId(testIds.overviewPanel('dmesg'))).toHaveAttribute('data-highlight', 'true');
  await expect(page.getByTestId(testIds.overviewPanel('dmesg'))).toBeInViewport();
  await expect(page).toHaveURL(/#\/host\/[^/]+$/);
});

test('4 CPU-bound processes on this host turn CPU saturation to a warning within seconds, and back', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  const saturation = page.getByTestId(testIds.useCell('CPUs', 'saturation'));
  const value = async () => Number((await saturation.getAttribute('data-value')) || Number.NaN);
  await expect.poll(value).toBeGreaterThanOrEqual(0);
  // Other work on this machine may already queue a little: the load must raise the figure, not only the verdict.
  const before = await value();
  const spinners: ChildProcess[] = [];
  try {
    for (let i = 0; i < 4; i++) spinners.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    await expect(saturation).toHaveAttribute('data-verdict', /^(warning|critical)$/, { timeout: 10_000 });
    await expect.poll(value, { timeout: 10_000 }).toBeGreaterThan(before);
    const loaded = await value();
    await saveScreenshot(page, '40-overview-cpu-saturated');
    // The spinners are among the busiest processes: one click starts a profile of one.
    const rows = page.locator(spinners.map((spinner) => `[data-testid="${testIds.topProcess(spinner.pid as number)}"]`).join(', '));
    await expect(rows.first()).toBeVisible();
    const pid = Number((await rows.first().getAttribute('data-testid'))?.replace('top-process-', ''));
    await page.getByTestId(testIds.profilePid(pid)).click();
    await expect(page).toHaveURL(/\/tool\/profile\?params=/);
    expect(JSON.parse(new URL(page.url().replace('#/', '/')).searchParams.get('params') ?? '{}')).toMatchObject({ pid });
    await expect(page.getByTestId(testIds.captureStatus)).toBeVisible();
    await page.getByTestId(testIds.toolOverview).click();
    for (const spinner of spinners) spinner.kill('SIGKILL');
    await expect.poll(value, { timeout: 20_000 }).toBeLessThan(loaded);
  } finally {
    for (const spinner of spinners) spinner.kill('SIGKILL');
  }
});

test('a host whose agent records nothing: its overview has every checklist panel, and says why there is no heat map', async ({ page }) => {
  const second = secondAgent();
  await signIn(page);
  await page.goto(`${agent().url}/#/host/${second.host}`);
  await page.getByTestId(testIds.tokenInput).fill(second.token);
  await page.getByTestId(testIds.tokenSave).click();
  await expect(page.getByTestId(testIds.overview)).toBeVisible();
  for (const panel of ['vmstat', 'mpstat', 'free', 'sar-dev'] as const) {
    await expect
      .poll(async () => Number(await page.getByTestId(testIds.overviewPanel(panel)).getAttribute('data-rows')), { message: panel })
      .toBeGreaterThan(0);
  }
  // Looking at an overview never attaches a program: a tool the agent does not record is one click away instead.
  for (const tool of ['runqlat', 'biolatency', 'tcplife'])
    await expect(page.getByTestId(testIds.overviewHeatMap(tool))).toContainText('Not recorded by this agent');
  await page.getByTestId(testIds.overviewOpenTool('biolatency')).click();
  await expect(page).toHaveURL(/\/tool\/biolatency/);
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
});

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`the overview at ${width}×${height}, ${theme} theme`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.addInitScript((value) => localStorage.setItem('bpfscope.theme', value), theme);
      await signIn(page);
      await expectFilled(page);
      // The USE table, the heat maps and per-CPU utilization are above the fold.
      for (const testId of [testIds.useTable, testIds.overviewHeatMap('tcplife'), testIds.overviewPanel('pidstat'), testIds.overviewPanel('mpstat')]) {
        const box = await page.getByTestId(testId).boundingBox();
        expect(box, testId).not.toBeNull();
        expect((box as { y: number; height: number }).y + (box as { height: number }).height, testId).toBeLessThanOrEqual(height);
      }
      // Every USE cell's figure and unit in full, and what goes with it: nothing cut to "…".
      await expect(page.getByTestId(testIds.useRow('Scheduler'))).toBeVisible();
      const cut = await page
        .getByTestId(testIds.useTable)
        .locator('td.use-cell')
        .evaluateAll((cells) =>
          cells.flatMap((cell) =>
            [cell, ...cell.querySelectorAll('.use-cell__drill, .use-cell__figure, .use-cell__detail')]
              .filter((element) => element.scrollWidth > element.clientWidth)
              .map((element) => `${cell.getAttribute('data-testid')}: ${element.textContent} (${element.scrollWidth} > ${element.clientWidth})`),
          ),
        );
      expect(cut).toEqual([]);
      // Nothing wider than the page: no sideways scrolling.
      expect(await page.getByTestId(testIds.overview).evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
      await page.mouse.move(0, 0);
      await saveScreenshot(page, `41-overview-${width}x${height}-${theme}`);
    });
  }
}
