// Test harness: a real agent on loopback (in this process, or as a child process
// that tests can SIGKILL), and a real tRPC client for it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import { loadOrCreateTokens } from '../src/auth/tokens.js';
import { parseAgentConfig } from '../src/env.js';
import type { AppRouter } from '../src/routers/_app.js';
import { startHostRecorder } from '../src/overview/hostOverview.js';
import { listen } from '../src/server.js';
import { createAgentServices } from '../src/services/agentServices.js';
import { startFlightRecorder } from '../src/services/flightRecorder.js';
import type { AgentServices } from '../src/context.js';

export type AgentClient = TRPCClient<AppRouter>;

export function createClient(url: string, token: string | undefined): AgentClient {
  const authorization: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          // EventSource cannot send headers; this one takes a fetch that can.
          eventSourceOptions: () => ({
            fetch: (input: RequestInfo | URL, init?: RequestInit) =>
              fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...authorization } }),
          }),
        }),
        // As the web page sends them: mutations alone (no batch timer in front of a sessions.start), queries batched.
        false: splitLink({
          condition: (operation) => operation.type === 'mutation',
          true: httpLink({ url: `${url}/trpc`, headers: () => authorization }),
          false: httpBatchLink({ url: `${url}/trpc`, headers: () => authorization }),
        }),
      }),
    ],
  });
}

/** Tests count kernel programs: the flight recorder's only run where a test asks for them. */
function withoutRecorderUnlessAsked(flags: string[]): string[] {
  return flags.some((flag) => flag.startsWith('--record')) ? flags : ['--record', 'none', ...flags];
}

export interface TestAgent {
  url: string;
  token: string;
  services: AgentServices;
  client: AgentClient;
  /** Audit lines, as JSON. */
  audit: string[];
  close(): Promise<void>;
}

/** A real agent on 127.0.0.1 with an ephemeral port and its own data dir. */
export async function startTestAgent(flags: string[] = []): Promise<TestAgent> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bpfscope-agent-'));
  const config = parseAgentConfig(['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...withoutRecorderUnlessAsked(flags)], {});
  const { tokens } = loadOrCreateTokens(config.tokenFile);
  const token = tokens.signInToken() as string;
  const audit: string[] = [];
  const services = createAgentServices({ config, tokens, audit: (event) => audit.push(JSON.stringify(event)) });
  startFlightRecorder(services);
  startHostRecorder(services);
  const server = await listen(services);
  return {
    url: server.url,
    token,
    services,
    client: createClient(server.url, token),
    audit,
    async close() {
      services.host.stop();
      await services.sessions.closeAll();
      await server.close();
    },
  };
}

export interface ChildAgent {
  url: string;
  token: string;
  pid: number;
  process: ChildProcess;
  client: AgentClient;
  dataDir: string;
  /** The V8 inspector's WebSocket URL, when spawned with `inspect: true`. */
  inspectorUrl?: string;
}

export const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** bin/bpfscope-agent: the agent's one launch command, its node flags with it. */
export const agentLauncher = fileURLToPath(new URL('../bin/bpfscope-agent', import.meta.url));

/** Where the launcher runs: tsx resolves from here. */
export const agentDirectory = fileURLToPath(new URL('../', import.meta.url));

/**
 * The environment for running `script` (a .ts file: under tsx) through the agent's launcher, with this node, from
 * agentDirectory; `preload`: more modules node imports first (the memory benchmark's probe); `inspect`: the V8
 * inspector on a free loopback port; `env`: more variables.
 */
export function launcherEnv(script: string, options: { preload?: string[]; inspect?: boolean; env?: Record<string, string> } = {}): NodeJS.ProcessEnv {
  const imports = [...(script.endsWith('.ts') ? ['tsx'] : []), ...(options.preload ?? [])].map((specifier) => `--import="${specifier}"`);
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', ...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), ...imports].join(' ').trim();
  return { ...process.env, ...options.env, NODE: process.execPath, BPFSCOPE_AGENT_MAIN: script, NODE_OPTIONS: nodeOptions };
}

/** The agent as its own process (for SIGKILL and memory tests), launched as `make start` and systemd launch it. */
export async function spawnAgent(
  flags: string[] = [],
  options: { dataDir?: string; script?: string; preload?: string[]; inspect?: boolean; env?: Record<string, string> } = {},
): Promise<ChildAgent> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'bpfscope-agent-'));
  const child = spawn(agentLauncher, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...withoutRecorderUnlessAsked(flags)], {
    cwd: agentDirectory,
    stdio: ['ignore', 'pipe', options.inspect ? 'pipe' : 'inherit'],
    env: launcherEnv(options.script ?? mainScript, { preload: options.preload, inspect: options.inspect, env: options.env }),
  });
  const inspectorUrl = options.inspect && child.stderr ? inspectorUrlFrom(child.stderr) : undefined;
  if (!child.stdout) throw new Error('agent spawned without a stdout pipe');
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`agent exited (${code}) before listening`)));
  });
  const token = readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
  return {
    url,
    token,
    pid: child.pid as number,
    process: child,
    client: createClient(url, token),
    dataDir,
    ...(inspectorUrl ? { inspectorUrl: await inspectorUrl } : {}),
  };
}

/** Forwards the child's stderr and resolves with the inspector URL node prints there. */
function inspectorUrlFrom(stderr: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    createInterface({ input: stderr }).on('line', (line) => {
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
      else process.stderr.write(`${line}\n`);
    });
  });
}

/**
 * The agent's live JS heap in bytes: a full garbage collection through the inspector,
 * then the heap in use. Unlike RSS, it is what the process retains, without GC slack.
 */
export async function liveHeapBytes(agent: ChildAgent): Promise<number> {
  if (!agent.inspectorUrl) throw new Error('liveHeapBytes needs an agent spawned with { inspect: true }');
  const socket = new WebSocket(agent.inspectorUrl);
  await once(socket, 'open');
  try {
    let nextId = 1;
    const call = (method: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = nextId++;
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
          if (message.id !== id) return;
          socket.off('message', onMessage);
          if (message.error) reject(new Error(`${method}: ${message.error.message}`));
          else resolve(message.result ?? {});
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method }));
      });
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return Number(usage.usedSize);
  } finally {
    socket.close();
  }
}

export { residentBytes } from './processMemory.js';

// The kernel checks bpf-core's own tests use.
export { eventually, kernelLinks, kernelPerfEvents, kernelProgramIds, kernelProgramNames, requireBpf } from '@bpfscope/bpf-core/testing';
