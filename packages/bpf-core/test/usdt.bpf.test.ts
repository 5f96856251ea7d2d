// USDT probes (u:binary:[provider:]probe) against a test program built with
// sys/sdt.h, at -O0 (arguments in memory below %rbp, constants) and -O2 (in
// 32- and 64-bit registers): exact counts and argument values through trace and
// argdist, a semaphore raised only while attached, Python's own gc probes, and
// bad specs refused with their position and nothing loaded.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import type { ArgdistRow } from '../src/tools/argdist/argdist.js';
import type { FunccountRow } from '../src/tools/funccount/funccount.js';
import type { TraceRow } from '../src/tools/trace/trace.js';
import { eventually, kernelProgramIds } from '../src/testing/kernel.js';
import { readUsdtProbes, readUsdtSites } from '../src/customProbe/usdt.js';
import { ProbeTarget } from './fixtures/probeTarget.js';
import { bpfTestResources } from './resources.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

const resources = bpfTestResources();
const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'usdt-'));
const source = fileURLToPath(new URL('./fixtures/usdtTarget.c', import.meta.url));
const builds = { '-O0': path.join(directory, 'usdt-O0'), '-O2': path.join(directory, 'usdt-O2') } as const;

beforeAll(() => {
  for (const [level, output] of Object.entries(builds)) execFileSync('cc', [level, '-g', '-Wall', '-Werror', '-o', output, source]);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function startTarget(binary: string): Promise<ProbeTarget> {
  const target = await ProbeTarget.start(binary);
  resources.cleanups.push(() => void target.stop());
  return target;
}

function trace(params: object): { session: ToolSession<TraceRow>; rows: TraceRow[] } {
  const session = startTool<TraceRow>('trace', params);
  resources.sessions.push(session);
  const rows: TraceRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return { session, rows };
}

async function rowsOf(session: ToolSession<TraceRow>, rows: TraceRow[], count: number): Promise<string[]> {
  await eventually(() => {
    session.flush();
    return rows.length >= count;
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  session.flush();
  return rows.map((row) => row.message);
}

describe('USDT notes', () => {
  it('reads each site: address, semaphore, and its arguments as the compiler placed them', () => {
    const sites = readUsdtSites(builds['-O0']);
    expect(sites.map((site) => `${site.provider}:${site.name}`).sort()).toEqual(['bpfscope_test:guarded', 'bpfscope_test:text', 'bpfscope_test:tick']);
    const tick = sites.find((site) => site.name === 'tick');
    expect(tick?.args.map((arg) => arg.kind)).toEqual(['memory', 'register', 'memory', 'constant']);
    expect(tick?.args[3]).toMatchObject({ kind: 'constant', size: 4, signed: true, value: 42n });
    // Every probe of the program has a semaphore, in .probes: distinct, non-zero file offsets.
    expect(new Set(sites.map((site) => site.semaphoreOffset)).size).toBe(3);
    expect(sites.every((site) => site.semaphoreOffset > 0 && site.fileOffset > 0)).toBe(true);
  });

  it('lists the probes a builder offers: provider:name, sites and argument types as the compiler wrote them', () => {
    const probes = readUsdtProbes(builds['-O0']);
    expect(probes.map((probe) => [`${probe.provider}:${probe.name}`, probe.sites, probe.semaphore, probe.args.map((arg) => arg.type)])).toEqual([
      ['bpfscope_test:guarded', 1, true, ['s32']],
      // text's string is a pointer (u64); strlen's size_t is unsigned.
      ['bpfscope_test:text', 1, true, ['u64', 'u64']],
      ['bpfscope_test:tick', 1, true, ['s32', 's64', 's64', 's32']],
    ]);
    expect(() => readUsdtProbes(directory)).toThrow(/not a regular file/);
  });
});

describe.each(Object.keys(builds) as Array<keyof typeof builds>)('USDT probes, built with %s', (level) => {
  const binary = builds[level];

  it('trace: each firing once, with its arguments: memory, registers, a negative number, a constant and a string', async () => {
    const target = await startTarget(binary);
    const { session, rows } = trace({
      probes: [`u:${binary}:bpfscope_test:tick "%d %d %d %d", arg1, arg2, arg3, arg4`, `u:${binary}:text "%s is %d bytes", arg1, arg2`],
      pid: target.pid,
    });
    expect(session.attachMethod).toBe('uprobe');
    await target.run('tick 5 1000');
    await target.run('text hello 3');
    const messages = await rowsOf(session, rows, 8);
    expect(messages).toEqual(['0 1000 0 42', '1 1001 -1 42', '2 1002 -2 42', '3 1003 -3 42', '4 1004 -4 42', ...Array(3).fill('hello is 5 bytes')]);
    expect(rows.map((row) => row.func)).toEqual([...Array(5).fill('bpfscope_test:tick'), ...Array(3).fill('bpfscope_test:text')]);
  });

  it('argdist: counts by an argument, with a filter on another', async () => {
    const target = await startTarget(binary);
    const session = startTool<ArgdistRow>(
      'argdist',
      { count: [`u:${binary}:tick():int:arg1:arg2 >= 2002`], pid: target.pid, interval: 3600 },
      { flush: 'manual' },
    );
    resources.sessions.push(session);
    await target.run('tick 4 2000');
    await target.run('tick 3 2000');
    const rows = session.flushIntervalRows();
    // arg2 = 2000 + i passes from i = 2: i = 2 twice, i = 3 once.
    expect(rows.map(({ count, event }) => [count, event])).toEqual([
      [2, 'arg1 = 2'],
      [1, 'arg1 = 3'],
    ]);
  });

  it('funccount: every probe of a provider by a glob, each counted', async () => {
    const target = await startTarget(binary);
    const session = startTool<FunccountRow>('funccount', { pattern: `u:${binary}:bpfscope_test:t*`, pid: target.pid, interval: 3600 }, { flush: 'manual' });
    resources.sessions.push(session);
    await target.run('tick 6 0');
    await target.run('text hi 2');
    const counts = Object.fromEntries(session.flushIntervalRows().map((row) => [row.func, row.count]));
    expect(counts).toEqual({ 'bpfscope_test:tick': 6, 'bpfscope_test:text': 2 });
  });

  it('a semaphore is raised while the probe is attached, and only then', async () => {
    const target = await startTarget(binary);
    expect(await target.run('guarded 4')).toEqual(['0']);
    const { session, rows } = trace({ probes: [`u:${binary}:guarded "guarded %d", arg1`], pid: target.pid });
    expect(await target.run('guarded 4')).toEqual(['4']);
    expect(await rowsOf(session, rows, 4)).toEqual(['guarded 0', 'guarded 1', 'guarded 2', 'guarded 3']);
    await session.close();
    expect(await target.run('guarded 4')).toEqual(['0']);
  });
});

describe('USDT probes of other programs', () => {
  it("Python's gc__start, behind its semaphore, with the generation read from the stack", async () => {
    const python = '/usr/bin/python3';
    // Attached once gc is disabled (no automatic collections); os._exit: none at interpreter shutdown either.
    const script =
      'import gc, os, sys\ngc.disable()\nprint("ready", flush=True)\nsys.stdin.readline()\nfor _ in range(5): gc.collect(2)\nfor _ in range(3): gc.collect(1)\nos._exit(0)\n';
    const child = spawn(python, ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    resources.children.push(child);
    const [ready] = (await once(child.stdout, 'data')) as [Buffer];
    expect(ready.toString()).toMatch(/^ready/);
    const { session, rows } = trace({ probes: [`u:${python}:python:gc__start "gen %d", arg1`], pid: child.pid });
    child.stdin.end('go\n');
    await once(child, 'exit');
    const messages = await rowsOf(session, rows, 8);
    expect(messages).toEqual([...Array(5).fill('gen 2'), ...Array(3).fill('gen 1')]);
  });
});

describe('bad USDT specs', () => {
  it('an unknown probe, a binary without notes, an argument the site does not pass: refused with their position, nothing loaded', async () => {
    const before = kernelProgramIds();
    const binary = builds['-O0'];
    const unknown = expectToolError(
      () => startTool('trace', { probes: [`u:${binary}:nosuch "x"`] }),
      'INVALID_PARAMS',
      /no USDT probe nosuch in .*usdt-O0; it has bpfscope_test:guarded, bpfscope_test:text, bpfscope_test:tick/,
    );
    expect(unknown.details).toMatchObject({ offset: binary.length + 3, length: 'nosuch'.length });
    const wrongProvider = expectToolError(() => startTool('trace', { probes: [`u:${binary}:other:tick`] }), 'INVALID_PARAMS', /no USDT probe other:tick/);
    expect(wrongProvider.details).toMatchObject({ offset: binary.length + 9 });
    expectToolError(
      () => startTool('trace', { probes: ['u:/usr/bin/true:tick'] }),
      'INVALID_PARAMS',
      /\/usr\/bin\/true has no USDT probes \(no \.note\.stapsdt notes\)/,
    );
    const noArg = expectToolError(
      () => startTool('trace', { probes: [`u:${binary}:tick "%d", arg5`] }),
      'INVALID_PARAMS',
      /bpfscope_test:tick has 4 arguments: there is no arg5/,
    );
    expect(noArg.details).toMatchObject({ offset: binary.length + 14, length: 4 });
    await expectNothingNewLoaded(before);
  });
});
