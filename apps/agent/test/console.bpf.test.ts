// What the agent prints and where its audit lines go, with the agent as its own
// process (stdout a file, standing in for a terminal, a pipe or the journal).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, fstatSync, mkdtempSync, openSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentDirectory, agentLauncher, createClient, eventually, launcherEnv, mainScript, requireBpf } from './harness.js';

interface PrintingAgent {
  url: string;
  token: string;
  dataDir: string;
  stdout(): string[];
  stop(): Promise<void>;
}

/** The agent with its stdout in a file; `journal` sets JOURNAL_STREAM to that file, as systemd does for its stream. */
async function startPrintingAgent(flags: string[], options: { journal?: boolean } = {}): Promise<PrintingAgent> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bpfscope-console-'));
  const dataDir = path.join(dir, 'data');
  const stdoutFile = path.join(dir, 'stdout');
  const stdoutFd = openSync(stdoutFile, 'a');
  const { dev, ino } = fstatSync(stdoutFd);
  const env = launcherEnv(mainScript);
  delete env.JOURNAL_STREAM;
  if (options.journal) env.JOURNAL_STREAM = `${dev}:${ino}`;
  const child = spawn(agentLauncher, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...flags], {
    cwd: agentDirectory,
    stdio: ['ignore', stdoutFd, 'inherit'],
    env,
  });
  const stdout = () =>
    readFileSync(stdoutFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  expect(await eventually(() => exited || stdout().some((line) => line.startsWith('token: ')), 20_000)).toBe(true);
  const url = /listening on (\S+)/.exec(stdout().join('\n'))?.[1];
  if (!url) throw new Error(`the agent did not start: ${stdout().join('\n')}`);
  return {
    url,
    token: readFileSync(path.join(dataDir, 'token'), 'utf8').trim(),
    dataDir,
    stdout,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const isAuditLine = (line: string) => line.startsWith('{"audit":true');

/** Starts and stops a viewer, which the agent audits as attach, viewer-start, viewer-stop. */
async function auditedSession(agent: PrintingAgent): Promise<void> {
  const client = createClient(agent.url, agent.token);
  const started = await client.sessions.start.mutate({ tool: 'execsnoop', params: {} });
  await client.sessions.stop.mutate({ id: started.id });
}

describe('agent console and audit log', () => {
  beforeAll(() => requireBpf());

  it('by default writes audit lines to <data-dir>/audit.log (0600), not to stdout, and prints the sign-in link last', async () => {
    const agent = await startPrintingAgent(['--record', 'runqlat', '--grace-period-seconds', '0.5', '--print-token']);
    try {
      await auditedSession(agent);
      const auditFile = path.join(agent.dataDir, 'audit.log');
      expect(await eventually(() => existsSync(auditFile) && readFileSync(auditFile, 'utf8').includes('"viewer-stop"'))).toBe(true);
      const audit = readFileSync(auditFile, 'utf8').trim().split('\n');
      expect(audit.every(isAuditLine)).toBe(true);
      expect(audit.map((line) => (JSON.parse(line) as { action: string; tool: string }).action)).toEqual(
        expect.arrayContaining(['attach', 'viewer-start', 'viewer-stop']),
      );
      expect(audit.some((line) => line.includes('"who":"flight-recorder"'))).toBe(true);
      expect(readFileSync(auditFile, 'utf8')).not.toContain(agent.token);
      expect(statSync(auditFile).mode & 0o777).toBe(0o600);

      const stdout = agent.stdout();
      expect(stdout.filter(isAuditLine)).toEqual([]);
      expect(stdout).toContain(`audit log: ${auditFile} (--audit both shows it here too)`);
      // The token only in the sign-in lines, and the link is the last thing printed.
      expect(stdout.filter((line) => line.includes(agent.token))).toEqual([`token: ${agent.token}`, `open: ${agent.url}/#token=${agent.token}`]);
      expect(stdout.at(-1)).toBe(`open: ${agent.url}/#token=${agent.token}`);
    } finally {
      await agent.stop();
    }
  });

  it('with --audit both writes them to the file and to stdout', async () => {
    const agent = await startPrintingAgent(['--record', 'none', '--grace-period-seconds', '0.5', '--audit', 'both']);
    try {
      await auditedSession(agent);
      expect(await eventually(() => agent.stdout().some((line) => isAuditLine(line) && line.includes('"viewer-stop"')))).toBe(true);
      const auditFile = path.join(agent.dataDir, 'audit.log');
      expect(readFileSync(auditFile, 'utf8').trim().split('\n')).toEqual(agent.stdout().filter(isAuditLine));
      expect(agent.stdout().join('\n')).not.toContain(agent.token);
    } finally {
      await agent.stop();
    }
  });

  it('under systemd (stdout is the journal stream) writes them to the journal and the file, and never prints the token there', async () => {
    const agent = await startPrintingAgent(['--record', 'none', '--grace-period-seconds', '0.5', '--print-token'], { journal: true });
    try {
      await auditedSession(agent);
      expect(await eventually(() => agent.stdout().some((line) => isAuditLine(line) && line.includes('"viewer-stop"')))).toBe(true);
      const file = path.join(agent.dataDir, 'audit.log');
      expect(await eventually(() => existsSync(file) && readFileSync(file, 'utf8').includes('"viewer-stop"'))).toBe(true);
      const stdout = agent.stdout().join('\n');
      expect(stdout).not.toContain(agent.token);
      expect(stdout).toContain(`token: in ${path.join(agent.dataDir, 'token')} (not printed: stdout is the journal)`);
    } finally {
      await agent.stop();
    }
  });
});
