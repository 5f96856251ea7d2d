// The host overview served to viewers: the recorder's samples, the USE table of the newest, and the state of each source.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostSampler } from '@bpfscope/bpf-core';
import type { AgentServices } from '../context.js';
import type { AgentConfig } from '../env.js';
import type { RecorderStatus } from '../services/flightRecorder.js';
import { HostRecorder, hostRecorderDefaults, OVERVIEW_BPF_TOOLS } from './hostRecorder.js';
import type { OverviewBpfTool } from './hostRecorder.js';
import { CHECKLIST_FIELDS } from './types.js';
import type { HostOverview, OverviewSample, OverviewSource, UseRow } from './types.js';
import { computeUse, ERROR_WINDOW_SECONDS } from './use.js';
import type { UseOptions } from './use.js';

/** The BPF tools of the overview that the flight recorder is recording now. */
export function recordedBpfTools(recorder: readonly RecorderStatus[]): OverviewBpfTool[] {
  return OVERVIEW_BPF_TOOLS.filter((tool) => recorder.some((status) => status.tool === tool && status.recording));
}

export function useOptions(recorder: readonly RecorderStatus[]): UseOptions {
  const tools = recordedBpfTools(recorder);
  return { recorded: { runqlat: tools.includes('runqlat'), biolatency: tools.includes('biolatency'), tcplife: tools.includes('tcplife') } };
}

/** The host recorder of this agent's --procfs, --sysfs, --kmsg and --host-processes; started by startHostRecorder. */
export function createHostRecorder(config: AgentConfig, recorder: () => readonly RecorderStatus[]): HostRecorder {
  const sampler = new HostSampler({
    procfs: config.procfs,
    sysfs: config.sysfs,
    kmsg: config.kmsg,
    processSource: config.hostProcesses,
    topProcesses: hostRecorderDefaults.topProcesses,
  });
  return new HostRecorder({ sampler, recordedTools: () => recordedBpfTools(recorder()) });
}

/** The USE table of each newest sample, computed once however many viewers ask. */
const useCache = new WeakMap<OverviewSample, UseRow[]>();

/** The USE table of the newest sample, with the minute before it for the error counts. */
export function useOf(recorder: HostRecorder, statuses: readonly RecorderStatus[]): UseRow[] {
  const window = recorder.latest(ERROR_WINDOW_SECONDS);
  const newest = window.at(-1);
  if (!newest) return [];
  let use = useCache.get(newest);
  if (!use) {
    use = computeUse(window, useOptions(statuses));
    useCache.set(newest, use);
  }
  return use;
}

/** Feeds the recorder the flight recorder's frames and starts it sampling. */
export function startHostRecorder(services: AgentServices): void {
  services.sessions.onRecordedFrame((tool, frame) => services.host.addFrame(tool, frame));
  services.host.start();
}

function sourcesOf(newest: OverviewSample | undefined, running: boolean, statuses: readonly RecorderStatus[], config: AgentConfig): OverviewSource[] {
  const sources: OverviewSource[] = [];
  if (!running) sources.push({ source: 'host recorder', ok: false, message: 'not started' });
  else if (!newest) sources.push({ source: 'host recorder', ok: false, message: 'no sample yet (the first comes on the next second)' });
  else {
    const failed = new Map(newest.errors.map((error) => [error.source, error.message]));
    sources.push(
      failed.size === 0
        ? { source: config.procfs, ok: true }
        : { source: config.procfs, ok: false, message: [...failed].map(([s, m]) => `${s}: ${m}`).join('; ') },
    );
    for (const resource of ['cpu', 'memory', 'io'] as const) {
      const pressure = newest.pressure[resource];
      sources.push(
        pressure.available
          ? { source: `${config.procfs}/pressure/${resource}`, ok: true }
          : { source: `${config.procfs}/pressure/${resource}`, ok: false, message: pressure.reason },
      );
    }
    if (newest.pidstat)
      sources.push({
        source: 'pidstat process table',
        ok: true,
        message: newest.pidstat.source === 'bpf-iter' ? 'one pass of the taskstat BPF task iterator' : `${config.procfs}/<pid>/stat files`,
      });
    if (config.kmsg === null) sources.push({ source: 'kernel log', ok: false, message: 'not read (--kmsg none)' });
    else
      sources.push(
        newest.kernelLog.available ? { source: config.kmsg, ok: true } : { source: config.kmsg, ok: false, message: failed.get(config.kmsg) ?? 'not readable' },
      );
  }
  for (const tool of OVERVIEW_BPF_TOOLS) {
    const status = statuses.find((candidate) => candidate.tool === tool);
    if (!status) sources.push({ source: `flight recorder: ${tool}`, ok: false, message: 'not in --record' });
    else
      sources.push(
        status.recording
          ? { source: `flight recorder: ${tool}`, ok: true }
          : { source: `flight recorder: ${tool}`, ok: false, message: status.reason ?? 'not recording' },
      );
  }
  return sources;
}

/** The host's name and kernel release as its procfs says (a fixture tree or a host's /proc in a container), else this system's. */
function procfsName(procfs: string, file: string, fallback: string): string {
  try {
    return readFileSync(path.join(procfs, 'sys/kernel', file), 'utf8').trim() || fallback;
  } catch {
    return fallback;
  }
}

/** The host's name and kernel release, as its procfs says. */
export function hostIdentity(config: AgentConfig): { hostname: string; kernel: string } {
  return { hostname: procfsName(config.procfs, 'hostname', os.hostname()), kernel: procfsName(config.procfs, 'osrelease', os.release()) };
}

export function hostOverview(
  recorder: HostRecorder,
  statuses: readonly RecorderStatus[],
  config: AgentConfig,
  range: { sinceMs?: number | undefined; untilMs?: number | undefined; fields?: 'checklist' | 'all' | undefined; form?: 'json' | 'packed' | undefined } = {},
): HostOverview {
  const packed = range.form === 'packed';
  const samples = packed
    ? []
    : range.fields === 'all'
      ? recorder.samples(range.sinceMs, range.untilMs)
      : recorder.sampleFields(CHECKLIST_FIELDS, range.sinceMs, range.untilMs);
  const newest = recorder.latest(1)[0];
  return {
    ...hostIdentity(config),
    cpus: newest?.cpus ?? null,
    historySeconds: (recorder.capacity * recorder.intervalMs) / 1000,
    intervalMs: recorder.intervalMs,
    samples,
    ...(packed ? { packedSamples: recorder.packedSamples(range.sinceMs, range.untilMs, range.fields === 'all' ? undefined : CHECKLIST_FIELDS) } : {}),
    use: useOf(recorder, statuses),
    sources: sourcesOf(newest, recorder.running, statuses, config),
  };
}
