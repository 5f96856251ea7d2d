// Warm start (issue 17): sessions.start of execsnoop over HTTP, from the request to the
// attached answer, on an agent already running (a separate process, as in production),
// each run interleaved with bpftrace's cold start of the same one-liner. Then where the
// time goes, step by step within each start, in an agent in this process.
import { bpftraceExecsnoopStart, median, printTable, writeResult } from '@bpfscope/bench-kit';
import { BpfObject } from '@bpfscope/bpf-core';
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
// Not shorter than the answer's way back: at 1 ms the attachment's own close ran in the
// agent while its start's answer was still on the way, which no page sees (the default is
// 10 s, and a page opens its stream at once).
const AGENT_FLAGS = ['--grace-period-seconds', '0.05', '--starts-per-minute', '10000'];
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

/** Where one start is at each point, in ms from the client's call; the marks are its steps, in order. */
type Mark =
  | 'fetch'
  | 'auth'
  | 'sessionManager'
  | 'startTool'
  | 'openStart'
  | 'openEnd'
  | 'loadStart'
  | 'loadEnd'
  | 'attachEnd'
  | 'startToolEnd'
  | 'sessionManagerEnd'
  | 'answered'
  | 'done';

/** The steps of a start, each from one mark to the next, as the table names them. */
const STEPS: Array<{ key: string; label: string; from: Mark | 'call'; to: Mark }> = [
  { key: 'clientBeforeRequest', label: 'tRPC client, until it sends', from: 'call', to: 'fetch' },
  { key: 'requestToAuth', label: 'HTTP request → agent’s token check', from: 'fetch', to: 'auth' },
  { key: 'authBodyInput', label: 'auth, body, tRPC input and checks', from: 'auth', to: 'sessionManager' },
  { key: 'sessionManagerBefore', label: 'session manager: params, key', from: 'sessionManager', to: 'startTool' },
  { key: 'startToolBefore', label: 'startTool: params, attach method', from: 'startTool', to: 'openStart' },
  { key: 'open', label: '  open (ELF)', from: 'openStart', to: 'openEnd' },
  { key: 'configure', label: '  select programs, set globals', from: 'openEnd', to: 'loadStart' },
  { key: 'load', label: '  load (BTF, maps, verifier)', from: 'loadStart', to: 'loadEnd' },
  { key: 'attach', label: '  attach', from: 'loadEnd', to: 'attachEnd' },
  { key: 'toolSession', label: '  session: ring buffer, decoder', from: 'attachEnd', to: 'startToolEnd' },
  { key: 'sessionManagerAfter', label: 'session manager: viewer, audit, cost', from: 'startToolEnd', to: 'sessionManagerEnd' },
  { key: 'answer', label: 'answer: tRPC response, HTTP back', from: 'sessionManagerEnd', to: 'answered' },
  { key: 'clientAfterAnswer', label: 'tRPC client: reads the answer', from: 'answered', to: 'done' },
];

/** Wraps `owner[name]` so each call marks `before` and `after`; returns the undo. */
function around<T extends object>(owner: T, name: keyof T & string, before: () => void, after: () => void): () => void {
  const original = owner[name] as unknown as (...args: unknown[]) => unknown;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    before();
    try {
      return original.apply(this, args);
    } finally {
      after();
    }
  };
  Object.defineProperty(owner, name, { value: wrapped, configurable: true, writable: true });
  return () => {
    Object.defineProperty(owner, name, { value: original, configurable: true, writable: true });
  };
}

/**
 * One timeline per start over HTTP, in an agent in this process: each layer's entry and
 * exit is marked (by wrapping it for the run), so every step is a difference within one
 * start, and the steps add up to that start's time. Client and agent share one thread here.
 */
async function measureSteps(): Promise<{ totalMs: number; stepsMs: Record<string, number> }> {
  const agent = await startTestAgent(AGENT_FLAGS);
  const totals: number[] = [];
  const steps: Record<string, number[]> = Object.fromEntries(STEPS.map((step) => [step.key, []]));
  let started = 0;
  let marks: Partial<Record<Mark, number>> = {};
  const mark =
    (name: Mark, onlyFirst = false) =>
    () => {
      if (onlyFirst && marks[name] !== undefined) return;
      marks[name] = performance.now() - started;
    };
  const nothing = () => {};
  const original = { fetch: globalThis.fetch };
  globalThis.fetch = (input, init) => {
    mark('fetch', true)();
    return original.fetch(input, init).then((response) => {
      mark('answered')();
      return response;
    });
  };
  const undo = [
    // The express layer checks the token first; the tRPC context checks it again.
    around(agent.services.tokens, 'authenticate', mark('auth', true), nothing),
    around(agent.services.sessions, 'start', mark('sessionManager'), mark('sessionManagerEnd')),
    around(agent.services.backend, 'start', mark('startTool'), mark('startToolEnd')),
    around(BpfObject, 'open', mark('openStart'), mark('openEnd')),
    around(BpfObject.prototype, 'load', mark('loadStart'), mark('loadEnd')),
    around(BpfObject.prototype, 'attach', nothing, mark('attachEnd')),
  ];
  try {
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      marks = {};
      started = performance.now();
      await timedStart(agent.client);
      const total = performance.now() - started;
      await untilDetached(() => agent.services.sessions.list());
      if (i < WARM_UP) continue;
      const at = { call: 0, ...marks, done: total } as Record<Mark | 'call', number | undefined>;
      for (const step of STEPS) {
        const from = at[step.from];
        const to = at[step.to];
        if (from === undefined || to === undefined) throw new Error(`a start passed no ${from === undefined ? step.from : step.to} mark`);
        steps[step.key]?.push(to - from);
      }
      totals.push(total);
    }
  } finally {
    for (const restore of undo.reverse()) restore();
    globalThis.fetch = original.fetch;
    await agent.close();
  }
  return { totalMs: median(totals), stepsMs: Object.fromEntries(Object.entries(steps).map(([key, values]) => [key, median(values)])) };
}

export async function benchSessionStart(): Promise<object> {
  const { oursMs, bpftraceMs } = await measureOverHttp();
  process.stderr.write('session start: over HTTP done\n');
  const { totalMs, stepsMs } = await measureSteps();
  const ours = median(oursMs);
  const bpftrace = median(bpftraceMs);
  const result = {
    runs: RUNS,
    interleaved: true,
    oursWarmHttpMedianMs: ours,
    bpftraceColdMedianMs: bpftrace,
    ratioBpftraceOverOurs: bpftrace / ours,
    goalMs: GOAL_MS,
    inProcessHttpMedianMs: totalMs,
    breakdownMs: stepsMs,
    samplesMs: { ours: oursMs, bpftrace: bpftraceMs },
  };
  writeResult('agent-session-start', result);
  printTable(`Warm start: sessions.start of execsnoop over HTTP → attached (median of ${RUNS}, interleaved with bpftrace)`, [
    ['bpfscope agent, warm, over HTTP', `${formatMs(ours)} (goal ≤ ${GOAL_MS} ms)`],
    ['bpftrace one-liner, cold, → BEGIN', formatMs(bpftrace)],
    ['ratio bpftrace / bpfscope', `${(bpftrace / ours).toFixed(1)}x`],
  ]);
  printTable(`Where a warm start over HTTP goes (agent and client in the bench's process: ${formatMs(totalMs)}; each step's median of ${RUNS})`, [
    ...STEPS.map((step): [string, string] => [step.label, formatMs(stepsMs[step.key] ?? null)]),
  ]);
  return result;
}
