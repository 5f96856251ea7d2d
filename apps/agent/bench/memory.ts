// The agent's resident memory (issue 17), launched as make start and systemd launch it: idle with the default
// flight recorder, with 5 tools and 20 viewers, with an hour recorded (fed, not waited for: bench/agentWithHistory.ts),
// and with all of that at once; each split into what it is (V8's heap, malloc and stacks, ring buffers, the node
// binary and libraries), beside its peer in the same run: a bare node process launched the same way (bareNode.ts),
// what node itself holds; and beside other agents' published figures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { unpackFrames } from '@bpfscope/formats';
import { parseAgentConfig } from '../src/env.js';
import { agentDirectory, agentLauncher, createClient, launcherEnv, spawnAgent } from '../test/harness.js';
import type { AgentClient, ChildAgent } from '../test/harness.js';
import { memoryBreakdown, peakResidentBytes, residentBytes } from '../test/processMemory.js';
import type { MemoryBreakdown } from '../test/processMemory.js';
import { sleep, stopAgent } from './agentProcess.js';

/** The goals, in MB (10^6 bytes) as its table has them. */
const IDLE_GOAL_MB = 100;
const LOADED_GOAL_MB = 150;
/** Published figures, quoted in issue 17: these agents are not on this machine, so they are not measured here. */
const PUBLISHED = [
  { name: "Inspektor Gadget's ig", rss: '~100–120 MB' },
  { name: 'Parca agent', rss: '< 200 MB' },
];
/** Five tools an incident opens (the recorder's runqlat as a heat map among them), four viewers each. */
const TOOLS = [
  { tool: 'execsnoop', params: {} },
  { tool: 'opensnoop', params: {} },
  { tool: 'biosnoop', params: {} },
  { tool: 'tcpconnect', params: {} },
  { tool: 'runqlat', params: {} },
];
const VIEWERS = 20;
/** Pages with the host overview open among the viewers: each fetches the hour, then follows it second by second. */
const OVERVIEW_PAGES = 2;
/** Past start-up, V8's first compilations and the agent's first release of free memory. */
const SETTLE_SECONDS = 30;
const WORKLOAD_SECONDS = 10;

const outDirectory = path.join(agentDirectory, 'out');
export const probeScript = path.join(outDirectory, 'bench/memoryProbe.js');
/** The built web app, served as by an agent run from dist/. */
export const webRoot = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The agent's V8 heap as the probe (memoryProbe.ts) reports it. */
interface V8Figures {
  physical: number;
  used: number;
  malloced: number;
  external: number;
  arrayBuffers: number;
  spaces: Record<string, { physical: number; used: number }>;
}

export interface MemoryFigures {
  rss: number;
  /** VmHWM: the most the process has had resident. */
  peakRss: number;
  breakdown: MemoryBreakdown;
  v8: V8Figures;
  /** Anonymous memory that is not V8's heap: malloc (libbpf, node's buffers, sockets), thread stacks. */
  native: number;
}

/**
 * Compiles main.ts and agentWithHistory.ts (with the sources they import) as `make build` compiles the agent, and
 * the probe, into
 * apps/agent/out: the agent runs as built, not under tsx (whose loader and source maps are 70 MB of its own).
 */
export async function compile(): Promise<Scripts> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const config = fileURLToPath(new URL('./tsconfig.memory.json', import.meta.url));
  const compiler = spawn(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  const [code] = (await once(compiler, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`compiling the agent for the memory bench failed (tsc exited ${String(code)})`);
  // A level deeper than dist/: the package.json it reads its version from is linked in (the web root is a flag).
  if (!existsSync(path.join(outDirectory, 'package.json'))) symlinkSync('../package.json', path.join(outDirectory, 'package.json'));
  return {
    main: path.join(outDirectory, 'src/main.js'),
    withHistory: path.join(outDirectory, 'bench/agentWithHistory.js'),
    bareNode: path.join(outDirectory, 'bench/bareNode.js'),
  };
}

/** The agent's memory now: RSS and its breakdown from /proc, the V8 heap from the probe (SIGUSR2). */
export async function measure(pid: number, probeFile: string): Promise<MemoryFigures> {
  rmSync(probeFile, { force: true });
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 5000;
  while (!existsSync(probeFile)) {
    if (Date.now() > deadline) throw new Error('the memory probe did not answer within 5 s');
    await sleep(20);
  }
  const v8 = JSON.parse(readFileSync(probeFile, 'utf8')) as V8Figures;
  const breakdown = memoryBreakdown(pid);
  return { rss: residentBytes(pid), peakRss: peakResidentBytes(pid), breakdown, v8, native: breakdown.anonymous - v8.physical };
}

/** The scripts the bench runs: the agent as built, the agent with an hour fed, and the bare node peer. */
export interface Scripts {
  main: string;
  withHistory: string;
  bareNode: string;
}

/** A process measured beside an agent. */
interface Peer {
  pid: number;
  probeFile: string;
  stop(): Promise<void>;
}

/** The peer: `script` (bareNode.js) run by the agent's launcher, its flags and the probe as the agent has them. */
async function startBareNode(script: string): Promise<Peer> {
  const probeFile = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-probe-')), 'v8.json');
  const child = spawn(agentLauncher, [], {
    cwd: agentDirectory,
    stdio: 'ignore',
    env: launcherEnv(script, { preload: [probeScript], env: { BPFSCOPE_MEMORY_PROBE: probeFile } }),
  });
  await once(child, 'spawn');
  return {
    pid: child.pid as number,
    probeFile,
    stop: async () => {
      await stopAgent(child);
      rmSync(path.dirname(probeFile), { recursive: true, force: true });
    },
  };
}

/** Starts an agent running `script` with the probe preloaded, answering to `probeFile`, the default recorder on. */
export type LaunchAgent = (script: string, probeFile: string) => Promise<ChildAgent>;

/** The agent launched by its launcher (bin/bpfscope-agent), running `script`, the probe preloaded, the default recorder on. */
const launchAsDeployed: LaunchAgent = (script, probeFile) => {
  const defaultRecord = parseAgentConfig([], {}).record.join(',');
  return spawnAgent(['--record', defaultRecord, '--web-root', webRoot], { script, preload: [probeScript], env: { BPFSCOPE_MEMORY_PROBE: probeFile } });
};

/** Execs, opens, synced writes and loopback connects, a few hundred a second, so every tool has rows to send. */
async function lightWorkload(seconds: number): Promise<void> {
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-memory-'));
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const file = path.join(directory, 'data');
  try {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const exec = spawn('/bin/true', ['bpfscope-memory'], { stdio: 'ignore' });
      // Listened for now: it may exit before the rest of the round is done.
      const exited = once(exec, 'exit');
      for (let i = 0; i < 20; i++) closeSync(openSync(file, 'a'));
      const fd = openSync(file, 'a');
      writeSync(fd, Buffer.alloc(4096, 1));
      fsyncSync(fd);
      closeSync(fd);
      // Read to the end (the server closes at once), or the socket never closes.
      await new Promise<void>((resolve) =>
        connect(port, '127.0.0.1')
          .resume()
          .once('close', () => resolve())
          .once('error', () => resolve()),
      );
      await Promise.all([exited, sleep(100)]);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(directory, { recursive: true, force: true });
  }
}

interface Viewers {
  clients: AgentClient[];
  stop(): void;
  rows(): number;
  frames(): number;
}

/** 20 viewers, four of each tool (started as a page starts them: each its own session), every one streaming. */
async function startViewers(agent: ChildAgent, overviewPages: number): Promise<Viewers> {
  const clients = Array.from({ length: VIEWERS }, () => createClient(agent.url, agent.token));
  const subscriptions: Array<{ unsubscribe(): void }> = [];
  let rows = 0;
  let frames = 0;
  let failure: unknown;
  const started = await Promise.all(clients.map((client, index) => client.sessions.start.mutate(TOOLS[index % TOOLS.length] as (typeof TOOLS)[number])));
  started.forEach((session, index) => {
    const client = clients[index] as AgentClient;
    subscriptions.push(
      // As the web app asks: frames packed.
      client.sessions.stream.subscribe(
        { id: session.id, form: 'packed' },
        {
          onData(envelope) {
            const { packedFrames } = envelope.data;
            rows += envelope.data.rows.length;
            frames += packedFrames ? unpackFrames(packedFrames).length : envelope.data.frames.length;
          },
          onError(error) {
            failure = error;
          },
        },
      ),
    );
  });
  // Pages with the overview, asking as the web app does: the 15 minutes shown and the rest of the hour at once,
  // packed, then a second at a time.
  await Promise.all(
    clients.slice(0, overviewPages).map(async (client) => {
      const since = Date.now() - 900_000;
      const [shown, rest] = await Promise.all([
        client.host.overview.query({ sinceMs: since, form: 'packed' }),
        client.host.overview.query({ untilMs: since, form: 'packed' }),
      ]);
      if ((rest.packedSamples?.count ?? 0) + (shown.packedSamples?.count ?? 0) === 0) throw new Error('the overview has no samples');
      subscriptions.push(client.host.overviewStream.subscribe(undefined, { onData: () => undefined, onError: (error) => (failure = error) }));
    }),
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const attachments = await agent.client.sessions.list.query();
    const streaming = attachments.reduce((sum, attachment) => sum + attachment.viewers.filter((viewer) => viewer.streaming).length, 0);
    if (streaming >= VIEWERS) break;
    if (Date.now() > deadline) throw new Error(`only ${streaming} of ${VIEWERS} viewers streaming after 15 s`);
    await sleep(100);
  }
  return {
    clients,
    stop: () => subscriptions.forEach((subscription) => subscription.unsubscribe()),
    rows: () => {
      if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
      return rows;
    },
    frames: () => frames,
  };
}

export interface Scenario {
  name: string;
  figures: MemoryFigures;
  /** The bare node peer, measured at the same moment (absent for runs of another build's agent). */
  peer?: MemoryFigures;
  /** What the viewers received while it ran. */
  delivered?: { rows: number; frames: number };
}

/** One agent (`script`): settled idle, then with the 5 tools, 20 viewers and overview pages. */
async function runAgent(launch: LaunchAgent, script: string, names: [string, string], overviewPages: number, peerScript?: string): Promise<Scenario[]> {
  const probeFile = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-probe-')), 'v8.json');
  const peer = peerScript === undefined ? undefined : await startBareNode(peerScript);
  let agent: ChildAgent | undefined;
  let viewers: Viewers | undefined;
  try {
    agent = await launch(script, probeFile);
    const both = async (pid: number) => ({ figures: await measure(pid, probeFile), ...(peer ? { peer: await measure(peer.pid, peer.probeFile) } : {}) });
    await sleep(SETTLE_SECONDS * 1000);
    const idle = await both(agent.pid);
    viewers = await startViewers(agent, overviewPages);
    await lightWorkload(WORKLOAD_SECONDS);
    // Every row delivered, the agent's next release of free memory past.
    await sleep(SETTLE_SECONDS * 1000);
    const loaded = await both(agent.pid);
    return [
      { name: names[0], ...idle },
      { name: names[1], ...loaded, delivered: { rows: viewers.rows(), frames: viewers.frames() } },
    ];
  } finally {
    viewers?.stop();
    if (agent) await stopAgent(agent.process);
    await peer?.stop();
    rmSync(path.dirname(probeFile), { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Each scenario's figures side by side, then the first scenario's peer's (if it has one): what bare node holds. */
function breakdownRows(scenarios: readonly Scenario[]): Array<[string, string]> {
  const peer = scenarios[0]?.peer;
  const columns = [...scenarios, ...(peer ? [{ name: 'peer: bare node, same launcher', figures: peer }] : [])];
  const row = (label: string, value: (figures: MemoryFigures) => string): [string, string] => [label, columns.map(({ figures }) => value(figures)).join(' | ')];
  const space = (figures: MemoryFigures, name: string) => figures.v8.spaces[name]?.physical ?? 0;
  return [
    ['', columns.map((column) => column.name).join(' | ')],
    row('RSS (high-water)', (f) => `${mb(f.rss)} (${mb(f.peakRss)})`),
    row('V8 heap: new / old / code / large objects', (f) =>
      [space(f, 'new_space'), space(f, 'old_space'), space(f, 'code_space'), space(f, 'large_object_space')].map(mb).join(' / '),
    ),
    row('native (malloc, stacks); of which the brk heap', (f) => `${mb(f.native)}; ${mb(f.breakdown.brkHeap)}`),
    row(
      'ring buffers: mapped / their size (count)',
      (f) => `${mb(f.breakdown.ringBuffers.rss)} / ${mb(f.breakdown.ringBuffers.bytes)} (${f.breakdown.ringBuffers.count})`,
    ),
    row('other BPF maps mapped', (f) => mb(f.breakdown.otherBpfMaps)),
    row('node binary / other files (libraries)', (f) => `${mb(f.breakdown.nodeBinary)} / ${mb(f.breakdown.files)}`),
    row('ArrayBuffers (packed histories, sockets)', (f) => mb(f.v8.arrayBuffers)),
  ];
}

/**
 * The four scenarios: the agent (`main`) idle, then loaded; the agent with an hour fed (`withHistory`) idle, then
 * loaded; each beside a bare node (`bareNode`, if given) started with it.
 */
export async function runScenarios(
  scripts: Pick<Scripts, 'main' | 'withHistory'> & Partial<Pick<Scripts, 'bareNode'>>,
  launch: LaunchAgent = launchAsDeployed,
): Promise<Scenario[]> {
  const fresh = await runAgent(launch, scripts.main, ['idle, default recorder', `${TOOLS.length} tools, ${VIEWERS} viewers`], 0, scripts.bareNode);
  const recorded = await runAgent(
    launch,
    scripts.withHistory,
    ['1 h recorded', `1 h + ${TOOLS.length} tools + ${VIEWERS} viewers`],
    OVERVIEW_PAGES,
    scripts.bareNode,
  );
  return [...fresh, ...recorded];
}

/** Prints the scenarios' breakdowns side by side (also for a run against another build of the agent). */
export function printBreakdown(title: string, scenarios: readonly Scenario[]): void {
  printTable(title, breakdownRows(scenarios));
}

export async function benchAgentMemory(): Promise<object> {
  const scenarios = await runScenarios(await compile());
  const [idle, loaded, hour, everything] = scenarios as [Scenario, Scenario, Scenario, Scenario];
  const goals = {
    idle: { goalMb: IDLE_GOAL_MB, met: idle.figures.rss <= IDLE_GOAL_MB * 1e6 },
    loaded: { goalMb: LOADED_GOAL_MB, met: everything.figures.rss <= LOADED_GOAL_MB * 1e6 },
  };
  const result = {
    launcher: 'apps/agent/bin/bpfscope-agent',
    settleSeconds: SETTLE_SECONDS,
    tools: TOOLS.map((entry) => entry.tool),
    viewers: VIEWERS,
    overviewPages: OVERVIEW_PAGES,
    peer: 'a bare node process (bench/bareNode.ts) launched by bin/bpfscope-agent with the probe, measured at the same moments',
    published: PUBLISHED.map((agent) => ({ ...agent, measured: false, source: 'published figures quoted in issue 17; not on this machine' })),
    goals,
    scenarios,
  };
  const file = writeResult('agent-memory', result);
  const published = PUBLISHED.map((agent) => `${agent.name} ${agent.rss}`).join(', ');
  const besidePeer = (scenario: Scenario) => (scenario.peer ? `; bare node, same launcher, same moment: ${mb(scenario.peer.rss)}` : '');
  printTable(`Agent memory (RSS), launched by bin/bpfscope-agent, each beside a bare node launched the same way`, [
    [`agent RSS idle, default flight recorder (goal ≤ ${IDLE_GOAL_MB} MB)`, `${mb(idle.figures.rss)}${goals.idle.met ? '' : ' (not met)'}${besidePeer(idle)}`],
    [
      `with ${TOOLS.length} tools (${TOOLS.map((entry) => entry.tool).join(', ')}) and ${VIEWERS} viewers`,
      `${mb(loaded.figures.rss)} (high-water ${mb(loaded.figures.peakRss)})${besidePeer(loaded)}`,
    ],
    ['after 1 h of recording (3,600 host samples, 3 × 3,600 frames, 10,000 tcplife rows, fed)', `${mb(hour.figures.rss)}${besidePeer(hour)}`],
    [
      `1 h + ${TOOLS.length} tools + ${VIEWERS} viewers, ${OVERVIEW_PAGES} of them with the overview's hour open (goal ≤ ${LOADED_GOAL_MB} MB)`,
      `${mb(everything.figures.rss)} (high-water ${mb(everything.figures.peakRss)})${goals.loaded.met ? '' : ' (not met)'}${besidePeer(everything)}`,
    ],
    ['published figures of other agents (issue 17; not on this machine)', published],
    ...breakdownRows(scenarios),
    ['results', file],
  ]);
  return result;
}
