// opensnoop and tcpconnect in the app against a real agent: the test fails some opens and
// some connects itself, and sees exactly those rows under bcc's column names, at both
// window sizes and in both themes, without scrolling.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, closedPort, saveScreenshot, signIn, testIds } from '../support/agent.ts';

const ROWS = 5;

async function openTool(page: Page, tool: string, params: Record<string, unknown>): Promise<void> {
  await page.goto(`${agent().url}/#/tool/${tool}?params=${encodeURIComponent(JSON.stringify(params))}`);
  await expect(page.getByTestId(testIds.toolTitle)).toContainText(tool);
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
}

const headers = (page: Page) => page.getByTestId(testIds.liveTable).locator('[role="columnheader"]').allTextContents();
const cells = (page: Page, column: string) => page.getByTestId(testIds.tableRow).locator(`[data-column="${column}"]`).allTextContents();

/** Every row on screen: the last one ends above the bottom of the window. */
async function expectRowsInView(page: Page, height: number): Promise<void> {
  const last = (await page.getByTestId(testIds.tableRow).last().boundingBox()) as { y: number; height: number };
  expect(last.y + last.height).toBeLessThanOrEqual(height);
}

/** A number column's header text ends where its numbers end (no scrollbar or sort mark pushing it left). */
async function expectHeaderOverNumbers(page: Page, column: string, header: string): Promise<void> {
  const edges = await page.evaluate(
    ([key, title]) => {
      const textRight = (element: Element | null | undefined) => {
        if (!element) return Number.NaN;
        const range = document.createRange();
        range.selectNodeContents(element);
        return range.getBoundingClientRect().right;
      };
      const heading = [...document.querySelectorAll('[role="columnheader"] .sort-button')].find((button) => button.firstChild?.textContent === title);
      const cell = document.querySelector(`[data-column="${key}"]`);
      return { header: textRight(heading), cell: textRight(cell) };
    },
    [column, header] as const,
  );
  expect(Math.abs(edges.header - edges.cell), `${header}: header text ends at ${edges.header}, its numbers at ${edges.cell}`).toBeLessThanOrEqual(2);
}

/** Connects to a loopback port nothing listens on: refused by the kernel's RST. */
async function refusedConnect(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => reject(new Error(`port ${port} accepted`)));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve() : reject(error)));
  });
}

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`opensnoop's failed opens and tcpconnect's refused connects at ${width}×${height}, ${theme} theme`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.addInitScript((chosen) => localStorage.setItem('bpfscope.theme', chosen), theme);
      await signIn(page);

      // opensnoop -x: cat opening paths that do not exist, each an ERR 2 row with its path.
      await openTool(page, 'opensnoop', { failedOnly: true });
      const marker = `bpfscope-e2e-missing-${randomBytes(4).toString('hex')}`;
      await page.getByTestId(testIds.tableFilter).fill(marker);
      const paths = Array.from({ length: ROWS }, (_, i) => path.join(tmpdir(), `${marker}-${i}`));
      const pids = paths.map((file) => spawnSync('cat', [file], { stdio: 'ignore' }).pid as number);
      await expect(page.getByTestId(testIds.tableRow)).toHaveCount(ROWS);
      expect(await headers(page)).toEqual(['PID', 'COMM', 'FD', 'ERR', 'PATH']);
      expect(await cells(page, 'path')).toEqual(paths);
      expect(await cells(page, 'pid')).toEqual(pids.map(String));
      expect(await cells(page, 'comm')).toEqual(paths.map(() => 'cat'));
      expect(await cells(page, 'fd')).toEqual(paths.map(() => '-1'));
      expect(await cells(page, 'err')).toEqual(paths.map(() => '2'));
      await expectRowsInView(page, height);
      await saveScreenshot(page, `70-opensnoop-${width}x${height}-${theme}`);

      // tcpconnect: connects to a closed loopback port, each ending ECONNREFUSED, by this test's process.
      await openTool(page, 'tcpconnect', {});
      const port = await closedPort();
      await page.getByTestId(testIds.columnFilter('rport')).fill(String(port));
      for (let i = 0; i < ROWS; i++) await refusedConnect(port);
      await expect(page.getByTestId(testIds.tableRow)).toHaveCount(ROWS);
      expect(await headers(page)).toEqual(['PID', 'COMM', 'IP', 'SADDR', 'DADDR', 'DPORT', 'RESULT']);
      expect(await cells(page, 'pid')).toEqual(Array.from({ length: ROWS }, () => String(process.pid)));
      expect(await cells(page, 'ipVersion')).toEqual(Array.from({ length: ROWS }, () => '4'));
      expect(await cells(page, 'laddr')).toEqual(Array.from({ length: ROWS }, () => '127.0.0.1'));
      expect(await cells(page, 'raddr')).toEqual(Array.from({ length: ROWS }, () => '127.0.0.1'));
      expect(await cells(page, 'rport')).toEqual(Array.from({ length: ROWS }, () => String(port)));
      expect(await cells(page, 'result')).toEqual(Array.from({ length: ROWS }, () => 'ECONNREFUSED'));
      await expectHeaderOverNumbers(page, 'pid', 'PID');
      await expectHeaderOverNumbers(page, 'rport', 'DPORT');
      await expectRowsInView(page, height);
      await saveScreenshot(page, `71-tcpconnect-${width}x${height}-${theme}`);
    });
  }
}
