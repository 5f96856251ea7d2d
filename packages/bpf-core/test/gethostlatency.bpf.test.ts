// gethostlatency against lookups the tests make themselves, of names that resolve
// without a network (/etc/hosts): getent (getaddrinfo, gethostbyname2), node
// (getaddrinfo on a libuv thread) and a small C program calling each function,
// every one in a child process whose pid we know.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToolError, startTool } from '../src/index.js';
import type { HistogramFrame, ToolSession } from '../src/index.js';
import type { HostLookupRow } from '../src/tools/gethostlatency/gethostlatency.js';
import { eventually, requireBpf } from '../src/testing/kernel.js';

const sessions: ToolSession<HostLookupRow>[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
const buildDirectory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'gethostlatency-'));
/** test/fixtures/hostLookup.c, built here; its COMM is its file name. */
const hostLookup = path.join(buildDirectory, 'hostlookup');

beforeAll(() => {
  requireBpf();
  execFileSync('cc', ['-O2', '-Wall', '-o', hostLookup, fileURLToPath(new URL('./fixtures/hostLookup.c', import.meta.url))]);
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});
afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

const countsOf = (frame: HistogramFrame, label?: string) =>
  frame.series.filter((series) => label === undefined || series.label === label).reduce((sum, series) => sum + series.counts.reduce((a, b) => a + b, 0), 0);

function start(params: object): { session: ToolSession<HostLookupRow>; rows: HostLookupRow[] } {
  const session = startTool<HostLookupRow>('gethostlatency', params, { flush: 'manual' });
  sessions.push(session);
  const rows: HostLookupRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return { session, rows };
}

interface Run {
  pid: number;
  /** How long the process ran: an upper bound of any lookup it made. */
  elapsedMs: number;
  code: number;
}

async function run(command: string, args: string[]): Promise<Run> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number];
  return { pid: child.pid as number, elapsedMs: performance.now() - started, code };
}

async function rowsOf(session: ToolSession<HostLookupRow>, rows: HostLookupRow[], pid: number, count: number): Promise<HostLookupRow[]> {
  const mine = () => rows.filter((row) => row.pid === pid);
  await eventually(() => {
    session.flush();
    return mine().length >= count;
  });
  return mine();
}

/** hostlookup in its stdin mode: one lookup per request, answered before the next. */
async function startResolver(): Promise<{ pid: number; lookup: (functionName: string, name: string) => Promise<string> }> {
  const child = spawn(hostLookup, []);
  children.push(child);
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter(Boolean));
    wake?.();
  });
  const nextLine = async () => {
    while (lines.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return lines.shift() as string;
  };
  expect(await nextLine()).toBe('ready');
  return {
    pid: child.pid as number,
    lookup: async (functionName, name) => {
      child.stdin.write(`${functionName} ${name}\n`);
      return nextLine();
    },
  };
}

describe('gethostlatency', () => {
  it('reports each lookup with its process, COMM, HOST and latency; the heat map counts them per function', async () => {
    const { session, rows } = start({});
    expect(session.attachMethod).toBe('uprobe');
    expect(session.histogram).toEqual({ measure: 'host name lookup latency', unit: 'usecs', keyName: 'function' });
    session.flushHistogram();

    // localhost is in every /etc/hosts; the host name may not be, so only localhost must be found.
    const ahosts = await Promise.all(['localhost', hostname()].map(async (name) => ({ name, ...(await run('getent', ['ahosts', name])) })));
    expect(ahosts[0]?.code).toBe(0);
    const hosts = await run('getent', ['hosts', 'localhost']);
    const direct = await Promise.all(
      (['getaddrinfo', 'gethostbyname', 'gethostbyname2'] as const).map(async (functionName) => ({
        functionName,
        ...(await run(hostLookup, [functionName, 'localhost'])),
      })),
    );
    const threaded = await run(process.execPath, ['-e', "require('node:dns').lookup('localhost', (error) => process.exit(error ? 1 : 0))"]);

    for (const { name, pid, elapsedMs } of ahosts) {
      const [row, ...more] = await rowsOf(session, rows, pid, 1);
      expect(more).toEqual([]);
      expect(row).toMatchObject({ pid, tid: pid, comm: 'getent', host: name, function: 'getaddrinfo' });
      expect(row?.latencyMs).toBeGreaterThan(0);
      expect(row?.latencyMs).toBeLessThan(elapsedMs);
      expect(Math.abs((row?.time ?? 0) - Date.now())).toBeLessThan(10_000);
    }
    expect(rows.find((row) => row.pid === ahosts[0]?.pid)?.failed).toBe(false);

    // getent hosts asks for IPv6 first, then for IPv4 when that finds nothing.
    const hostsRows = await rowsOf(session, rows, hosts.pid, 1);
    expect(hostsRows.length).toBeGreaterThanOrEqual(1);
    expect(hostsRows.length).toBeLessThanOrEqual(2);
    for (const row of hostsRows) {
      expect(row).toMatchObject({ pid: hosts.pid, comm: 'getent', host: 'localhost', function: 'gethostbyname2' });
      expect(row.latencyMs).toBeGreaterThan(0);
      expect(row.latencyMs).toBeLessThan(hosts.elapsedMs);
    }
    expect(hostsRows.at(-1)?.failed).toBe(false);

    for (const { functionName, pid, elapsedMs, code } of direct) {
      expect(code).toBe(0);
      const [row, ...more] = await rowsOf(session, rows, pid, 1);
      expect(more).toEqual([]);
      expect(row).toMatchObject({ pid, tid: pid, comm: 'hostlookup', host: 'localhost', function: functionName, failed: false });
      expect(row?.latencyMs).toBeGreaterThan(0);
      expect(row?.latencyMs).toBeLessThan(elapsedMs);
    }

    // Node resolves on a libuv pool thread: PID is the process, not the thread.
    expect(threaded.code).toBe(0);
    const threadedRows = (await rowsOf(session, rows, threaded.pid, 1)).filter((row) => row.host === 'localhost');
    expect(threadedRows.length).toBeGreaterThanOrEqual(1);
    expect(threadedRows[0]).toMatchObject({ function: 'getaddrinfo', failed: false });
    expect(threadedRows[0]?.tid).not.toBe(threaded.pid);

    // Other processes on the machine may look names up too: at least ours are counted.
    const frame = session.flushHistogram() as HistogramFrame;
    expect(frame.unit).toBe('usecs');
    expect(countsOf(frame, 'getaddrinfo')).toBeGreaterThanOrEqual(4);
    expect(countsOf(frame, 'gethostbyname')).toBeGreaterThanOrEqual(1);
    expect(countsOf(frame, 'gethostbyname2')).toBeGreaterThanOrEqual(hostsRows.length + 1);
    expect(countsOf(frame)).toBeGreaterThanOrEqual(rows.length);
    // The heat map's slot agrees with the row's latency (log2 of microseconds).
    const gethostbynameRow = rows.find((row) => row.pid === direct[1]?.pid);
    const slot = Math.max(0, Math.floor(Math.log2((gethostbynameRow?.latencyMs ?? 0) * 1000)));
    expect(frame.series.find((series) => series.label === 'gethostbyname')?.counts[slot]).toBeGreaterThanOrEqual(1);
    expect(session.stats().kernelDrops).toBe(0);
  });

  it('with a pid sees that process only, rows and heat map alike', async () => {
    const resolver = await startResolver();
    const { session, rows } = start({ pid: resolver.pid });
    const other = await run('getent', ['ahosts', 'localhost']);
    const otherDirect = await run(hostLookup, ['gethostbyname', 'localhost']);
    expect(await resolver.lookup('getaddrinfo', 'localhost')).toBe('found');
    expect(await resolver.lookup('gethostbyname', 'localhost')).toBe('found');
    expect(await resolver.lookup('gethostbyname2', 'localhost')).toBe('found');
    await resolver.lookup('getaddrinfo', hostname());
    const mine = await rowsOf(session, rows, resolver.pid, 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    session.flush();

    expect(rows.filter((row) => row.pid === other.pid || row.pid === otherDirect.pid)).toEqual([]);
    expect(rows.every((row) => row.pid === resolver.pid)).toBe(true);
    expect(mine.map((row) => [row.function, row.host])).toEqual([
      ['getaddrinfo', 'localhost'],
      ['gethostbyname', 'localhost'],
      ['gethostbyname2', 'localhost'],
      ['getaddrinfo', hostname()],
    ]);
    for (const row of mine) expect(row).toMatchObject({ comm: 'hostlookup', tid: resolver.pid });
    const frame = session.flushHistogram() as HistogramFrame;
    expect(countsOf(frame, 'getaddrinfo')).toBe(2);
    expect(countsOf(frame, 'gethostbyname')).toBe(1);
    expect(countsOf(frame, 'gethostbyname2')).toBe(1);
    expect(countsOf(frame)).toBe(4);
  });

  it('refuses bad params and a file without getaddrinfo with a ToolError, leaving nothing loaded', async () => {
    const refusal = (params: object) => {
      try {
        sessions.push(startTool<HostLookupRow>('gethostlatency', params));
      } catch (error) {
        expect(error).toBeInstanceOf(ToolError);
        return `${(error as ToolError).code}: ${(error as ToolError).message}`;
      }
      return 'started';
    };
    expect(refusal({ libc: 'libc.so.6' })).toMatch(/^INVALID_PARAMS: .*libc: an absolute path/);
    expect(refusal({ libc: path.join(buildDirectory, 'libc.so.6') })).toMatch(/^INVALID_PARAMS: .*libc: .* does not exist/);
    expect(refusal({ libc: buildDirectory })).toMatch(/^INVALID_PARAMS: .*libc: .* is not a regular file/);
    expect(refusal({ libc: fileURLToPath(new URL('./fixtures/hostLookup.c', import.meta.url)) })).toMatch(/^INVALID_PARAMS: .*libc: .* is not an ELF file/);
    expect(refusal({ pid: 4_194_304 })).toMatch(/^INVALID_PARAMS: .*pid: no process 4194304/);
    expect(refusal({ pid: -1 })).toMatch(/^INVALID_PARAMS: .*pid/);
    expect(refusal({ comm: 'getent' })).toMatch(/^INVALID_PARAMS: .*comm/);
    // ELF files that are no C library: loaded, then refused at attach and unloaded. An
    // executable that imports getaddrinfo is not one either (libbpf finds only its import).
    expect(refusal({ libc: '/bin/true' })).toMatch(/^UNAVAILABLE: .*\/bin\/true has no getaddrinfo function/);
    expect(refusal({ libc: hostLookup })).toMatch(/^UNAVAILABLE: .*cannot find getaddrinfo in .*hostlookup/);
    // Only this tool's programs are looked for: other tests may load theirs meanwhile.
    expect(await eventually(() => ourProgramsLoaded() === 0)).toBe(true);
  });
});

/** Programs of gethostlatency.bpf.o loaded in the kernel (the kernel keeps 15 characters of a name, bpftool may show all). */
function ourProgramsLoaded(): number {
  const names = ['getaddrinfo_enter', 'gethostbyname_enter', 'gethostbyname2_enter', 'host_lookup_exit'];
  const programs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{ name?: string }>;
  return programs.filter((program) => names.some((name) => program.name === name || program.name === name.slice(0, 15))).length;
}
