// What the web benchmarks share: an agent started from one of apps/agent/bench's scripts (a real agent holding
// what a bench needs already, e.g. an hour of history), and timing a link opened in a fresh browser context.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { withTimeout } from '@bpfscope/bench-kit';
import type { RunningAgent } from '../support/globalSetup.ts';
import { agentLauncher } from '../support/globalSetup.ts';

const agentDirectory = fileURLToPath(new URL('../../apps/agent/', import.meta.url));

export interface BenchAgent extends RunningAgent {
  /** What the script printed on stdout up to its sign-in token (and anything it printed after, as it comes). */
  lines: string[];
}

/**
 * `script` (relative to apps/agent, e.g. bench/agentWithHistory.ts) as a child process, once it listens: through the
 * agent's launch command (its node flags), the script's sources under tsx.
 */
export async function startBenchAgent(script: string, flags: string[]): Promise<BenchAgent> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bpfscope-bench-'));
  const child = spawn(agentLauncher, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...flags], {
    cwd: agentDirectory,
    env: {
      ...process.env,
      NODE: process.execPath,
      BPFSCOPE_AGENT_MAIN: script,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=tsx`.trim(),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const output = createInterface({ input: child.stdout });
  const { url, token } = await withTimeout(
    new Promise<{ url: string; token: string }>((resolve, reject) => {
      let url: string | undefined;
      output.on('line', (line) => {
        lines.push(line);
        url ??= /listening on (\S+)/.exec(line)?.[1];
        const token = /^token: (\S+)$/.exec(line)?.[1];
        if (url && token) resolve({ url, token });
      });
      child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening`)));
    }),
    60_000,
    script,
  );
  return {
    url,
    token,
    lines,
    pid: child.pid as number,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh context that holds a token for each agent, opening `link`: ms from navigation start until every check holds in the page. */
export async function timeToFilled(browser: Browser, agents: readonly RunningAgent[], link: string, ...checks: Array<() => boolean>): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(
    (entries) => {
      localStorage.setItem('bpfscope.hosts', JSON.stringify(entries.map(([host]) => host)));
      for (const [host, token] of entries) localStorage.setItem(`bpfscope.token:${host}`, token);
    },
    agents.map((agent) => [new URL(agent.url).host, agent.token] as [string, string]),
  );
  const page = await context.newPage();
  try {
    await page.goto(link);
    // Each check is sent as its source: page functions see only the page.
    const condition = checks.map((check) => `(${check.toString()})()`).join(' && ');
    const handle = await page.waitForFunction(`${condition} && performance.now()`, undefined, { polling: 'raf', timeout: 30_000 });
    return (await handle.jsonValue()) as number;
  } finally {
    await context.close();
  }
}
