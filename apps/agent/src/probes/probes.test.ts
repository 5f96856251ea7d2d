// The probe builder's look-ups through the router: bounded, validated, operator-only.
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenSet } from '../auth/tokens.js';
import { createContextInner } from '../context.js';
import { parseAgentConfig } from '../env.js';
import { appRouter } from '../routers/_app.js';
import type { ToolBackend } from '../sessions/backend.js';
import { createAgentServices } from '../services/agentServices.js';

const operatorToken = 'o'.repeat(43);
const viewerToken = 'v'.repeat(43);

/** A tracefs tree with three tracepoints and one format, as Linux 6.18 writes them. */
function tracefsTree(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bpfscope-tracefs-'));
  writeFileSync(path.join(root, 'available_events'), 'syscalls:sys_enter_read\nsyscalls:sys_exit_read\nsched:sched_switch\n');
  const event = path.join(root, 'events', 'syscalls', 'sys_enter_read');
  mkdirSync(event, { recursive: true });
  writeFileSync(
    path.join(event, 'format'),
    [
      'name: sys_enter_read',
      'ID: 842',
      'format:',
      '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;',
      '\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;',
      '\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;',
      '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;',
      '',
      '\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;',
      '\tfield:unsigned int fd;\toffset:16;\tsize:8;\tsigned:0;',
      '\tfield:char * buf;\toffset:24;\tsize:8;\tsigned:0;',
      '\tfield:size_t count;\toffset:32;\tsize:8;\tsigned:0;',
      '',
      'print fmt: "fd: 0x%08lx, buf: 0x%08lx, count: 0x%08lx", ((unsigned long)(REC->fd)), ((unsigned long)(REC->buf)), ((unsigned long)(REC->count))',
      '',
    ].join('\n'),
  );
  return root;
}

const noBackend: ToolBackend = {
  outputKind: () => 'table',
  normalizeParams: (_tool, params) => params,
  start: () => {
    throw new Error('nothing attaches here');
  },
};

function callers() {
  const config = parseAgentConfig(['--data-dir', '/nonexistent'], {});
  const services = createAgentServices({
    config,
    tokens: TokenSet.parse(`alice operator ${operatorToken}\nbob viewer ${viewerToken}\n`, 'tokens'),
    backend: noBackend,
    features: featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities),
    audit: () => undefined,
    tracefsRoot: tracefsTree(),
    enableBpfStats: () => ({ close: () => undefined }),
  });
  return {
    operator: appRouter.createCaller(createContextInner({ services, presentedToken: operatorToken })),
    viewer: appRouter.createCaller(createContextInner({ services, presentedToken: viewerToken })),
  };
}

describe('probes.*', () => {
  it('lists tracepoints by prefix of category:name, sorted and bounded, with the count that matched', async () => {
    const { operator } = callers();
    expect(await operator.probes.tracepoints({ limit: 10 })).toEqual({
      tracepoints: [
        { category: 'sched', name: 'sched_switch' },
        { category: 'syscalls', name: 'sys_enter_read' },
        { category: 'syscalls', name: 'sys_exit_read' },
      ],
      total: 3,
    });
    expect(await operator.probes.tracepoints({ prefix: 'syscalls:sys_e', limit: 1 })).toEqual({
      tracepoints: [{ category: 'syscalls', name: 'sys_enter_read' }],
      total: 2,
    });
    expect((await operator.probes.tracepoints({ prefix: 'sys' })).total).toBe(2);
  });

  it('gives a tracepoint’s fields with C type, offset, size and signedness', async () => {
    const { operator } = callers();
    const read = await operator.probes.tracepointFields({ category: 'syscalls', name: 'sys_enter_read' });
    expect(read).toMatchObject({ category: 'syscalls', name: 'sys_enter_read', id: 842 });
    expect(read.fields.filter((field) => !field.common)).toEqual([
      { name: '__syscall_nr', type: 'int', offset: 8, size: 4, signed: true, common: false },
      { name: 'fd', type: 'unsigned int', offset: 16, size: 8, signed: false, common: false },
      { name: 'buf', type: 'char *', offset: 24, size: 8, signed: false, common: false },
      { name: 'count', type: 'size_t', offset: 32, size: 8, signed: false, common: false },
    ]);
    await expect(operator.probes.tracepointFields({ category: 'syscalls', name: 'sys_enter_nope' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'no tracepoint syscalls:sys_enter_nope on this kernel',
    });
  });

  it('lists the binaries a process maps code from, its executable first, and the functions of one', async () => {
    const { operator } = callers();
    const mine = await operator.probes.binaries({ pid: process.pid });
    expect(mine.comm).not.toBe('');
    expect(mine.binaries[0]).toMatchObject({ path: process.execPath, main: true, deleted: false });
    const libc = mine.binaries.find((binary) => /\/libc\.so\.6$/.test(binary.path));
    expect(libc).toMatchObject({ main: false });
    const symbols = await operator.probes.symbols({ path: libc?.path ?? '/nonexistent', prefix: 'getpid', limit: 5 });
    expect(symbols.symbols).toContain('getpid');
    expect(symbols.symbols.every((name) => name.startsWith('getpid'))).toBe(true);
    // Asked again (the next keystroke), from what was kept.
    expect((await operator.probes.symbols({ path: libc?.path ?? '/nonexistent', prefix: 'getpi', limit: 1000 })).total).toBeGreaterThanOrEqual(symbols.total);
    await expect(operator.probes.binaries({ pid: 2 ** 22 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `no process ${2 ** 22}` });
    await expect(operator.probes.symbols({ path: '/etc/hostname', limit: 5 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('not an ELF file'),
    });
  });

  it('finds processes by comm or pid for the process picker, kernel threads left out, bounded', async () => {
    const { operator } = callers();
    const comm = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
    const mine = await operator.probes.processes({ query: comm.toUpperCase().slice(0, 4), limit: 1000 });
    expect(mine.processes).toContainEqual({ pid: process.pid, comm });
    expect(
      mine.processes.every((found) => found.comm.toLowerCase().includes(comm.toLowerCase().slice(0, 4)) || String(found.pid).startsWith(comm.slice(0, 4))),
    ).toBe(true);
    expect((await operator.probes.processes({ query: String(process.pid), limit: 1000 })).processes).toContainEqual({ pid: process.pid, comm });
    // kthreadd (pid 2) has no executable: nothing a uprobe can go in.
    expect((await operator.probes.processes({ query: 'kthreadd', limit: 10 })).processes).toEqual([]);
    const all = await operator.probes.processes({ limit: 2 });
    expect(all.processes).toHaveLength(2);
    expect(all.total).toBeGreaterThan(2);
    const sorted = (await operator.probes.processes({ limit: 1000 })).processes.map((found) => found.comm);
    expect(sorted).toEqual([...sorted].sort());
  });

  it('finds a binary’s functions holding a text, those starting with it first', async () => {
    const { operator } = callers();
    const libc = (await operator.probes.binaries({ pid: process.pid })).binaries.find((binary) => /\/libc\.so\.6$/.test(binary.path));
    const found = await operator.probes.symbols({ path: libc?.path ?? '/nonexistent', prefix: 'alloc', match: 'contains', limit: 1000 });
    expect(found.symbols).toContain('malloc');
    expect(found.symbols).toContain('calloc');
    expect(found.symbols.every((name) => name.includes('alloc'))).toBe(true);
    expect(found.total).toBe(found.symbols.length);
    const prefixed = await operator.probes.symbols({ path: libc?.path ?? '/nonexistent', prefix: 'malloc', match: 'contains', limit: 1000 });
    expect(prefixed.symbols[0]).toBe('malloc');
  });

  it('finds a library a spec names (p:c:malloc) as the spec would, and says when there is none', async () => {
    const { operator } = callers();
    const byName = await operator.probes.symbols({ path: 'c', pid: process.pid, prefix: 'getpid', limit: 5 });
    expect(byName.path).toMatch(/^\/.*\/libc\.so\.6$/);
    expect(byName.symbols).toContain('getpid');
    await expect(operator.probes.symbols({ path: 'no_such_library_here', limit: 5 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no library no_such_library_here'),
    });
  });

  it('lists a binary’s USDT probes from its .note.stapsdt: provider:name, sites and argument types, filtered and bounded', async () => {
    const { operator } = callers();
    // Debian's python3 (not a pyenv one on PATH) is built with --with-dtrace: its own probes, in the executable.
    const python = realpathSync('/usr/bin/python3');
    const all = await operator.probes.usdt({ path: python, limit: 1000 });
    expect(all.path).toBe(python);
    const names = all.probes.map((probe) => `${probe.provider}:${probe.name}`);
    expect(names).toEqual(expect.arrayContaining(['python:gc__start', 'python:gc__done', 'python:function__entry', 'python:function__return']));
    expect(names).toEqual([...names].sort());
    expect(all.total).toBe(all.probes.length);
    // gc__start(int generation); function__entry(const char *filename, const char *funcname, int lineno).
    expect(all.probes.find((probe) => probe.name === 'gc__start')).toMatchObject({ provider: 'python', sites: 1, args: [{ type: 's32' }] });
    expect(all.probes.find((probe) => probe.name === 'function__entry')?.args.map((arg) => arg.type)).toEqual(['u64', 'u64', 's32']);
    const gc = await operator.probes.usdt({ path: python, query: 'gc__', limit: 1 });
    expect(gc.total).toBe(2);
    expect(gc.probes.map((probe) => probe.name)).toEqual(['gc__done']);
    // A library as a spec names it, found in a process's maps; a binary without notes has none.
    const libc = await operator.probes.usdt({ path: 'c', pid: process.pid, limit: 1000 });
    expect(libc.path).toMatch(/^\/.*\/libc\.so\.6$/);
    expect((await operator.probes.usdt({ path: process.execPath, query: 'no_such_probe', limit: 5 })).probes).toEqual([]);
    await expect(operator.probes.usdt({ path: '/etc/hostname', limit: 5 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('not an ELF file'),
    });
    await expect(operator.probes.usdt({ path: '/proc/self', limit: 5 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('not a regular file'),
    });
    await expect(operator.probes.usdt({ path: 'no_such_library_here', limit: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('validates and bounds every input before reading anything', async () => {
    const { operator } = callers();
    for (const input of [{ limit: 0 }, { limit: 1001 }, { prefix: '../x', limit: 1 }, { limit: 1, extra: true }]) {
      await expect(operator.probes.tracepoints(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    for (const input of [
      { category: '..', name: 'format' },
      { category: 'syscalls', name: 'a/b' },
      { category: 'x'.repeat(129), name: 'y' },
    ]) {
      await expect(operator.probes.tracepointFields(input)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    for (const input of [{ query: 'x'.repeat(65), limit: 1 }, { limit: 1001 }, { limit: 1, pid: 1 }]) {
      await expect(operator.probes.processes(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    for (const pid of [0, -1, 1.5, 2 ** 22 + 1]) await expect(operator.probes.binaries({ pid })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    for (const input of [
      { path: 'bin/ls', limit: 1 },
      { path: `/${'x'.repeat(4096)}`, limit: 1 },
      { path: '/bin/ls\0', limit: 1 },
      { path: '/bin/ls', prefix: 'x'.repeat(257), limit: 1 },
      { path: '/bin/ls', match: 'suffix', limit: 1 },
    ]) {
      await expect(operator.probes.symbols(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    for (const input of [
      { path: 'bin/python3', limit: 1 },
      { path: '/usr/bin/python3\0', limit: 1 },
      { path: '/usr/bin/python3', query: 'x'.repeat(257), limit: 1 },
      { path: '/usr/bin/python3', query: 'gc*', limit: 1 },
      { path: '/usr/bin/python3', limit: 1001 },
      { path: '/usr/bin/python3', pid: 0, limit: 1 },
      { path: '/usr/bin/python3', limit: 1, prefix: 'gc' },
    ]) {
      await expect(operator.probes.usdt(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('refuses a viewer token: the look-ups are the probe builder’s, for operators', async () => {
    const { viewer } = callers();
    await expect(viewer.probes.tracepoints({ limit: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(viewer.probes.processes({ limit: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(viewer.probes.usdt({ path: '/usr/bin/python3', limit: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(viewer.probes.binaries({ pid: process.pid })).rejects.toThrow('needs an operator token; bob has the viewer role only');
  });
});
