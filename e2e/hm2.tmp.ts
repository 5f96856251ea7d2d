import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium.ts';
import { startAgent } from './support/globalSetup.ts';
const agent = await startAgent();
const browser = await chromium.launch(chromiumLaunchOptions);
for (let i = 0; i < 3; i++) {
  const page = await browser.newPage({ viewport: { width: 3800, height: 800 } });
  await page.goto(`${agent.url}/heatmap-bench.html`);
  await page.waitForFunction(() => 'heatMapBench' in window, undefined, { timeout: 60_000 });
  const r = await page.evaluate(() => [(window as any).heatMapBench.firstRenderMs, (window as any).heatMapBench.firstPaintMs, (window as any).marks.slice(0, 8)]);
  console.log(JSON.stringify(r));
  await page.close();
}
await browser.close(); await agent.stop();
