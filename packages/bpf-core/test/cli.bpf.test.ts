import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBpf } from '../src/testing/kernel.js';

// The built CLI, through the same shim package managers link as `bpfscope-tool`.
const cli = fileURLToPath(new URL('../bin/bpfscope-tool.js', import.meta.url));

/** Runs the CLI for a while, runs `workload` once it is tracing, returns what it printed. */
async function traceWhile(args: string[], workload: () => Promise<void>): Promise<{ stdout: string; stderr: string; code: number }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Listened for from the start: a CLI that refuses to run exits before the workload.
  const exited = once(child, 'exit');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  while (!/Tracing/.test(stderr) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
  await workload();
  const [code] = (await exited) as [number];
  return { stdout, stderr, code };
}

const runTrue = async (arg: string) => {
  const child = spawn('/bin/true', [arg]);
  await once(child, 'exit');
  return child.pid as number;
};

describe('bpfscope-tool CLI', () => {
  beforeAll(() => requireBpf());

  it('prints the bcc-style table until --duration ends', async () => {
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    let pid = 0;
    const { stdout, code } = await traceWhile(['execsnoop', '--duration', '1.5'], async () => {
      pid = await runTrue(nonce);
    });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('TIME     PCOMM            PID     PPID    RET ARGS');
    const line = lines.find((candidate) => candidate.includes(nonce));
    expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d true +${pid} +${process.pid} +0 /bin/true ${nonce}$`));
  });

  it('prints JSON lines with --json', async () => {
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    let pid = 0;
    const { stdout } = await traceWhile(['execsnoop', '--json', '--duration', '1.5'], async () => {
      pid = await runTrue(nonce);
    });
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pid: number; argv: string[] });
    expect(rows.filter((row) => row.argv.includes(nonce))).toEqual([expect.objectContaining({ pid, argv: ['/bin/true', nonce] })]);
  });

  it('names each process of runqlat --per-process after the pid, as libbpf-tools does', async () => {
    const spinners = Array.from({ length: cpus().length * 2 }, () => spawn('/bin/sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    try {
      const pid = spinners[0]?.pid as number;
      const { stdout, code } = await traceWhile(['runqlat', '--per-process', '--pid', String(pid), '--duration', '1.5'], async () => {});
      expect(code).toBe(0);
      expect(stdout).toContain(`\npid = ${pid} sh\n`);
    } finally {
      for (const spinner of spinners) spinner.kill('SIGKILL');
    }
  });

  it("prints argdist --linear histograms as bpftrace's lhist, each second", async () => {
    // dd's reads of 1,500 bytes, told apart by its comm: a link to dd under a name unique to this test.
    const comm = `ddlin${randomBytes(4).toString('hex')}`;
    const directory = mkdtempSync(path.join(tmpdir(), 'cli-linear-'));
    const dd = path.join(directory, comm);
    symlinkSync('/usr/bin/dd', dd);
    try {
      const { stdout, code } = await traceWhile(
        ['argdist', '--histogram', `t:syscalls:sys_enter_read():size_t:args->count:$comm == "${comm}"`, '--linear', '1000,2000,250', '--duration', '2.5'],
        async () => {
          const child = spawn(dd, ['if=/dev/zero', 'of=/dev/null', 'bs=1500', 'count=40'], { stdio: 'ignore' });
          await once(child, 'exit');
        },
      );
      expect(code).toBe(0);
      // Its 40 reads of 1,500 bytes fall in [1500, 1750), the most of any bucket (ld.so and locale files are read in others).
      expect(stdout).toMatch(/\nargs->count:\n/);
      expect(stdout).toContain(`\n[1500, 1750)          40 |${'@'.repeat(52)}|\n`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("attaches a custom uprobe in a fresh process, its attach the kernel's uprobe check", async () => {
    let pid = 0;
    // coreutils' true sets its locale when given one argument (it checks for --help).
    const { stdout, stderr, code } = await traceWhile(['trace', '--json', '--duration', '1.5', 'p:c:setlocale "setlocale"'], async () => {
      pid = await runTrue(`bpfscope-${randomBytes(6).toString('hex')}`);
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Tracing trace \(uprobe\)/m);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pid: number; comm: string; func: string; message: string });
    expect(rows.filter((row) => row.pid === pid)).toEqual([expect.objectContaining({ comm: 'true', func: 'setlocale', message: 'setlocale' })]);
  });

  it('prints opensnoop --name --failed-only as bcc -n -x: PID COMM FD ERR PATH, failed opens only', async () => {
    // cat, under a name unique to this test, opening paths that do not exist (and one that does, which -x leaves out).
    const comm = `catmiss${randomBytes(4).toString('hex')}`;
    const directory = mkdtempSync(path.join(tmpdir(), 'cli-opensnoop-'));
    const cat = path.join(directory, comm);
    symlinkSync('/bin/cat', cat);
    const missing = [1, 2, 3].map((n) => path.join(directory, `missing-${n}`));
    try {
      let pid = 0;
      const { stdout, code } = await traceWhile(['opensnoop', '--name', comm, '--failed-only', 'true', '--duration', '1.5'], async () => {
        const child = spawn(cat, [...missing, '/etc/hostname'], { stdio: 'ignore' });
        await once(child, 'exit');
        pid = child.pid as number;
      });
      expect(code).toBe(0);
      const [header, ...rows] = stdout.trim().split('\n');
      expect(header).toBe('PID    COMM              FD ERR PATH');
      // Each missing path once, with cat's pid, no fd and ENOENT; nothing that opened.
      expect(rows.filter((row) => row.includes(directory))).toEqual(
        missing.map((file) => expect.stringMatching(new RegExp(`^${pid} +${comm} +-1 +2 ${file}$`))),
      );
      for (const row of rows) expect(row).toMatch(new RegExp(`^${pid} +${comm} +-1 +[1-9]\\d* `));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('runs tcpretrans --loss-probes on any kernel, saying on stderr what its method cannot show', async () => {
    const { stdout, stderr, code } = await traceWhile(['tcpretrans', '--loss-probes', 'true', '--duration', '1'], async () => {});
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('TIME     PID     IP LADDR:LPORT          T> RADDR:RPORT          STATE');
    const method = /^Tracing tcpretrans \((\w+)\)/m.exec(stderr)?.[1];
    // Tail loss probes need fentry or a kprobe; with the tracepoint alone (this host) the header says so.
    if (method === 'tp_btf' || method === 'tracepoint')
      expect(stderr).toMatch(new RegExp(`^With ${method}: no tail loss probes \\(lossProbes, bcc -l\\)`, 'm'));
    else expect(['fentry', 'kprobe']).toContain(method);
  });

  it('exits 2 with a clear message on bad input and attaches nothing', async () => {
    const run = promisify(execFile);
    for (const [args, message] of [
      [['nosuchtool'], /unknown tool "nosuchtool"/],
      [['tcplife', '--local-ports', '70000'], /localPorts\.0: .*65535/],
      [['tcplife', '--pid', '-3'], /pid/],
      [
        ['argdist', '--histogram', 't:syscalls:sys_enter_read():size_t:args->count', '--linear', '0,10,3'],
        /linear: max - min \(10\) must be a multiple of step \(3\)/,
      ],
      [['execsnoop', '--duration', 'abc'], /^bpfscope-tool: --duration needs a positive number of seconds, got abc\n$/],
    ] as const) {
      const result = await run(process.execPath, [cli, ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      // One line of message: no stack, no unhandled rejection.
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
