// The host overview's cost (issue 13): CPU of one core spent on the 1 s collection, as HostSampler alone in
// this process and as a whole idle agent (which always runs it), and the memory of an hour of history.
import { readFileSync } from 'node:fs';
import { HostSampler } from '@bpfscope/bpf-core';
import type { HostSample } from '@bpfscope/bpf-core';
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { compactSample, HostRecorder, hostRecorderDefaults } from '../src/overview/hostRecorder.js';
import { computeUse } from '../src/overview/use.js';
import { CHECKLIST_FIELDS } from '../src/overview/types.js';
import type { OverviewBpf } from '../src/overview/types.js';
import { spawnAgent } from '../test/harness.js';
import { cpuPercent, heapInUse, sampleCpu, sleep, stopAgent } from './agentProcess.js';
import { formatMs, mib } from './format.js';

const SECONDS = 30;
/** The goal of issue 13: the 1 s collection costs at most this much of one core. */
const CPU_GOAL_PERCENT = 0.5;

/** HostSampler once a second for SECONDS in this process: CPU of one core from process.cpuUsage, and the samples. */
async function samplerAlone(): Promise<{ cpuPercent: number; processCpuPercent: number; readMsMedian: number; samples: HostSample[] }> {
  const sampler = new HostSampler({ topProcesses: hostRecorderDefaults.topProcesses });
  // Warmed up first (V8 compiles the hot paths after a few dozen calls), as in an agent that has run for a minute.
  for (let i = 0; i < 30; i++) sampler.sample();
  const samples: HostSample[] = [];
  let inSamples = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let second = 0; second < SECONDS; second++) {
    await sleep(1000 - (Date.now() % 1000));
    const before = process.cpuUsage();
    samples.push(sampler.sample());
    const spent = process.cpuUsage(before);
    inSamples += spent.user + spent.system;
  }
  const used = process.cpuUsage(cpu);
  const elapsed = (performance.now() - started) / 1000;
  sampler.close();
  const readMs = samples.map((sample) => sample.readMs).sort((a, b) => a - b);
  return {
    cpuPercent: (inSamples / 1e6 / elapsed) * 100,
    processCpuPercent: ((used.user + used.system) / 1e6 / elapsed) * 100,
    readMsMedian: readMs[Math.floor(readMs.length / 2)] as number,
    samples,
  };
}

/**
 * Heap bytes of a full hour (3600 samples) of this host's samples as the recorder keeps them, cloned in turn; and the
 * time to read the hour back (every field, and the checklist's, as host.overview does).
 */
function hourOfSamples(samples: readonly HostSample[]): {
  bytes: number;
  perSample: number;
  jsonBytesPerSample: number;
  readAllMs: number;
  readChecklistMs: number;
} {
  const bpf: OverviewBpf = { runqlatP99Us: 812.5, biolatencyP99Us: 3021.7, tcpSessions: 3, tcpSessionP99Ms: 41.2 };
  const before = heapInUse();
  const recorder = new HostRecorder({ sampler: { sample: () => samples[0] as HostSample, close: () => undefined } });
  for (let second = 0; second < recorder.capacity; second++) {
    const sample = structuredClone(samples[second % samples.length] as HostSample);
    recorder.push(compactSample({ ...sample, time: second * 1000 }, bpf));
  }
  const bytes = heapInUse() - before;
  if (recorder.size !== recorder.capacity) throw new Error('history not full');
  const jsonBytesPerSample = JSON.stringify(recorder.latest(60)).length / 60;
  let started = performance.now();
  if (recorder.samples().length !== recorder.capacity) throw new Error('history not read whole');
  const readAllMs = performance.now() - started;
  started = performance.now();
  recorder.sampleFields(CHECKLIST_FIELDS);
  const readChecklistMs = performance.now() - started;
  // The USE table of the newest second, as every viewer gets it: timed here so the bench says it too.
  computeUse(recorder.latest(60), { recorded: { runqlat: true, biolatency: true, tcplife: true } });
  return { bytes, perSample: bytes / recorder.capacity, jsonBytesPerSample, readAllMs, readChecklistMs };
}

export async function benchHostRecorder(): Promise<object> {
  // The idle agent (no BPF tool recorded, so only the host recorder works) runs alongside the in-process sampler.
  const agent = await spawnAgent(['--record', 'none']);
  try {
    // Past its start-up and V8's first compilations, as an agent that has run for a while.
    await sleep(15_000);
    const agentFrom = sampleCpu(agent.pid);
    const alone = await samplerAlone();
    const idleAgentCpu = cpuPercent(agentFrom, sampleCpu(agent.pid));
    const overview = await agent.client.host.overview.query({});
    const memory = hourOfSamples(alone.samples);
    const result = {
      seconds: SECONDS,
      cpuGoalPercent: CPU_GOAL_PERCENT,
      samplerAloneCpuPercent: alone.cpuPercent,
      samplerAloneProcessCpuPercent: alone.processCpuPercent,
      samplerReadMsMedian: alone.readMsMedian,
      idleAgentCpuPercent: idleAgentCpu,
      agentSamplesKept: overview.samples.length,
      // Other work on the machine inflates CPU time (caches, SMT): the load average says how much there was.
      loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
      hourOfSamples: memory,
      host: {
        processes: alone.samples.at(-1)?.pidstat?.processes ?? null,
        disks: alone.samples.at(-1)?.iostat?.length ?? null,
        interfaces: alone.samples.at(-1)?.sarDev?.length ?? null,
        cpus: alone.samples.at(-1)?.cpus ?? null,
      },
    };
    const file = writeResult('agent-host-recorder', result);
    printTable('host recorder (HostSampler at 1 s, an hour kept)', [
      [
        `HostSampler alone at 1 s, CPU of one core over ${SECONDS} s in sample() (goal ≤ ${CPU_GOAL_PERCENT} %); the whole bench process`,
        `${alone.cpuPercent.toFixed(2)} %; ${alone.processCpuPercent.toFixed(2)} %`,
      ],
      ['HostSampler, median time a sample takes', `${alone.readMsMedian.toFixed(1)} ms`],
      [`idle agent (host recorder on, no BPF), CPU of one core over ${SECONDS} s`, `${idleAgentCpu.toFixed(2)} %`],
      [
        `1 h of samples kept (3600; ${result.host.processes} processes, ${result.host.disks} disks, ${result.host.interfaces} interfaces)`,
        `${mib(memory.bytes)} (${(memory.perSample / 1024).toFixed(1)} KiB a sample, ${(memory.jsonBytesPerSample / 1024).toFixed(1)} KiB as JSON)`,
      ],
      ['the hour read back (unpacked): every field / the checklist fields', `${formatMs(memory.readAllMs)} / ${formatMs(memory.readChecklistMs)}`],
      ['load average at the end (other work on the machine inflates CPU time)', result.loadavg],
      ['results', file],
    ]);
    return result;
  } finally {
    await stopAgent(agent.process);
  }
}
