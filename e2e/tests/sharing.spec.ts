// Links carry the view and never a token; missing tokens, refused tokens and
// unreachable agents are said plainly where they happen.
import { createServer } from 'node:http';
import os from 'node:os';
import { expect, test } from '@playwright/test';
import { agent, closedPort, runKnownExecs, saveScreenshot, secondAgent, testIds } from '../support/agent.ts';

test('a copied link opens the same tool, params, filters and sort in a fresh browser', async ({ page, browser }) => {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await page.getByTestId(testIds.tool('execsnoop')).click();
  await page.getByTestId(testIds.paramField('includeFailed')).check();
  await page.getByTestId(testIds.paramsApply).click();
  await page.getByTestId(testIds.tableFilter).fill('bpfscope-share');
  await page.getByTestId(testIds.columnFilter('pcomm')).fill('echo');
  await page.getByTestId(testIds.columnHeader('ppid')).click();
  await expect(page).toHaveURL(/sort=ppid%3Aasc/);
  const link = page.url();
  expect(link).not.toContain(token);

  // Someone else: no token for this agent yet, so the app asks for one.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId(testIds.tokenPrompt)).toContainText('No token is stored for this host.');
  await saveScreenshot(other, '07-shared-link-needs-token');
  await other.getByTestId(testIds.tokenInput).fill(token);
  await other.getByTestId(testIds.tokenSave).click();
  await expect(other.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
  await expect(other.getByTestId(testIds.paramField('includeFailed'))).toBeChecked();
  await expect(other.getByTestId(testIds.tableFilter)).toHaveValue('bpfscope-share');
  await expect(other.getByTestId(testIds.columnFilter('pcomm'))).toHaveValue('echo');
  await expect(other.getByTestId(testIds.columnHeader('ppid'))).toContainText('▲');
  await expect(other.getByTestId(testIds.host(host))).toHaveClass(/host--active/);
  await expect(other.getByTestId(testIds.sessionStatus)).toContainText('live');
  const execs = runKnownExecs('bpfscope-share', 3);
  await expect(other.getByTestId(testIds.tableRow)).toHaveCount(3);
  expect(other.url()).toBe(link);
  await saveScreenshot(other, '08-shared-link');
  expect(execs).toHaveLength(3);
  await context.close();
});

test('a wrong token is reported as refused, and the right one recovers', async ({ browser }) => {
  const { url, token } = agent();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/#/tool/execsnoop`);
  await page.getByTestId(testIds.tokenInput).fill('not-the-token');
  await page.getByTestId(testIds.tokenSave).click();
  await expect(page.getByTestId(testIds.hostProblem)).toContainText('refused the token (401)');
  await expect(page.getByTestId(testIds.tokenPrompt)).toContainText('The stored token was refused.');
  await expect(page.getByTestId(testIds.hostStatus)).toHaveText('token refused');
  await saveScreenshot(page, '09-bad-token');
  await page.getByTestId(testIds.tokenInput).fill(token);
  await page.getByTestId(testIds.tokenSave).click();
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  await context.close();
});

test('a host where nothing answers is called unreachable, with Retry and no token form; bad ports are refused', async ({ page }) => {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await page.getByTestId(testIds.tool('execsnoop')).click();
  await page.getByTestId(testIds.tableFilter).fill('kept-filter');
  const port = await closedPort();
  const address = `127.0.0.1:${port}`;
  const entry = page.getByTestId(testIds.host(address));
  const problem = page.getByTestId(testIds.hostProblem);
  await page.getByTestId(testIds.addHostInput).fill(address);
  await page.getByTestId(testIds.addHostButton).click();
  await expect(entry).toHaveClass(/host--active/);
  // Reachability first: no token is asked for a host that is not there.
  await expect(problem).toContainText(`${address} is unreachable: nothing answers at http://${address}`);
  await expect(entry.getByTestId(testIds.hostStatus)).toHaveText('unreachable');
  await expect(page.getByTestId(testIds.tokenPrompt)).toHaveCount(0);
  await expect(problem.getByTestId(testIds.hostRetry)).toBeVisible();
  await expect(entry.getByTestId(testIds.hostRetry)).toBeVisible();
  await expect(page).toHaveTitle(`execsnoop · ${address}`);
  await saveScreenshot(page, '10-unreachable');

  // Something starts answering there that does not allow this page's origin: Retry in the
  // host list says so at once (the next poll is up to 5 s away).
  const server = createServer((_request, response) => response.end('not an agent'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    await entry.getByTestId(testIds.hostRetry).click();
    await expect(problem).toContainText(`${address} answered, but does not allow this page's origin (${url}). Start that agent with --allow-origin ${url}.`, {
      timeout: 2500,
    });
    await expect(entry.getByTestId(testIds.hostStatus)).toHaveText('origin refused');
    await expect(page.getByTestId(testIds.tokenPrompt)).toHaveCount(0);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  // And gone again: Retry in the main pane.
  await problem.getByTestId(testIds.hostRetry).click();
  await expect(problem).toContainText(`${address} is unreachable`, { timeout: 2500 });

  // Bad addresses are refused with a reason, ports out of range too.
  await page.getByTestId(testIds.addHostInput).fill('127.0.0.1:99999');
  await page.getByTestId(testIds.addHostButton).click();
  await expect(page.getByTestId(testIds.addHostError)).toHaveText('port 99999 is out of range: a port is a number from 1 to 65535');
  await expect(page.getByTestId(testIds.host('127.0.0.1:99999'))).toHaveCount(0);
  await page.getByTestId(testIds.addHostInput).fill('no port here');
  await page.getByTestId(testIds.addHostButton).click();
  await expect(page.getByTestId(testIds.addHostError)).toContainText('host:port');

  await page.getByTestId(testIds.host(host)).getByTestId(testIds.hostSelect).click();
  await expect(page.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
  await expect(page.getByTestId(testIds.tableFilter)).toHaveValue('kept-filter');
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  // The tool header gives every other host's verdict too.
  await expect(page.getByTestId(testIds.toolSupportElsewhere)).toContainText(address);
  await entry.getByTestId(testIds.hostRemove).click();
  await expect(entry).toHaveCount(0);
});

test('a linked host with a port out of range is refused; the rest of the link still applies', async ({ page }) => {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
  await page.goto(`${url}/#/host/127.0.0.1:99999,${host}/tool/execsnoop`);
  await expect(page.getByTestId(testIds.linkProblems)).toContainText('host');
  await expect(page.getByTestId(testIds.host('127.0.0.1:99999'))).toHaveCount(0);
  await expect(page.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
});

test('the page title, the top bar and the host list name the host; a reachable host without a token asks for one', async ({ page }) => {
  const { url, token, host } = agent();
  const second = secondAgent();
  const hostname = os.hostname();
  await page.goto(`${url}/#token=${token}`);
  await page.getByTestId(testIds.tool('runqlat')).click();
  await expect(page).toHaveTitle(`runqlat · ${hostname}`);
  await expect(page.locator('.topbar').getByTestId(testIds.hostName)).toHaveText(hostname);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostName)).toHaveText(hostname);
  for (const [width, height] of [
    [1440, 900],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const name of [page.locator('.topbar').getByTestId(testIds.hostName), page.getByTestId(testIds.host(host)).getByTestId(testIds.hostName)]) {
      await expect(name).toBeVisible();
      // Shown whole, not cut by an ellipsis.
      expect(
        await name.evaluate(
          (element) => element.getBoundingClientRect().right <= (element.closest('.host__address, .topbar__host') as HTMLElement).getBoundingClientRect().right,
        ),
      ).toBe(true);
    }
    await saveScreenshot(page, `12-title-and-hostname-${width}`);
  }

  // The second agent answers and allows this page: it asks for a token, and the title uses its address until it has one.
  await page.getByTestId(testIds.addHostInput).fill(second.host);
  await page.getByTestId(testIds.addHostButton).click();
  await expect(page.getByTestId(testIds.tokenPrompt)).toContainText('No token is stored for this host.');
  await expect(page.getByTestId(testIds.host(second.host)).getByTestId(testIds.hostStatus)).toHaveText('needs a token');
  await expect(page).toHaveTitle(`runqlat · ${second.host}`);
  await page.getByTestId(testIds.tokenInput).fill(second.token);
  await page.getByTestId(testIds.tokenSave).click();
  await expect(page).toHaveTitle(`runqlat · ${hostname}`);
  await expect(page.getByTestId(testIds.host(second.host)).getByTestId(testIds.hostName)).toHaveText(hostname);
  await page.getByTestId(testIds.host(second.host)).getByTestId(testIds.hostRemove).click();
});

test('both themes render', async ({ page }) => {
  const { url, token } = agent();
  await page.goto(`${url}/#token=${token}`);
  await page.getByTestId(testIds.tool('tcplife')).click();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const first = await background();
  await page.getByTestId(testIds.themeToggle).click();
  await expect.poll(background).not.toBe(first);
  await saveScreenshot(page, '11-theme-toggled');
  await page.reload();
  await expect.poll(background).not.toBe(first);
});
