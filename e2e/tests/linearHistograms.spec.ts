// argdist --linear in the browser: reads of a known size land in their linear
// bucket, and the heat map, its range histogram and its percentiles name the
// buckets as ranges, at both sizes and in both themes.
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, saveScreenshot, testIds } from '../support/agent.ts';

async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`argdist --linear: dd's 1,500-byte reads in [1024, 1536), at ${width}×${height}, ${theme} theme`, async ({ page }) => {
      const { url } = agent();
      await page.setViewportSize({ width, height });
      await page.addInitScript((chosen) => localStorage.setItem('bpfscope.theme', chosen), theme);
      await signIn(page);
      await page.goto(`${url}/#/tool/argdist`);
      await page.getByTestId(testIds.paramField('histogram')).fill('t:syscalls:sys_enter_read():size_t:args->count:$comm == "dd"');
      await page.getByTestId(testIds.paramField('linear')).fill('0, 4096, 512');
      await page.getByTestId(testIds.paramsApply).click();
      await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
      await page.getByTestId(testIds.viewHeatMap).click();
      spawnSync('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1500', 'count=300'], { stdio: 'ignore' });
      const histogram = page.getByTestId(testIds.rangeHistogram);
      // 1,500 is in the fourth bucket of 512: [1024, 1536); the bucket row says so, as bpftrace's lhist would.
      const bucket = histogram.getByRole('row').filter({ hasText: '[1024, 1536)' });
      await expect
        .poll(async () => Number((await bucket.getByRole('cell').nth(2).textContent())?.replace(/,/g, '')), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(300);
      await expect(histogram).toContainText('(..., 0)');
      await expect(page.getByTestId(testIds.heatMapPercentiles)).toContainText('p50 in 1.02 K – 1.54 K');
      await saveScreenshot(page, `70-argdist-linear-${width}x${height}-${theme}`);
    });
  }
}
