// An agent as main.ts starts it, whose host recorder already holds an hour: what a page opening a host's
// overview during an incident gets from an agent that has run for an hour (about 15 MB as JSON), without
// waiting an hour. The hour is this host's own samples, read now and repeated back in time. For the web
// benchmarks only: bench code is never part of what the agent serves.
import { fileURLToPath } from 'node:url';
import { HostSampler } from '@bpfscope/bpf-core';
import type { HostSample } from '@bpfscope/bpf-core';
import { loadOrCreateTokens } from '../src/auth/tokens.js';
import { parseAgentConfig } from '../src/env.js';
import { startHostRecorder } from '../src/overview/hostOverview.js';
import { compactSample, hostRecorderDefaults } from '../src/overview/hostRecorder.js';
import { listen } from '../src/server.js';
import { createAgentServices, warmUpKernel } from '../src/services/agentServices.js';
import { startFlightRecorder } from '../src/services/flightRecorder.js';
import { sleep } from './agentProcess.js';

const config = parseAgentConfig(process.argv.slice(2), process.env);
config.webRoot ??= fileURLToPath(new URL('../../web/dist/', import.meta.url));
const { tokens } = loadOrCreateTokens(config.tokenFile);
warmUpKernel();
const services = createAgentServices({ config, tokens, audit: () => undefined });
startFlightRecorder(services);

// A few real seconds of this host (rates need two readings), then the hour before now filled with them.
const sampler = new HostSampler({ procfs: config.procfs, sysfs: config.sysfs, kmsg: config.kmsg, topProcesses: hostRecorderDefaults.topProcesses });
const readings: HostSample[] = [];
sampler.sample();
for (let i = 0; i < 3; i++) {
  await sleep(250);
  readings.push(sampler.sample());
}
sampler.close();
const now = Math.floor(Date.now() / 1000) * 1000;
const bpf = { runqlatP99Us: 900, biolatencyP99Us: 2800, tcpSessions: 2, tcpSessionP99Ms: 35 };
for (let second = services.host.capacity; second >= 1; second--) {
  const reading = readings[second % readings.length] as HostSample;
  services.host.push(compactSample({ ...reading, time: now - second * 1000 }, bpf));
}
startHostRecorder(services);
const server = await listen(services);
process.stdout.write(`bpfscope agent listening on ${server.url}\ntoken: ${tokens.signInToken() ?? ''}\n`);
const stop = () => {
  services.host.stop();
  void Promise.all([services.sessions.closeAll(), server.close()]).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
