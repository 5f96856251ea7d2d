import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import { tracingMayAllocate } from '../src/bpfObject.js';
import type { ExecRow, ToolSession } from '../src/index.js';
import { requireBpf } from '../src/testing/kernel.js';

interface Spawned {
  pid: number;
  argv: string[];
}

/** Runs a command to completion and returns its pid. */
function run(file: string, args: string[], options: { uid?: number } = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore', ...options });
    child.once('error', reject);
    child.once('exit', () => {
      if (child.pid === undefined) reject(new Error(`no pid for ${file}`));
      else resolve({ pid: child.pid, argv: [file, ...args] });
    });
  });
}

function collect(session: ToolSession<ExecRow>): ExecRow[] {
  const rows: ExecRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return rows;
}

/** The maps a session's programs use, as the kernel describes them (bpftool). */
function kernelMapsOf(session: ToolSession<ExecRow>): Array<{ name: string; flags: number; bytes_memlock: number }> {
  const bpftool = (...args: string[]) => JSON.parse(execFileSync('bpftool', ['-j', ...args], { encoding: 'utf8' })) as unknown;
  const mapIds = new Set(session.programIds().flatMap((id) => (bpftool('prog', 'show', 'id', String(id)) as { map_ids?: number[] }).map_ids ?? []));
  return [...mapIds].map((id) => bpftool('map', 'show', 'id', String(id)) as { name: string; flags: number; bytes_memlock: number });
}

const BPF_F_NO_PREALLOC = 1;

describe('execsnoop against real execs', () => {
  let session: ToolSession<ExecRow> | undefined;
  beforeAll(() => requireBpf());
  afterEach(async () => {
    await session?.close();
  });

  it('allocates its in-flight execs as they begin where the kernel allows it, not 8 MB at every start', () => {
    session = startTool<ExecRow>('execsnoop', {});
    const execs = kernelMapsOf(session).find((map) => map.name === 'execs');
    expect(execs, 'the execs map').toBeDefined();
    expect((execs?.flags ?? 0) & BPF_F_NO_PREALLOC).toBe(tracingMayAllocate() ? BPF_F_NO_PREALLOC : 0);
    // Preallocated, the map's 1024 entries of 7.7 KB would all be charged now.
    if (tracingMayAllocate()) expect(execs?.bytes_memlock).toBeLessThan(1024 * 1024);
  });

  it('sees 50 known execs and 5 failed ones with the right pid, ppid, args and RET, and nothing invented', async () => {
    session = startTool<ExecRow>('execsnoop', { includeFailed: true });
    const rows = collect(session);
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    const binaries = ['/bin/true', '/bin/echo', '/bin/false'];

    const succeeded: Spawned[] = [];
    for (let i = 0; i < 50; i++) {
      const binary = binaries[i % binaries.length] as string;
      succeeded.push(await run(binary, [`${nonce}-${i}`, `arg two ${i}`, '--flag=x']));
    }
    // A failed exec has no pid Node can report, so a shell we know execs the missing path.
    const failed: Spawned[] = [];
    const wrappers: Spawned[] = [];
    for (let i = 0; i < 5; i++) {
      const missing = `/nonexistent-${nonce}/missing-${i}`;
      const wrapper = await run('/bin/sh', ['-c', 'exec "$0" "$@"', missing, `${nonce}-failed-${i}`]);
      wrappers.push(wrapper);
      failed.push({ pid: wrapper.pid, argv: [missing, `${nonce}-failed-${i}`] });
    }
    session.flush();

    const ours = rows.filter((row) => row.argv.some((arg) => arg.includes(nonce)));
    for (const expected of succeeded) {
      const matches = ours.filter((row) => row.pid === expected.pid && row.ret === 0);
      expect(matches, `exec of ${expected.argv.join(' ')}`).toHaveLength(1);
      const row = matches[0] as ExecRow;
      expect(row.ppid).toBe(process.pid);
      expect(row.argv).toEqual(expected.argv);
      expect(row.pcomm).toBe(expected.argv[0]?.split('/').pop());
      expect(row.argsTruncated).toBe(false);
      expect(Math.abs(row.time - Date.now())).toBeLessThan(60_000);
    }
    for (const expected of failed) {
      const matches = ours.filter((row) => row.pid === expected.pid && row.ret !== 0);
      expect(matches, `failed exec of ${expected.argv[0]}`).toHaveLength(1);
      const row = matches[0] as ExecRow;
      expect(row.ret).toBe(-2);
      expect(row.ppid).toBe(process.pid);
      expect(row.argv).toEqual(expected.argv);
      expect(row.pcomm).toBe('sh');
    }
    // Every exec carrying the nonce is one we made: 50 + 5 failed + their 5 shells.
    expect(ours).toHaveLength(60);
    const wrapperPids = new Set(wrappers.map((wrapper) => wrapper.pid));
    expect(ours.filter((row) => wrapperPids.has(row.pid) && row.ret === 0)).toHaveLength(5);
    expect(session.stats().kernelDrops).toBe(0);
  });

  it('leaves failed execs out unless asked, like bcc without -x', async () => {
    session = startTool<ExecRow>('execsnoop', {});
    const rows = collect(session);
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    const ok = await run('/bin/true', [nonce]);
    await run('/bin/sh', ['-c', 'exec "$0"', `/nonexistent-${nonce}`]);
    session.flush();
    const ours = rows.filter((row) => row.argv.some((arg) => arg.includes(nonce)));
    expect(ours.filter((row) => row.ret !== 0)).toEqual([]);
    expect(ours.some((row) => row.pid === ok.pid)).toBe(true);
  });

  it('filters by uid in the kernel and by comm and argument text in user space', async () => {
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    session = startTool<ExecRow>('execsnoop', { uid: 65534 });
    const byUid = collect(session);
    const asNobody = await run('/bin/true', [`${nonce}-nobody`], { uid: 65534 });
    await run('/bin/true', [`${nonce}-root`]);
    session.flush();
    await session.close();
    const uidRows = byUid.filter((row) => row.argv.some((arg) => arg.includes(nonce)));
    expect(uidRows.map((row) => row.pid)).toEqual([asNobody.pid]);
    expect(uidRows[0]?.uid).toBe(65534);

    session = startTool<ExecRow>('execsnoop', { comm: 'echo', nameContains: `${nonce}-wanted` });
    const filtered = collect(session);
    const wanted = await run('/bin/echo', [`${nonce}-wanted`]);
    await run('/bin/echo', [`${nonce}-other`]);
    await run('/bin/true', [`${nonce}-wanted`]);
    session.flush();
    expect(filtered.map((row) => row.pid)).toEqual([wanted.pid]);
  });

  it('captures at most maxArgs arguments and marks the rest truncated, as bcc prints "..."', async () => {
    session = startTool<ExecRow>('execsnoop', { maxArgs: 5 });
    const rows = collect(session);
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    const args = Array.from({ length: 30 }, (_, i) => `${nonce}-${i}`);
    const long = 'x'.repeat(300);
    const many = await run('/bin/true', args);
    const longArg = await run('/bin/true', [nonce, long]);
    session.flush();
    const manyRow = rows.find((row) => row.pid === many.pid);
    expect(manyRow?.argv).toEqual(['/bin/true', ...args.slice(0, 4)]);
    expect(manyRow?.argsTruncated).toBe(true);
    const longRow = rows.find((row) => row.pid === longArg.pid);
    // bcc's per-argument limit: 128 bytes including the NUL.
    expect(longRow?.argv).toEqual(['/bin/true', nonce, 'x'.repeat(127)]);
    expect(longRow?.argsTruncated).toBe(true);
  });
});
