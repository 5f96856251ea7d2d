// Links carry the view and never a token; missing tokens, refused tokens and
// unreachable agents are said plainly where they happen.
import { expect, test } from '@playwright/test';
import { agent, runKnownExecs, saveScreenshot, testIds } from '../support/agent.ts';

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

test('an unreachable agent is reported as unreachable; switching back keeps the view', async ({ page }) => {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await page.getByTestId(testIds.tool('execsnoop')).click();
  await page.getByTestId(testIds.tableFilter).fill('kept-filter');
  // Port 1 on loopback: nothing listens there.
  await page.getByTestId(testIds.addHostInput).fill('127.0.0.1:1');
  await page.getByTestId(testIds.addHostButton).click();
  await expect(page.getByTestId(testIds.host('127.0.0.1:1'))).toHaveClass(/host--active/);
  await page.getByTestId(testIds.tokenInput).fill('some-token');
  await page.getByTestId(testIds.tokenSave).click();
  await expect(page.getByTestId(testIds.hostProblem)).toContainText('127.0.0.1:1 is unreachable');
  await expect(page.getByTestId(testIds.host('127.0.0.1:1')).getByTestId(testIds.hostStatus)).toHaveText('unreachable');
  await saveScreenshot(page, '10-unreachable');

  // Bad addresses are refused with a reason.
  await page.getByTestId(testIds.addHostInput).fill('no port here');
  await page.getByTestId(testIds.addHostButton).click();
  await expect(page.getByTestId(testIds.addHostError)).toContainText('host:port');

  await page.getByTestId(testIds.host(host)).getByTestId(testIds.hostSelect).click();
  await expect(page.getByTestId(testIds.toolTitle)).toContainText('execsnoop');
  await expect(page.getByTestId(testIds.tableFilter)).toHaveValue('kept-filter');
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  // The tool header gives every other host's verdict too.
  await expect(page.getByTestId(testIds.toolSupportElsewhere)).toContainText('127.0.0.1:1 unreachable');
  await page.getByTestId(testIds.host('127.0.0.1:1')).getByTestId(testIds.hostRemove).click();
  await expect(page.getByTestId(testIds.host('127.0.0.1:1'))).toHaveCount(0);
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
