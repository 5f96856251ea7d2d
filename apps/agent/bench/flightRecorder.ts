// The flight recorder's cost: memory for an hour of 1 s frames of its three tools
// (measured on the V8 heap with frames shaped like the real ones, and a worst
// case), and the agent's CPU while recording on an idle host and under I/O load.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTool } from '@bpfscope/bpf-core';
import type { HistogramFrame } from '@bpfscope/bpf-core';
import { printTable, resultsDirectory, writeResult } from '@bpfscope/bench-kit';
import { FrameHistory } from '../src/sessions/frameHistory.js';
import { RowHistory } from '../src/sessions/rowHistory.js';
import type { Row } from '../src/sessions/backend.js';
import { sessionManagerDefaults } from '../src/sessions/sessionManager.js';
import { spawnAgent } from '../test/harness.js';
import { cpuPercent, heapInUse, sampleCpu, sleep, stopAgent } from './agentProcess.js';
import { mib } from './format.js';
import { loopbackSessions } from './loopback.js';

const RECORDED_TOOLS = ['biolatency', 'runqlat', 'tcplife'];
const HOUR_FRAMES = 3600;
const CPU_SECONDS = 20;

/** Heap bytes held by an hour of frames per tool, frames cloned from `samples` in turn. */
function hourOfFrames(samples: Map<string, HistogramFrame[]>): number {
  const before = heapInUse();
  const histories = [...samples.values()].map((frames) => {
    const history = new FrameHistory(HOUR_FRAMES);
    for (let second = 0; second < HOUR_FRAMES; second++) history.push(structuredClone(frames[second % frames.length] as HistogramFrame));
    return history;
  });
  const bytes = heapInUse() - before;
  if (histories.reduce((sum, history) => sum + history.size, 0) !== HOUR_FRAMES * samples.size) throw new Error('histories not full');
  return bytes;
}

/** Heap bytes held by a full row history (the default 10,000 rows) of rows cloned from `samples`, and what it counts of them. */
function fullRowHistory(samples: readonly Row[]): { heapBytes: number; countedBytes: number; rows: number } {
  const limits = sessionManagerDefaults.rowHistory;
  const before = heapInUse();
  const history = new RowHistory(limits);
  for (let index = 0; index < limits.maxRows; index++) history.push([structuredClone(samples[index % samples.length] as Row)], Date.now());
  const heapBytes = heapInUse() - before;
  return { heapBytes, countedBytes: history.bytes, rows: history.size };
}

/** Rows as the kernel makes them: tcplife sessions and execsnoop execs the bench runs itself. */
async function realRowSamples(): Promise<{ tcplife: Row[]; execsnoop: Row[] }> {
  const tcplife = startTool('tcplife', {});
  const execsnoop = startTool('execsnoop', {});
  const rows = { tcplife: [] as Row[], execsnoop: [] as Row[] };
  tcplife.onRows((batch) => rows.tcplife.push(...(batch as Row[])));
  execsnoop.onRows((batch) => rows.execsnoop.push(...(batch as Row[])));
  for (let i = 0; i < 300; i++) execFileSync('/bin/echo', ['bpfscope-bench', '--option=value', `/tmp/some/path/file-${i}.dat`], { stdio: 'ignore' });
  await loopbackSessions(300);
  await sleep(500);
  await Promise.all([tcplife.close(), execsnoop.close()]);
  return rows;
}

async function realFrameSamples(seconds: number): Promise<Map<string, HistogramFrame[]>> {
  const sessions = RECORDED_TOOLS.map((tool) => startTool(tool, {}));
  const frames = new Map<string, HistogramFrame[]>(RECORDED_TOOLS.map((tool) => [tool, []]));
  sessions.forEach((session, index) => session.onFrame((frame) => frames.get(RECORDED_TOOLS[index] as string)?.push(frame)));
  const load = directWriteLoad(seconds);
  await sleep(seconds * 1000);
  load.stop();
  await Promise.all(sessions.map((session) => session.close()));
  return frames;
}

/** O_DIRECT 64 KiB writes with fsync, in a loop, on the disk under the repository. */
function directWriteLoad(seconds: number): { stop(): void } {
  const directory = mkdtempSync(path.join(resultsDirectory, 'io-'));
  const child = spawn(
    'sh',
    [
      '-c',
      `end=$(($(date +%s)+${seconds})); while [ $(date +%s) -lt $end ]; do dd if=/dev/zero of=${directory}/data bs=64k count=256 oflag=direct conv=fsync 2>/dev/null; done`,
    ],
    {
      stdio: 'ignore',
    },
  );
  return {
    stop() {
      child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function diskRequests(): number {
  return readFileSync('/proc/diskstats', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => /^(vd|sd|nvme\d+n|xvd)[a-z0-9]*$/.test(fields[2] ?? '') && !/\d+p\d+$|[a-z]\d+$/.test(fields[2] ?? ''))
    .reduce((sum, fields) => sum + Number(fields[3]) + Number(fields[7]), 0);
}

/** Run time the kernel spent in these BPF programs so far (needs kernel.bpf_stats_enabled). */
function bpfRunTime(programIds: readonly number[]): { nanoseconds: number; runs: number } {
  const programs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{
    id: number;
    run_time_ns?: number;
    run_cnt?: number;
  }>;
  const ours = programs.filter((program) => programIds.includes(program.id));
  return {
    nanoseconds: ours.reduce((sum, program) => sum + (program.run_time_ns ?? 0), 0),
    runs: ours.reduce((sum, program) => sum + (program.run_cnt ?? 0), 0),
  };
}

const BPF_STATS = '/proc/sys/kernel/bpf_stats_enabled';

export async function benchFlightRecorder(): Promise<object> {
  const samples = await realFrameSamples(10);
  const realBytes = hourOfFrames(samples);
  const fullFrame = (label: string): HistogramFrame => ({
    time: Date.now(),
    intervalMs: 1000,
    unit: 'usecs',
    series: [{ label, counts: Array.from({ length: 32 }, (_, slot) => slot * 1000 + 7) }],
  });
  const worstBytes = hourOfFrames(new Map(RECORDED_TOOLS.map((tool) => [tool, [fullFrame('')]])));
  const rowSamples = await realRowSamples();
  const tcplifeRows = fullRowHistory(rowSamples.tcplife);
  const execsnoopRows = fullRowHistory(rowSamples.execsnoop);

  const agent = await spawnAgent(['--record', RECORDED_TOOLS.join(',')]);
  const statsWere = readFileSync(BPF_STATS, 'utf8').trim();
  try {
    // The kernel counts BPF run time only while asked to; it is what the hooks cost the traced tasks.
    writeFileSync(BPF_STATS, '1');
    await sleep(5000);
    const programIds = (await agent.client.sessions.list.query()).flatMap((attachment) => attachment.programIds);
    const idleFrom = sampleCpu(agent.pid);
    const idleBpf = bpfRunTime(programIds);
    await sleep(CPU_SECONDS * 1000);
    const idleCpu = cpuPercent(idleFrom, sampleCpu(agent.pid));
    const idleBpfAfter = bpfRunTime(programIds);
    const requestsBefore = diskRequests();
    const load = directWriteLoad(CPU_SECONDS);
    const loadFrom = sampleCpu(agent.pid);
    const loadBpf = bpfRunTime(programIds);
    await sleep(CPU_SECONDS * 1000);
    const loadCpu = cpuPercent(loadFrom, sampleCpu(agent.pid));
    const loadBpfAfter = bpfRunTime(programIds);
    load.stop();
    const ioPerSecond = (diskRequests() - requestsBefore) / CPU_SECONDS;
    const bpfCpuPercent = (from: { nanoseconds: number }, to: { nanoseconds: number }) => ((to.nanoseconds - from.nanoseconds) / (CPU_SECONDS * 1e9)) * 100;
    const bpfNsPerRun = (from: { nanoseconds: number; runs: number }, to: { nanoseconds: number; runs: number }) =>
      to.runs > from.runs ? (to.nanoseconds - from.nanoseconds) / (to.runs - from.runs) : 0;
    const recorder = (await agent.client.host.info.query()).recorder;

    const result = {
      tools: RECORDED_TOOLS,
      frames: HOUR_FRAMES,
      memory: {
        hourOfRealFramesBytes: realBytes,
        hourOfFullFramesBytes: worstBytes,
        rowHistory: {
          tcplife: tcplifeRows,
          execsnoop: execsnoopRows,
          sampledRows: { tcplife: rowSamples.tcplife.length, execsnoop: rowSamples.execsnoop.length },
        },
        sampleFrameSlots: Object.fromEntries(
          [...samples].map(([tool, frames]) => [
            tool,
            Math.max(0, ...frames.map((frame) => frame.series.reduce((sum, series) => sum + series.counts.length, 0))),
          ]),
        ),
      },
      agentCpuPercent: { idle: idleCpu, underDirectWrites: loadCpu, diskRequestsPerSecond: ioPerSecond },
      bpfProgramsCpuPercent: { idle: bpfCpuPercent(idleBpf, idleBpfAfter), underDirectWrites: bpfCpuPercent(loadBpf, loadBpfAfter) },
      bpfNsPerRun: { idle: bpfNsPerRun(idleBpf, idleBpfAfter), underDirectWrites: bpfNsPerRun(loadBpf, loadBpfAfter) },
      recorder,
    };
    const file = writeResult('agent-flight-recorder', result);
    printTable('flight recorder (biolatency, runqlat, tcplife at 1 s)', [
      ["1 h of frames, shaped like this host's", mib(realBytes)],
      ['1 h of frames, every slot of every frame set', mib(worstBytes)],
      [`recent rows kept, ${tcplifeRows.rows} tcplife rows: heap (counted by the bound)`, `${mib(tcplifeRows.heapBytes)} (${mib(tcplifeRows.countedBytes)})`],
      [
        `recent rows kept, ${execsnoopRows.rows} execsnoop rows, 4 args each: heap (counted)`,
        `${mib(execsnoopRows.heapBytes)} (${mib(execsnoopRows.countedBytes)})`,
      ],
      ['agent CPU recording, idle host', `${idleCpu.toFixed(2)} %`],
      [`agent CPU recording, ${Math.round(ioPerSecond)} disk I/Os/s`, `${loadCpu.toFixed(2)} %`],
      [
        'in-kernel BPF time (all CPUs), idle / under I/O',
        `${result.bpfProgramsCpuPercent.idle.toFixed(2)} % / ${result.bpfProgramsCpuPercent.underDirectWrites.toFixed(2)} % of one CPU`,
      ],
      ['BPF ns per program run, idle / under I/O', `${result.bpfNsPerRun.idle.toFixed(0)} / ${result.bpfNsPerRun.underDirectWrites.toFixed(0)} ns`],
      ['results', file],
    ]);
    return result;
  } finally {
    writeFileSync(BPF_STATS, statsWere);
    await stopAgent(agent.process);
  }
}
