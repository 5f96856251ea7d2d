// Warm start (issue 17): sessions.start of execsnoop over HTTP, from the request to the
// attached answer, on an agent already running (a separate process, as in production),
// each run interleaved with bpftrace's cold start of the same one-liner. Then where the
// time goes, layer by layer, in an agent in this process.
import { bpftraceExecsnoopStart, median, printTable, writeResult } from '@bpfscope/bench-kit';
import { BpfObject, bpfObjectPath, getTool, parseToolParams, startTool } from '@bpfscope/bpf-core';
import { createContextInner } from '../src/context.js';
import { appRouter } from '../src/routers/_app.js';
import type { SessionManager } from '../src/sessions/sessionManager.js';
import { kernelProgramNames, spawnAgent, startTestAgent } from '../test/harness.js';
import type { AgentClient } from '../test/harness.js';
import { formatMs } from './format.js';
import { sleep, stopAgent } from './agentProcess.js';

const RUNS = 20;
const WARM_UP = 3;
/** The goal for a warm start over HTTP. */
const GOAL_MS = 8;
// Viewers that open no stream are let go after the grace period, and their attachment
// closes: a short one makes every start a fresh attach, never a join of the last one.
const AGENT_FLAGS = ['--grace-period-seconds', '0.001', '--starts-per-minute', '10000'];
const START = { tool: 'execsnoop', params: {} };

/**
 * Until the last attachment is closed and its programs are gone from the kernel: a start
 * while the last close still detaches (an RCU grace period, off the JS thread) waits on it.
 */
async function untilDetached(list: () => Promise<unknown[]> | unknown[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await list()).length > 0 || kernelProgramNames().some((name) => name.startsWith(START.tool))) {
    if (Date.now() > deadline) throw new Error('the last attachment did not close within 5 s');
    await sleep(10);
  }
}

async function timedStart(client: AgentClient): Promise<number> {
  const started = performance.now();
  const session = await client.sessions.start.mutate(START);
  const elapsed = performance.now() - started;
  if (session.shared) throw new Error('joined an attachment still open: not a fresh attach');
  return elapsed;
}

/** The HTTP start against bpftrace's cold start, interleaved run by run. */
async function measureOverHttp(): Promise<{ oursMs: number[]; bpftraceMs: number[] }> {
  const agent = await spawnAgent(AGENT_FLAGS);
  const oursMs: number[] = [];
  const bpftraceMs: number[] = [];
  try {
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      const ours = await timedStart(agent.client);
      await untilDetached(() => agent.client.sessions.list.query());
      const theirs = await bpftraceExecsnoopStart();
      if (i < WARM_UP) continue;
      oursMs.push(ours);
      bpftraceMs.push(theirs);
    }
  } finally {
    await stopAgent(agent.process);
  }
  return { oursMs, bpftraceMs };
}

type Stage = 'http' | 'trpc' | 'sessionManager' | 'startTool' | 'params' | 'open' | 'configure' | 'load' | 'attach';

/**
 * Each layer timed alone, outermost first, in one agent in this process: the
 * differences are what each layer adds. startTool's own steps are BpfObject's,
 * done as startTool does them.
 */
async function measureStages(): Promise<Record<Stage, number>> {
  const agent = await startTestAgent(AGENT_FLAGS);
  const samples: Record<Stage, number[]> = { http: [], trpc: [], sessionManager: [], startTool: [], params: [], open: [], configure: [], load: [], attach: [] };
  const caller = appRouter.createCaller(createContextInner({ services: agent.services, presentedToken: agent.token }));
  const sessions: SessionManager = agent.services.sessions;
  const detached = () => untilDetached(() => sessions.list());
  const timed = async (stage: Stage, run: () => unknown) => {
    const started = performance.now();
    await run();
    samples[stage].push(performance.now() - started);
  };
  const tool = getTool(START.tool);
  const method = tool.attachMethods[0];
  if (!method) throw new Error(`${tool.name} has no attach method`);
  try {
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      await timed('http', () => timedStart(agent.client));
      await detached();
      await timed('trpc', () => caller.sessions.start(START));
      await detached();
      await timed('sessionManager', () => sessions.start({ ...START, owner: 'bench' }));
      await detached();
      let session: { close(): Promise<void> } | undefined;
      await timed('startTool', () => (session = startTool(START.tool, START.params)));
      await session?.close();
      await detached();
      let params: unknown;
      await timed('params', () => (params = parseToolParams(tool, START.params)));
      let object: BpfObject | undefined;
      await timed('open', () => (object = BpfObject.open(bpfObjectPath(tool.objectFile))));
      if (!object) throw new Error('no object');
      const opened = object;
      await timed('configure', () => {
        opened.selectPrograms(method.programs);
        tool.configure(opened, params as never);
      });
      await timed('load', () => opened.load());
      await timed('attach', () => {
        for (const program of method.programs) opened.attach(program);
      });
      await opened.closeAsync();
      if (i < WARM_UP) for (const stage of Object.keys(samples) as Stage[]) samples[stage].length = 0;
    }
  } finally {
    await agent.close();
  }
  return Object.fromEntries(Object.entries(samples).map(([stage, values]) => [stage, median(values)])) as Record<Stage, number>;
}

export async function benchSessionStart(): Promise<object> {
  const { oursMs, bpftraceMs } = await measureOverHttp();
  process.stderr.write('session start: over HTTP done\n');
  const stages = await measureStages();
  const ours = median(oursMs);
  const bpftrace = median(bpftraceMs);
  const steps = stages.params + stages.open + stages.configure + stages.load + stages.attach;
  const breakdownMs = {
    httpAndClient: stages.http - stages.trpc,
    trpcAuthAndInput: stages.trpc - stages.sessionManager,
    sessionManager: stages.sessionManager - stages.startTool,
    startToolOther: stages.startTool - steps,
    params: stages.params,
    open: stages.open,
    configure: stages.configure,
    load: stages.load,
    attach: stages.attach,
  };
  const result = {
    runs: RUNS,
    interleaved: true,
    oursWarmHttpMedianMs: ours,
    bpftraceColdMedianMs: bpftrace,
    ratioBpftraceOverOurs: bpftrace / ours,
    goalMs: GOAL_MS,
    inProcessStagesMedianMs: stages,
    breakdownMs,
    samplesMs: { ours: oursMs, bpftrace: bpftraceMs },
  };
  writeResult('agent-session-start', result);
  printTable(`Warm start: sessions.start of execsnoop over HTTP → attached (median of ${RUNS}, interleaved with bpftrace)`, [
    ['bpfscope agent, warm, over HTTP', `${formatMs(ours)} (goal ≤ ${GOAL_MS} ms)`],
    ['bpftrace one-liner, cold, → BEGIN', formatMs(bpftrace)],
    ['ratio bpftrace / bpfscope', `${(bpftrace / ours).toFixed(1)}x`],
  ]);
  printTable(`Where a warm start goes (agent in the bench's process, medians of ${RUNS})`, [
    ['HTTP and the tRPC client', formatMs(breakdownMs.httpAndClient)],
    ['tRPC: auth, input, router checks', formatMs(breakdownMs.trpcAuthAndInput)],
    ['session manager: viewer, audit, cost', formatMs(breakdownMs.sessionManager)],
    ['startTool: params, method, session', formatMs(breakdownMs.startToolOther + stages.params)],
    ['  open (ELF, BTF)', formatMs(stages.open)],
    ['  select programs, set globals', formatMs(stages.configure)],
    ['  load (maps, verifier)', formatMs(stages.load)],
    ['  attach', formatMs(stages.attach)],
  ]);
  return result;
}
