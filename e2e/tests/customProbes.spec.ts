// Custom probes in the probe builder: a trace probe typed with completions from the host (a tracepoint, then one of
// its fields), checked before it attaches, its rows from a workload the test runs; the link reruns the same probe in
// a fresh browser. A uprobe built with the form (a process, its libc, a symbol from the list) runs; a form edit
// rewrites the text and, applied, the URL; what the form cannot show leaves it read-only.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
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
  // The form beside the text follows it.
  await expect(page.getByTestId(testIds.probeKind)).toHaveValue('tracepoint');
  await expect(page.getByTestId(testIds.probeTracepoint)).toHaveValue('syscalls:sys_enter_openat');
  await expect(page.getByTestId(testIds.probeFormat)).toHaveValue('open %s');
  await expect(page.getByTestId(testIds.probeArgs)).toHaveValue('args->filename');
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

  // Applied, the form is its spec in a line; Edit opens it again.
  await expect(page.getByTestId(testIds.paramsSummary)).toContainText('t:syscalls:sys_enter_openat "open %s", args->filename');
  await page.getByTestId(testIds.paramsEdit).click();
  // A bad spec says where it is wrong, before anything attaches.
  await spec.fill('t:syscalls:sys_enter_openat (args->nosuchfield > 1)');
  await expect(page.getByTestId(testIds.probeCheck)).toContainText('nosuchfield');
  await expect(page.getByTestId(testIds.probeCheck)).toContainText('^');
  await expect(page.getByTestId(testIds.probeFilterLeft)).toHaveValue('args->nosuchfield');
  // What the form cannot show (two conditions) leaves it read-only, saying why; the text stays as typed.
  const twoConditions = 't:syscalls:sys_enter_openat (args->flags != 0 && args->mode == 0) "open %s", args->filename';
  await spec.fill(twoConditions);
  await expect(page.getByTestId(testIds.probeBuilderNote)).toContainText('joins conditions with &&');
  await expect(page.getByTestId(testIds.probeBuilder)).toHaveAttribute('disabled', '');
  await expect(page.getByTestId(testIds.probeFormat)).toBeDisabled();
  await expect(spec).toHaveValue(twoConditions);
  await spec.fill('t:syscalls:sys_enter_openat "open %s", args->filename');
  await expect(page.getByTestId(testIds.probeBuilderNote)).toHaveCount(0);

  // The same probe from its link, in a fresh browser with a token for the host.
  const link = page.url();
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(`${url}/#token=${token}`);
  await other.goto(link);
  await expect(other.getByTestId(testIds.paramsSummary)).toContainText('t:syscalls:sys_enter_openat "open %s", args->filename');
  await other.getByTestId(testIds.paramsEdit).click();
  await expect(other.getByTestId(testIds.paramField('probes'))).toHaveValue('t:syscalls:sys_enter_openat "open %s", args->filename');
  await expect(other.getByTestId(testIds.sessionStatus)).toContainText('live');
  const later = `${marker}-later`;
  opens(later, 3);
  await other.getByTestId(testIds.tableFilter).fill(later);
  await expect(other.getByTestId(testIds.tableRow)).toHaveCount(3);
  await context.close();
});

/** The trace probes the page's URL holds (`#/tool/trace?params=<json>`). */
function probesInUrl(page: Page): unknown {
  const hash = new URL(page.url()).hash;
  const params = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('params');
  return params === null ? undefined : (JSON.parse(params) as { probes?: unknown }).probes;
}

/** A perl loop asking for its parent's pid 20 times a second: libc's getppid, called from a process the test knows. */
function getppidLoop(): ChildProcess {
  return spawn('perl', ['-e', 'while (1) { getppid(); select(undef, undef, undef, 0.05) }'], { stdio: 'ignore' });
}

test('a uprobe built with the form: a process, its libc, a symbol from the list; it runs, and a form edit reaches the URL', async ({ page, browser }) => {
  const { url, token } = agent();
  const loop = getppidLoop();
  try {
    const pid = loop.pid as number;
    await signIn(page);
    await page.goto(`${url}/#/tool/trace`);
    const spec = page.getByTestId(testIds.paramField('probes'));
    await page.getByTestId(testIds.probeKind).selectOption('uprobe');
    // The process picker: the workload by its pid, from the host's processes.
    const processPicker = page.getByTestId(testIds.probeProcess);
    await processPicker.fill(String(pid));
    const processes = page.getByTestId(`${testIds.probeProcess}-choices`);
    await expect(processes).toContainText('perl');
    await processes.getByRole('button', { name: String(pid), exact: true }).click();
    // The tool's own pid filter (bcc's -p) follows the picked process.
    await expect(page.getByTestId(testIds.paramField('pid'))).toHaveValue(String(pid));
    // Its binaries, from its maps: the libc it runs.
    const binary = page.getByTestId(testIds.probeBinary);
    const libcOption = binary.locator('option', { hasText: /^libc\.so\.6 · \// });
    await expect(libcOption).toHaveCount(1);
    const libc = (await libcOption.getAttribute('value')) as string;
    expect(libc).toMatch(/^\/.*\/libc\.so\.6$/);
    await binary.selectOption(libc);
    await expect(spec).toHaveValue(`p:${libc}:`);
    // Its functions, filtered by what is typed; picked from the list.
    const functionInput = page.getByTestId(testIds.probeFunction);
    await functionInput.fill('ppid');
    const symbols = page.getByTestId(`${testIds.probeFunction}-choices`);
    await expect(symbols.getByRole('button', { name: 'getppid', exact: true })).toBeVisible();
    await saveScreenshot(page, '62-probe-builder-symbols');
    await symbols.getByRole('button', { name: 'getppid', exact: true }).click();
    await expect(spec).toHaveValue(`p:${libc}:getppid`);
    // Only the workload, and what to print: each a form field, the text rewritten as they are filled.
    await page.getByTestId(testIds.probeFilterLeft).fill('$tgid');
    await page.getByTestId(testIds.probeFilterValue).fill(String(pid));
    await page.getByTestId(testIds.probeFormat).fill('ppid asked by %s');
    const args = page.getByTestId(testIds.probeArgs);
    await args.fill('$co');
    await expect(page.getByTestId(`${testIds.probeArgs}-choices`)).toContainText('$comm');
    await args.press('Enter');
    const built = `p:${libc}:getppid ($tgid == ${pid}) "ppid asked by %s", $comm`;
    await expect(spec).toHaveValue(built);
    await expect(page.getByTestId(testIds.probeCheck)).toHaveAttribute('data-points', '1');
    await page.getByTestId(testIds.paramsApply).click();
    await expect(page.getByTestId(testIds.sessionStatus)).toContainText('live');
    await expect(page.getByTestId(testIds.tableRow).first()).toContainText('ppid asked by perl');
    const rows = page.getByTestId(testIds.tableRow);
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    for (const text of await rows.allTextContents()) expect(text).toContain(String(pid));
    expect(probesInUrl(page)).toEqual([built]);

    // A form edit changes the text; applied, the URL; the link reads back into the same form.
    await page.getByTestId(testIds.paramsEdit).click();
    await page.getByTestId(testIds.probeFormat).fill('asked by %s');
    const edited = `p:${libc}:getppid ($tgid == ${pid}) "asked by %s", $comm`;
    await expect(spec).toHaveValue(edited);
    await page.getByTestId(testIds.paramsApply).click();
    await expect.poll(() => probesInUrl(page)).toEqual([edited]);
    await expect(page.getByTestId(testIds.tableRow).first()).toContainText('asked by perl');
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.goto(`${url}/#token=${token}`);
    await other.goto(page.url());
    await other.getByTestId(testIds.paramsEdit).click();
    await expect(other.getByTestId(testIds.paramField('probes'))).toHaveValue(edited);
    await expect(other.getByTestId(testIds.probeKind)).toHaveValue('uprobe');
    await expect(other.getByTestId(testIds.probeLibrary)).toHaveValue(libc);
    await expect(other.getByTestId(testIds.probeFunction)).toHaveValue('getppid');
    await expect(other.getByTestId(testIds.probeFilterLeft)).toHaveValue('$tgid');
    await expect(other.getByTestId(testIds.probeFilterValue)).toHaveValue(String(pid));
    await expect(other.getByTestId(testIds.probeFormat)).toHaveValue('asked by %s');
    await expect(other.getByTestId(testIds.paramField('pid'))).toHaveValue(String(pid));
    await context.close();
  } finally {
    loop.kill();
  }
});

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`the probe builder beside its rows at ${width}×${height}, ${theme} theme`, async ({ page }) => {
      const { url } = agent();
      const loop = getppidLoop();
      try {
        await page.setViewportSize({ width, height });
        await page.addInitScript((chosen) => localStorage.setItem('bpfscope.theme', chosen), theme);
        await signIn(page);
        await page.goto(`${url}/#/tool/trace`);
        const spec = page.getByTestId(testIds.paramField('probes'));
        await spec.fill(`p:c:getppid(void) ($tgid == ${loop.pid as number}) "ppid asked by %s", $comm`);
        await expect(page.getByTestId(testIds.probeCheck)).toHaveAttribute('data-points', '1');
        await page.getByTestId(testIds.paramsApply).click();
        await expect(page.getByTestId(testIds.tableRow).first()).toContainText('ppid asked by perl');
        // Applied, the form is folded to its spec; opened again, it is beside the rows.
        await page.getByTestId(testIds.paramsEdit).click();
        await expect(page.getByTestId(testIds.probeFunction)).toHaveValue('getppid');
        // The builder and the spec fit the width; the rows start well above the fold.
        const builder = (await page.getByTestId(testIds.probeBuilder).boundingBox()) as { x: number; width: number; y: number; height: number };
        expect(builder.x + builder.width).toBeLessThanOrEqual(width);
        const firstRow = (await page.getByTestId(testIds.tableRow).first().boundingBox()) as { y: number; height: number };
        expect(firstRow.y + 4 * firstRow.height).toBeLessThan(height);
        await saveScreenshot(page, `63-probe-builder-${width}x${height}-${theme}`);
      } finally {
        loop.kill();
      }
    });
  }
}

test('argdist’s builder reads a -C specifier into type and value, follows the focused field, and edits it back', async ({ page }) => {
  const { url } = agent();
  await signIn(page);
  await page.goto(`${url}/#/tool/argdist`);
  const histogram = page.getByTestId(testIds.paramField('histogram'));
  const count = page.getByTestId(testIds.paramField('count'));
  await count.click();
  await count.fill('t:syscalls:sys_enter_openat():char*:args->filename');
  await expect(page.getByTestId(testIds.probeBuilder)).toHaveCount(1);
  await expect(page.getByTestId(testIds.probeTracepoint)).toHaveValue('syscalls:sys_enter_openat');
  await expect(page.getByTestId(testIds.probeTypes)).toHaveValue('char*');
  await expect(page.getByTestId(testIds.probeExprs)).toHaveValue('args->filename');
  await page.getByTestId(testIds.probeFilterLeft).fill('$comm');
  await page.getByTestId(testIds.probeFilterValue).fill('cat');
  await expect(count).toHaveValue('t:syscalls:sys_enter_openat():char*:args->filename:$comm == "cat"');
  await expect(page.getByTestId(testIds.probeCheck)).toHaveAttribute('data-points', '1');
  await saveScreenshot(page, '64-probe-builder-argdist');
  // The form follows the spec field last gone to: -H's is empty, so is its form.
  await histogram.click();
  await expect(page.getByTestId(testIds.probeBuilder)).toHaveCount(1);
  await expect(page.getByTestId(testIds.probeTypes)).toHaveValue('');
  await expect(count).toHaveValue('t:syscalls:sys_enter_openat():char*:args->filename:$comm == "cat"');
});
