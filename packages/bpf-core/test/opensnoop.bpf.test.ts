// opensnoop against a workload the test runs: a child opens 30 known paths (10 of
// them missing, so ERR 2) and creates one file; each open must be seen once with
// the child's pid, the fd it got and the path it passed, and the filters by pid,
// thread, process name and failure must keep exactly what they say.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bpfTestResources } from './resources.js';
import { startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import type { OpenRow } from '../src/tools/opensnoop/opensnoop.js';
import { kernelProgramIds } from '../src/testing/kernel.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

const workloadScript = fileURLToPath(new URL('./fixtures/openWorkload.mjs', import.meta.url));

interface OpenResult {
  path: string;
  fd: number;
  err: number;
}

interface Workload {
  pid: number;
  paths: { existing: string[]; missing: string[]; created: string };
  /** Starts the opens and resolves with what the child got. */
  run(): Promise<OpenResult[]>;
}

const { sessions, directories, children } = bpfTestResources<ToolSession<OpenRow>>();

/** Spawns the workload over 20 files of a fresh directory and 10 that are not there; resolves when it is ready. */
async function startWorkload(options: { comm?: string } = {}): Promise<Workload> {
  const directory = mkdtempSync('/tmp/opensnoop-');
  directories.push(directory);
  const existing = Array.from({ length: 20 }, (_, i) => path.join(directory, `present-${i}`));
  for (const file of existing) writeFileSync(file, 'x');
  const missing = Array.from({ length: 10 }, (_, i) => path.join(directory, `missing-${i}`));
  const created = path.join(directory, 'created');
  // Interleaved, so an ordering mistake shows.
  const paths = existing.flatMap((file, i) => (i % 2 === 0 && missing[i / 2] ? [file, missing[i / 2] as string] : [file]));
  const args = [workloadScript, ...(options.comm ? ['--comm', options.comm] : []), ...paths, created];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  const waitFor = async (check: () => boolean) => {
    while (!check()) {
      if (child.exitCode !== null && !check()) throw new Error(`workload exited with ${child.exitCode}: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await waitFor(() => output.includes('ready\n'));
  return {
    pid: child.pid as number,
    paths: { existing, missing, created },
    async run() {
      child.stdin.write('go\n');
      await waitFor(() => output.split('\n').length >= 3);
      if (child.exitCode === null) await once(child, 'exit');
      return JSON.parse(output.split('\n')[1] as string) as OpenResult[];
    },
  };
}

function start(params: Record<string, unknown>): { session: ToolSession<OpenRow>; rows: OpenRow[] } {
  const session = startTool<OpenRow>('opensnoop', params);
  sessions.push(session);
  const rows: OpenRow[] = [];
  session.onRows((batch) => rows.push(...batch));
  return { session, rows };
}

describe('opensnoop against real opens', () => {
  it('sees each of 30 opens (10 missing: ERR 2) and the create once, with pid, fd, path, flags and mode', async () => {
    const workload = await startWorkload();
    const { session, rows } = start({ extendedFields: true, timestamp: true, printUid: true });
    expect(session.attachMethod).toBe('tracepoint');
    const results = await workload.run();
    session.flush();
    expect(results).toHaveLength(31);
    expect(results.filter((result) => result.err === 2)).toHaveLength(10);
    const directory = path.dirname(workload.paths.created);
    const ours = rows.filter((row) => row.path.startsWith(directory));
    expect(ours.map((row) => [row.pid, row.path, row.fd, row.err])).toEqual(results.map((result) => [workload.pid, result.path, result.fd, result.err]));
    for (const row of ours) {
      expect(row.tid).toBe(workload.pid);
      expect(row.uid).toBe(process.getuid?.());
      expect(row.comm).toBe('node');
      expect(Math.abs(row.time - Date.now())).toBeLessThan(60_000);
    }
    const missing = ours.filter((row) => workload.paths.missing.includes(row.path));
    expect(missing.every((row) => row.fd === -1 && row.err === 2)).toBe(true);
    // Node opens read-only files with O_CLOEXEC; the create is O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, mode 0640.
    expect(ours[0]?.flags).toBe('02000000');
    expect(ours[0]?.mode).toBe('n/a');
    const create = ours[ours.length - 1];
    expect(create?.flags).toBe('02000301');
    expect(create?.mode).toBe('0640');
    expect(session.stats().kernelDrops).toBe(0);
  });

  it('keeps only failed opens with failedOnly (bcc -x)', async () => {
    const workload = await startWorkload();
    const { session, rows } = start({ failedOnly: true });
    await workload.run();
    session.flush();
    const directory = path.dirname(workload.paths.created);
    const ours = rows.filter((row) => row.path.startsWith(directory));
    expect(ours.map((row) => row.path)).toEqual(workload.paths.missing);
    expect(rows.every((row) => row.err !== 0)).toBe(true);
  });

  it('filters by pid and tid in the kernel and by process name in user space', async () => {
    const wanted = await startWorkload();
    const other = await startWorkload();
    const byPid = start({ pid: wanted.pid });
    const byTid = start({ tid: wanted.pid });
    await Promise.all([wanted.run(), other.run()]);
    for (const { session, rows } of [byPid, byTid]) {
      session.flush();
      expect(new Set(rows.map((row) => row.pid))).toEqual(new Set([wanted.pid]));
      expect(rows.filter((row) => row.path.startsWith(path.dirname(wanted.paths.created)))).toHaveLength(31);
    }

    const comm = `os${process.pid % 100000}t`;
    const named = await startWorkload({ comm });
    const unnamed = await startWorkload();
    const byName = start({ name: comm.slice(1, -1) });
    await Promise.all([named.run(), unnamed.run()]);
    byName.session.flush();
    expect(new Set(byName.rows.map((row) => row.pid))).toEqual(new Set([named.pid]));
    expect(byName.rows.filter((row) => row.path.startsWith(path.dirname(named.paths.created)))).toHaveLength(31);
    expect(byName.rows.every((row) => row.comm === comm)).toBe(true);
  });

  it.each([
    [{ pid: 0 }, /pid: .*>=1/],
    [{ tid: -1 }, /tid: .*>=1/],
    [{ name: '' }, /name: /],
    [{ flagFilter: ['O_NOPE'] }, /flagFilter\.0: /],
    [{ uid: 2 ** 32 }, /uid: .*<=4294967294/],
    [{ bogus: 1 }, /unknown key: "bogus"/],
  ])('refuses %j with a typed error and attaches nothing', async (params, message) => {
    const before = kernelProgramIds();
    expectToolError(() => startTool('opensnoop', params), 'INVALID_PARAMS', message);
    await expectNothingNewLoaded(before);
  });
});
