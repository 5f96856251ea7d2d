// An agent as main.ts starts it, whose recorders already hold an hour: what a page opening a host's overview
// during an incident gets from an agent that has run for an hour (about 15 MB as JSON), and what such an agent
// holds in memory, without waiting an hour. The hour is this host's own: a few seconds of its samples, of the flight
// recorder's frames and of tcplife's rows, read now and repeated back in time, each a copy of its own, fed in
// through the same paths as live ones. For the benchmarks only: bench code is never part of what the agent serves.
// BPFSCOPE_BENCH_HOST_RECORDER=off: no host recorder at all (the peer of the host recorder's CPU bench).
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HostSampler, startTool } from '@bpfscope/bpf-core';
import type { HistogramFrame, HostSample } from '@bpfscope/bpf-core';
import { loadOrCreateTokens } from '../src/auth/tokens.js';
import { parseAgentConfig } from '../src/env.js';
import { startHostRecorder } from '../src/overview/hostOverview.js';
import { compactSample, hostRecorderDefaults } from '../src/overview/hostRecorder.js';
import { listen } from '../src/server.js';
import { createAgentServices, keepReleasingFreeMemory, warmUpKernel } from '../src/services/agentServices.js';
import { startFlightRecorder } from '../src/services/flightRecorder.js';
import { bpfBackend } from '../src/sessions/backend.js';
import type { Row, ToolBackend } from '../src/sessions/backend.js';
import { loopbackSessions } from './loopback.js';

const config = parseAgentConfig(process.argv.slice(2), process.env);
config.webRoot ??= fileURLToPath(new URL('../../web/dist/', import.meta.url));
const { tokens } = loadOrCreateTokens(config.tokenFile);
warmUpKernel();

// A few real seconds of this host (rates need two readings) and of the recorded tools.
const sampler = new HostSampler({ procfs: config.procfs, sysfs: config.sysfs, kmsg: config.kmsg, topProcesses: hostRecorderDefaults.topProcesses });
const recorded = config.record.flatMap((tool) => {
  try {
    return [{ tool, session: startTool(tool, {}), frames: [] as HistogramFrame[], rows: [] as Row[] }];
  } catch {
    // A tool this host cannot run is not recorded by the agent either.
    return [];
  }
});
for (const entry of recorded) {
  entry.session.onFrame((frame) => entry.frames.push(frame));
  entry.session.onRows((rows) => entry.rows.push(...(rows as Row[])));
}
const readings: HostSample[] = [];
sampler.sample();
for (let i = 0; i < 3; i++) {
  // tcplife's rows: sessions of this host's own loopback.
  await Promise.all([sleep(1000), loopbackSessions(20)]);
  readings.push(sampler.sample());
}
sampler.close();
await Promise.all(recorded.map((entry) => entry.session.close()));

const now = Math.floor(Date.now() / 1000) * 1000;
const hourMs = config.recordSeconds * 1000;
/** Frames and rows to feed each recorded tool's attachment: its hour, oldest first. */
const pastHour = new Map(
  recorded.map(({ tool, frames, rows }) => [
    tool,
    {
      frames:
        frames.length === 0
          ? []
          : Array.from({ length: config.recordSeconds }, (_, index) => ({
              ...structuredClone(frames[index % frames.length] as HistogramFrame),
              time: now - hourMs + index * 1000,
            })),
      rows:
        rows.length === 0
          ? []
          : Array.from({ length: config.rowHistory }, (_, index) => ({
              ...structuredClone(rows[index % rows.length] as Row),
              time: now - hourMs + (index * hourMs) / config.rowHistory,
            })),
    },
  ]),
);

/** The real backend, whose recorded sessions are handed their past hour by feed(), through their own listeners. */
const feeds: Array<() => void> = [];
let feeding = false;
const backend: ToolBackend = {
  ...bpfBackend,
  start(tool, params) {
    const session = bpfBackend.start(tool, params);
    const past = feeding ? pastHour.get(tool) : undefined;
    if (!past) return session;
    const frameListeners: Array<(frame: HistogramFrame) => void> = [];
    const rowListeners: Array<(rows: Row[]) => void> = [];
    feeds.push(() => {
      for (const frame of past.frames) for (const listener of frameListeners) listener(frame);
      for (const listener of rowListeners) listener(past.rows);
    });
    const onFrame = session.onFrame?.bind(session);
    return {
      attachMethod: session.attachMethod,
      histogram: session.histogram,
      onRows(listener) {
        rowListeners.push(listener);
        return session.onRows(listener);
      },
      onFrame:
        onFrame &&
        ((listener) => {
          frameListeners.push(listener);
          return onFrame(listener);
        }),
      collectStacks: session.collectStacks?.bind(session),
      stats: () => session.stats(),
      programIds: () => session.programIds(),
      programStats: session.programStats?.bind(session),
      close: () => session.close(),
    };
  },
};

const services = createAgentServices({ config, tokens, audit: () => undefined, backend });
feeding = true;
startFlightRecorder(services);
feeding = false;
for (const feed of feeds) feed();
const hostRecorder = process.env.BPFSCOPE_BENCH_HOST_RECORDER !== 'off';
for (let second = hostRecorder ? services.host.capacity : 0; second >= 1; second--) {
  const reading = structuredClone(readings[second % readings.length] as HostSample);
  const bpf = { runqlatP99Us: 900 + (second % 7) * 50, biolatencyP99Us: 2800, tcpSessions: 2, tcpSessionP99Ms: 35 };
  services.host.push(compactSample({ ...reading, time: now - second * 1000 }, bpf));
}
if (hostRecorder) startHostRecorder(services);
const server = await listen(services);
keepReleasingFreeMemory();
process.stdout.write(`bpfscope agent listening on ${server.url}\ntoken: ${tokens.signInToken() ?? ''}\n`);
const stop = () => {
  services.host.stop();
  void Promise.all([services.sessions.closeAll(), server.close()]).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
