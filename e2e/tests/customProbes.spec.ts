// Custom probes in the probe builder: a trace probe typed with completions from the host (a tracepoint, then one of
// its fields), checked before it attaches, its rows from a workload the test runs; the link reruns the same probe in
// a fresh browser.
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { agent, saveScreenshot, testIds } from '../support/agent.ts';

async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

/** Opens `path` `count` times with cat (it does not exist: the open is what is traced). */
function opens(path: string, count: number): void {
  for (let i = 0; i < count; i++) spawnSync('cat', [path], { stdio: 'ignore' });
}

test('a trace probe built with completions from the host streams its rows, and its link reruns it elsewhere', async ({ page, browser }) => {
  const { url, token } = agent();
  const marker = `/tmp/bpfscope-probe-${process.pid}-${Date.now()}`;
  await signIn(page);
  await page.goto(`${url}/#/tool/trace`);
  // Nothing attaches before there is a probe to attach.
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('waiting for probes');
  await expect(page.getByTestId(testIds.tableEmpty)).toContainText('Nothing is attached yet');
  const spec = page.getByTestId(testIds.paramField('probes'));
  await spec.click();
  await spec.pressSequentially('t:syscalls:sys_enter_opena');
  const choices = page.getByTestId(testIds.probeChoices);
  await expect(choices).toContainText('syscalls:sys_enter_openat');
  await choices.getByRole('button', { name: 'syscalls:sys_enter_openat', exact: true }).click();
  await expect(spec).toHaveValue('t:syscalls:sys_enter_openat');
  await spec.press('End');
  await spec.pressSequentially(' "open %s", args->filen');
  await expect(choices).toContainText('filename');
  await spec.press('Enter');
  await expect(spec).toHaveValue('t:syscalls:sys_enter_openat "open %s", args->filename');
  // Checked before it attaches: where, and how many places.
  await expect(page.getByTestId(testIds.probeCheck)).toHaveAttribute('data-points', '1');
  await saveScreenshot(page, '60-probe-builder');
  await page.getByTestId(testIds.paramsApply).click();
  await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
  await expect(page).toHaveURL(/tool\/trace\?params=/);

  opens(marker, 5);
  await page.getByTestId(testIds.tableFilter).fill(marker);
  await expect(page.getByTestId(testIds.tableRow)).toHaveCount(5);
  await expect(page.getByTestId(testIds.tableRow).first()).toContainText(`open ${marker}`);
  await saveScreenshot(page, '61-trace-rows');

  // A bad spec says where it is wrong, before anything attaches.
  await spec.fill('t:syscalls:sys_enter_openat (args->nosuchfield > 1)');
  await expect(page.getByTestId(testIds.probeCheck)).toContainText('nosuchfield');
  await expect(page.getByTestId(testIds.probeCheck)).toContainText('^');

  // The same probe from its link, in a fresh browser with a token for the host.
  const link = page.url();
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(`${url}/#token=${token}`);
  await other.goto(link);
  await expect(other.getByTestId(testIds.paramField('probes'))).toHaveValue('t:syscalls:sys_enter_openat "open %s", args->filename');
  await expect(other.getByTestId(testIds.sessionStatus)).toContainText('live');
  const later = `${marker}-later`;
  opens(later, 3);
  await other.getByTestId(testIds.tableFilter).fill(later);
  await expect(other.getByTestId(testIds.tableRow)).toHaveCount(3);
  await context.close();
});
