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

  const dataDir = mkdtempSync(path.join(tmpdir(), 'bpfscope-e2e-'));
  const agent = spawn(agentLauncher, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--print-token', ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE: process.execPath },
  });
  const lines = createInterface({ input: agent.stdout });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error('the agent did not start within 20 s')), 20_000);
    lines.on('line', (line) => {
      url ??= /listening on (\S+)/.exec(line)?.[1];
      const token = /^token: (\S+)$/.exec(line)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    agent.once('exit', (code) => reject(new Error(`the agent exited (${code}) before listening`)));
  });
  return {
    url,
    token,
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
