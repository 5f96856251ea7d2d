// Starts the real agent once for the run (built by `make build`, serving the built web
// app), as root with real BPF, and hands its URL and token to the tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningAgent {
  url: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

/** The agent's one launch command (its node flags with it), which runs the built agent. */
export const agentLauncher = path.join(repoRoot, 'apps/agent/bin/bpfscope-agent');

/** The built agent as a child process on an ephemeral loopback port, with its own data dir, launched as `make start` does. */
export async function startAgent(flags: string[] = []): Promise<RunningAgent> {
  if (process.getuid?.() !== 0) throw new Error('the e2e tests drive real BPF through the agent: run them as root (make test)');
  const agentMain = path.join(repoRoot, 'apps/agent/dist/main.js');
  const webIndex = path.join(repoRoot, 'apps/web/dist/index.html');
  for (const file of [agentMain, webIndex]) if (!existsSync(file)) throw new Error(`${file} is missing: run make build first`);

  return launchAgent({ flags: ['--print-token', ...flags], dataDirPrefix: 'bpfscope-e2e-', timeoutMs: 20_000, what: 'the agent' });
}

export interface LaunchedAgent extends RunningAgent {
  /** What it printed on stdout up to its token (and anything it prints after, as it comes). */
  lines: string[];
}

/**
 * The agent's launch command as a child process on an ephemeral loopback port with a data dir of its own, once it
 * has printed where it listens and its token. `env` and `cwd` pick what it runs (BPFSCOPE_AGENT_MAIN: a bench script).
 */
export async function launchAgent(options: {
  flags: string[];
  dataDirPrefix: string;
  timeoutMs: number;
  /** Names it in errors. */
  what: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): Promise<LaunchedAgent> {
  const dataDir = mkdtempSync(path.join(tmpdir(), options.dataDirPrefix));
  const agent = spawn(agentLauncher, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...options.flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE: process.execPath, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const lines: string[] = [];
  const output = createInterface({ input: agent.stdout });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error(`${options.what} did not start within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
    output.on('line', (line) => {
      lines.push(line);
      url ??= /listening on (\S+)/.exec(line)?.[1];
      const token = /^token: (\S+)$/.exec(line)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    agent.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.what} exited (${code}) before listening`));
    });
  });
  return {
    url,
    token,
    lines,
    pid: agent.pid as number,
    async stop() {
      agent.kill('SIGTERM');
      await new Promise((resolve) => agent.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const agent = await startAgent();
  process.env.BPFSCOPE_E2E_URL = agent.url;
  process.env.BPFSCOPE_E2E_TOKEN = agent.token;
  // A second host for cross-host views: it lets the first agent's page call it (CORS), as a real fleet would.
  const second = await startAgent(['--allow-origin', agent.url, '--record', 'none']);
  process.env.BPFSCOPE_E2E_SECOND_URL = second.url;
  process.env.BPFSCOPE_E2E_SECOND_TOKEN = second.token;
  return async () => {
    await Promise.all([agent.stop(), second.stop()]);
  };
}
