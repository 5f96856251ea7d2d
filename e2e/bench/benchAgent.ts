// What the web benchmarks share: an agent started from one of apps/agent/bench's scripts (a real agent holding
// what a bench needs already, e.g. an hour of history), and timing a link opened in a fresh browser context.
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from '@playwright/test';
import type { LaunchedAgent, RunningAgent } from '../support/globalSetup.ts';
import { launchAgent } from '../support/globalSetup.ts';

const agentDirectory = fileURLToPath(new URL('../../apps/agent/', import.meta.url));

/**
 * `script` (relative to apps/agent, e.g. bench/agentWithHistory.ts) as a child process, once it listens: through the
 * agent's launch command (its node flags), the script's sources under tsx.
 */
export function startBenchAgent(script: string, flags: string[]): Promise<LaunchedAgent> {
  return launchAgent({
    flags,
    dataDirPrefix: 'bpfscope-bench-',
    timeoutMs: 60_000,
    what: script,
    cwd: agentDirectory,
    env: { BPFSCOPE_AGENT_MAIN: script, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=tsx`.trim() },
  });
}

/** A fresh context that holds a token for each agent, opening `link`: ms from navigation start until every check holds in the page. */
export function timeToFilled(browser: Browser, agents: readonly RunningAgent[], link: string, ...checks: Array<() => boolean>): Promise<number> {
  return timeToFilledWith(browser, agents, link, {}, ...checks);
}

/** timeToFilled, `prepare` first given the fresh context (routes that change what the page asks for, for a peer). */
export async function timeToFilledWith(
  browser: Browser,
  agents: readonly RunningAgent[],
  link: string,
  options: { prepare?: (context: BrowserContext) => Promise<void> },
  ...checks: Array<() => boolean>
): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await options.prepare?.(context);
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
