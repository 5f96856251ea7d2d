// trace against workloads the test runs itself: the talk's example on this
// process's own reads, uprobes on a test binary (an argument from a register,
// a return value, strings), and bad specs refused with their position and
// nothing loaded.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ToolError, startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import type { TraceRow } from '../src/tools/trace/trace.js';
import { eventually, kernelProgramIds } from '../src/testing/kernel.js';
import { ProbeTarget, buildProbeTarget } from './fixtures/probeTarget.js';
import { bpfTestResources } from './resources.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

const resources = bpfTestResources<ToolSession<TraceRow>>();
const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'trace-'));
const probeTarget = path.join(directory, 'probetarget');

beforeAll(() => buildProbeTarget(probeTarget));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function start(params: object): { session: ToolSession<TraceRow>; rows: TraceRow[] } {
  const session = startTool<TraceRow>('trace', params);
  resources.sessions.push(session);
  const rows: TraceRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return { session, rows };
}

async function startTarget(): Promise<ProbeTarget> {
  const target = await ProbeTarget.start(probeTarget);
  resources.cleanups.push(() => void target.stop());
  return target;
}

describe('trace', () => {
  it("the talk's example: of 5 reads of 1 MiB and 50 of 4 KiB, exactly the 5 large ones, from this process, with their sizes", async () => {
    const file = path.join(directory, 'reads');
    writeFileSync(file, Buffer.alloc(6 * 1024 * 1024, 7));
    const { session, rows } = start({ probes: ['t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count'] });
    expect(session.attachMethod).toBe('tracepoint');

    const fd = openSync(file, 'r');
    const buffer = Buffer.alloc(1024 * 1024);
    try {
      // position null: read(2), not pread64(2).
      for (let i = 0; i < 5; i++) expect(readSync(fd, buffer, 0, 1024 * 1024, null)).toBe(1024 * 1024);
      for (let i = 0; i < 50; i++) expect(readSync(fd, buffer, 0, 4096, null)).toBe(4096);
    } finally {
      closeSync(fd);
    }
    // This thread's reads: the worker's other threads may read too, but not these sizes at these moments.
    const mine = () => rows.filter((row) => row.pid === process.pid && row.tid === process.pid);
    await eventually(() => {
      session.flush();
      return mine().length >= 5;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.flush();
    expect(mine().map((row) => [row.func, row.message, row.args])).toEqual(
      Array.from({ length: 5 }, () => ['sys_enter_read', 'read 1048576 bytes', [1048576]]),
    );
    expect(rows.every((row) => (row.args[0] as number) > 20000)).toBe(true);
    expect(mine()[0]).toMatchObject({ comm: expect.stringMatching(/\S/), probe: 0 });
    expect(Math.abs((mine()[0]?.time ?? 0) - Date.now())).toBeLessThan(10_000);
  });

  it('uprobes: an argument from a register, the return value, and a probe on each of both', async () => {
    const target = await startTarget();
    const { session, rows } = start({
      probes: [
        `p:${probeTarget}:probe_sleep(int ms) (ms >= 5) "sleep %d ms", ms`,
        `r:${probeTarget}:probe_sleep "returned %d", retval`,
        `p:${probeTarget}:probe_leaf "leaf %d", arg1`,
      ],
      pid: target.pid,
    });
    expect(session.attachMethod).toBe('uprobe');
    expect(await target.run('sleep 1')).toEqual(['3']);
    expect(await target.run('sleep 7')).toEqual(['15']);
    expect(await target.run('calls 2 1')).toEqual([]);
    await eventually(() => {
      session.flush();
      return rows.length >= 6;
    });
    expect(rows.map((row) => [row.pid, row.func, row.message])).toEqual([
      [target.pid, 'probe_sleep', 'returned 3'],
      [target.pid, 'probe_sleep', 'sleep 7 ms'],
      [target.pid, 'probe_sleep', 'returned 15'],
      [target.pid, 'probe_leaf', 'leaf 0'],
      [target.pid, 'probe_leaf', 'leaf 1'],
      [target.pid, 'probe_leaf', 'leaf 0'],
    ]);
    expect(rows[0]).toMatchObject({ comm: 'probetarget', tid: target.pid, probe: 1, args: [3] });
  });

  it('strings: a tracepoint pointer read as %s, a comm compared with a string', async () => {
    const file = path.join(directory, 'opened-by-trace');
    writeFileSync(file, 'x');
    const { session, rows } = start({ probes: [`t:syscalls:sys_enter_openat (comm == "cat") "%s", args->filename`] });
    execFileSync('cat', [file]);
    await eventually(() => {
      session.flush();
      return rows.some((row) => row.message === file);
    });
    expect(rows.every((row) => row.comm === 'cat')).toBe(true);
  });
});

describe('trace: wildcards', () => {
  it('over every sys_exit_* tracepoint: attached once, through raw_syscalls, each event named by its syscall', async () => {
    const { session, rows } = start({ probes: ['t:syscalls:sys_exit_* (args->ret == -2 && comm == "cat") "ret %d", args->ret'] });
    expect(session.programIds()).toHaveLength(1);
    expect(session.linkIds()).toHaveLength(1);
    expect(() => execFileSync('cat', [path.join(directory, 'no-such-file')], { stdio: 'ignore' })).toThrow();
    await eventually(() => {
      session.flush();
      return rows.some((row) => row.func === 'sys_exit_openat');
    });
    expect(rows.find((row) => row.func === 'sys_exit_openat')).toMatchObject({ comm: 'cat', message: 'ret -2', args: [-2] });
  });
});

describe('trace: bad specs are refused with their position, nothing loaded', () => {
  let before: Set<number>;
  beforeAll(() => {
    before = kernelProgramIds();
  });

  const refused = (probe: string, code: ToolError['code'], message: RegExp) => {
    const error = expectToolError(() => startTool('trace', { probes: [probe] }), code, message);
    return error.details as { offset: number; length: number; spec: string; suggestion?: string };
  };

  it('an unknown tracepoint, an unknown field, unbalanced parentheses', async () => {
    expect(
      refused('t:syscalls:sys_enter_nosuch "x"', 'INVALID_PARAMS', /no tracepoint syscalls:sys_enter_nosuch on this kernel \(at character 12\)/),
    ).toMatchObject({
      offset: 11,
      length: 16,
    });
    expect(refused('t:nosuch:thing', 'INVALID_PARAMS', /no tracepoint category "nosuch"/)).toMatchObject({ offset: 2, length: 6 });
    expect(
      refused('t:syscalls:sys_enter_read (args->size > 1)', 'INVALID_PARAMS', /sys_enter_read has no field "size"; its fields: __syscall_nr, fd, buf, count/),
    ).toMatchObject({
      offset: 27,
      length: 10,
    });
    const unbalanced = refused('t:syscalls:sys_enter_read (args->count > 1 "x"', 'INVALID_PARAMS', /expected "\)" to close the filter opened at character 27/);
    expect(unbalanced).toMatchObject({ offset: 43, length: 3 });
    await expectNothingNewLoaded(before);
  });

  it('type mismatches: a string compared with a number, an integer with a string, %s of an integer', async () => {
    refused('t:sched:sched_switch (args->prev_comm > 5)', 'INVALID_PARAMS', /args->prev_comm is a string \(char\[16\]\), not a number/);
    const error = expectToolError(
      () => startTool('trace', { probes: ['t:syscalls:sys_enter_read (args->count == "big")'] }),
      'INVALID_PARAMS',
      /type mismatch: args->count is an integer \(size_t\) and "big" a string; compare it with a number \(at character 28\)\n {2}t:syscalls:sys_enter_read \(args->count == "big"\)\n {29}\^~{19}$/,
    );
    expect(error.details).toMatchObject({ param: 'probes', index: 0, offset: 27, length: 20 });
    refused('t:syscalls:sys_enter_read "%s", args->count', 'INVALID_PARAMS', /%s: args->count is an integer \(size_t\), not a string/);
    await expectNothingNewLoaded(before);
  });

  it('10,000 wildcard matches, a non-ELF path, a missing function', async () => {
    const many = path.join(directory, 'many');
    writeFileSync(`${many}.c`, `${Array.from({ length: 10_000 }, (_, index) => `void many_${index}(void) {}`).join('\n')}\nint main(void) { return 0; }\n`);
    execFileSync('cc', ['-O0', '-o', many, `${many}.c`]);
    refused(`p:${many}:many_*`, 'INVALID_PARAMS', /"many_\*" matches 10,000 functions of .*: at most 1,000 attach points/);
    refused('t:*:*', 'INVALID_PARAMS', /matches [\d,]+ tracepoints: at most 1,000 attach points/);
    const notElf = path.join(directory, 'not-elf');
    writeFileSync(notElf, '#!/bin/sh\necho hi\n');
    expect(refused(`p:${notElf}:main`, 'INVALID_PARAMS', /not-elf is not an ELF file/)).toMatchObject({ offset: 2, length: notElf.length });
    refused(`p:${probeTarget}:no_such_function`, 'INVALID_PARAMS', /has no function "no_such_function"/);
    refused('p:/nonexistent/binary:f', 'INVALID_PARAMS', /\/nonexistent\/binary does not exist/);
    await expectNothingNewLoaded(before);
  });

  it("no kprobes on this kernel: says so, and rewrites the talk's sys_read probe for its tracepoint", async () => {
    const details = refused('sys_read (arg3 > 20000) "read %d bytes", arg3', 'UNAVAILABLE', /no kprobes on this kernel .*t:syscalls:sys_enter_read covers it/);
    expect(details.suggestion).toBe('t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count');
    expect(refused('r::vfs_read', 'UNAVAILABLE', /no kprobes on this kernel/).suggestion).toBeUndefined();
    await expectNothingNewLoaded(before);
  });
});
