// An agent as main.ts starts it, holding two snapshots as an engineer shares them during an incident: the
// run-queue latency heat map of the hour before (this host's own recorded frames, read now and repeated back
// in time) and a whole-system CPU profile of a busy host (499 Hz, 10 s). Prints each snapshot's id. For the
// web benchmarks only (e2e/bench/firstPicture.ts): bench code is never part of what the agent serves.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadOrCreateTokens } from '../src/auth/tokens.js';
import { parseAgentConfig } from '../src/env.js';
import { listen } from '../src/server.js';
import { createAgentServices, warmUpKernel } from '../src/services/agentServices.js';
import { startFlightRecorder } from '../src/services/flightRecorder.js';
import { sleep } from './agentProcess.js';

const HOUR_S = 3600;
const PROFILE_MS = 10_000;
const owner = 'bench';

const config = parseAgentConfig(process.argv.slice(2), process.env);
config.webRoot ??= fileURLToPath(new URL('../../web/dist/', import.meta.url));
const { tokens } = loadOrCreateTokens(config.tokenFile);
warmUpKernel();
const services = createAgentServices({ config, tokens, audit: () => undefined });
startFlightRecorder(services);

// The profile runs while the flight recorder gathers its first frames, over work of many kinds (compressing,
// hashing, walking the file system: user and kernel stacks of several programs), sampled as densely as a
// user digging into a busy host would.
const work = spawn(
  '/bin/sh',
  ['-c', 'find / -xdev >/dev/null 2>&1 & for f in /usr/lib/x86_64-linux-gnu/*; do gzip -c "$f"; sha256sum "$f"; done >/dev/null 2>&1'],
  {
    stdio: 'ignore',
    detached: true,
  },
);
const capture = services.profiles.start({ tool: 'profile', params: { frequency: 499 }, durationMs: PROFILE_MS, owner });
await sleep(3000);
const viewer = services.sessions.start({ tool: 'runqlat', params: {}, owner });
const recorded = services.sessions.historyOf(viewer.id, owner);
services.sessions.stop(viewer.id, owner);
if (!recorded.histogram || recorded.frames.length === 0) throw new Error('the flight recorder has no runqlat frames to repeat');
const now = Math.floor(Date.now() / 1000) * 1000;
const frames = Array.from({ length: HOUR_S }, (_, index) => ({
  ...(recorded.frames[index % recorded.frames.length] as (typeof recorded.frames)[number]),
  time: now - (HOUR_S - 1 - index) * 1000,
  intervalMs: 1000,
}));
const origin = { hostname: os.hostname(), createdBy: owner, retentionDays: 1 };
const heatMap = services.snapshots().create({
  title: 'run queue, the hour before',
  tool: 'runqlat',
  params: {},
  view: { from: now - HOUR_S * 1000, to: now },
  histogram: recorded.histogram,
  frames,
  ...origin,
});

let profiled = services.profiles.get(capture.id);
while (profiled.state === 'capturing' || profiled.state === 'symbolizing') {
  await sleep(200);
  profiled = services.profiles.get(capture.id);
}
process.kill(-(work.pid as number), 'SIGKILL');
if (profiled.state !== 'done' || !profiled.profile) throw new Error(`the CPU profile ended ${profiled.state}`);
const profile = services.snapshots().create({
  kind: 'profile',
  title: 'CPU, 10 s, every process',
  tool: 'profile',
  params: {},
  view: { from: profiled.profile.startedAt, to: profiled.profile.startedAt + profiled.profile.durationMs },
  profile: profiled.profile,
  ...origin,
});

const server = await listen(services);
process.stdout.write(
  `bpfscope agent listening on ${server.url}\ntoken: ${tokens.signInToken() ?? ''}\n` +
    `snapshot heatmap: ${heatMap.id} ${frames.length} frames\nsnapshot profile: ${profile.id} ${profiled.profile.stacks.length} stacks\n`,
);
const stop = () => void Promise.all([services.sessions.closeAll(), server.close()]).finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
