// Chromium comes from Debian (/usr/bin/chromium): Playwright never downloads a browser here.
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium.ts';

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  // One agent, one kernel: tests run one after another so BPF program counts stay meaningful.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  globalSetup: './support/globalSetup.ts',
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 860 },
    screenshot: 'only-on-failure',
    acceptDownloads: true,
    launchOptions: chromiumLaunchOptions,
  },
});
