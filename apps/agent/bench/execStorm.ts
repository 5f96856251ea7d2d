// End-to-end exec storm: kernel → agent (its own process) → tRPC client over SSE on
// loopback. Rows delivered, rows lost and where, exec-to-client latency, agent CPU.
import { median, percentile, printTable, writeResult } from '@bpfscope/bench-kit';
import { residentBytes, spawnAgent } from '../test/harness.js';
import type { ExecRowLike, StormWorker, StreamCountersLike } from './agentProcess.js';
import { formatMs, mib } from './format.js';
import { cpuPercent, isStormRow, sampleCpu, startStormWorker, stopAgent, stormMarker, waitForDrain, waitForStreaming } from './agentProcess.js';

const SECONDS = 10;
const WORKERS = 2;
const RSS_SAMPLE_MS = 250;

export async function benchAgentExecStorm(stormBinary: string): Promise<object> {
  const agent = await spawnAgent();
  const workers: StormWorker[] = [];
  let subscription: { unsubscribe(): void } | undefined;
  let rssSampler: ReturnType<typeof setInterval> | undefined;
  try {
    const started = await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { nameContains: stormMarker } });
    const workerPids = new Set<number>();
    // Both sides read the same wall clock: row.time is the kernel's exec return mapped to epoch ms.
    const latenciesMs: number[] = [];
    let delivered = 0;
    let otherRows = 0;
    let batchesWithRows = 0;
    let counters: StreamCountersLike = { events: 0, kernelDrops: 0, droppedForViewer: 0 };
    let streamError: unknown;
    subscription = agent.client.sessions.stream.subscribe(
      { id: started.id },
      {
        onData(envelope) {
          const receivedAt = Date.now();
          counters = envelope.data.counters;
          const rows = envelope.data.rows as unknown as ExecRowLike[];
          if (rows.length > 0) batchesWithRows++;
          for (const row of rows) {
            if (!isStormRow(row, workerPids)) {
              otherRows++;
              continue;
            }
            delivered++;
            latenciesMs.push(receivedAt - row.time);
          }
        },
        onError(error) {
          streamError = error;
        },
      },
    );
    await waitForStreaming(agent.client, 1);

    const rssBefore = residentBytes(agent.pid);
    let rssPeak = rssBefore;
    rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentBytes(agent.pid))), RSS_SAMPLE_MS);
    const clientCpuBefore = process.cpuUsage();
    const cpuStart = sampleCpu(agent.pid);
    for (let i = 0; i < WORKERS; i++) {
      const worker = startStormWorker(stormBinary, SECONDS);
      workers.push(worker);
      workerPids.add(worker.pid);
    }
    const execsPerWorker = await Promise.all(workers.map((worker) => worker.made));
    const made = execsPerWorker.reduce((sum, count) => sum + count, 0);
    const stormSeconds = (performance.now() - cpuStart.at) / 1000;
    const cpuEnd = await waitForDrain({ delivered: () => delivered, expected: made, agentPid: agent.pid });
    const clientCpu = process.cpuUsage(clientCpuBefore);
    clearInterval(rssSampler);
    if (streamError !== undefined) throw streamError;
    const [attachment] = await agent.client.sessions.list.query();
    const kernelDrops = attachment?.stats.kernelDrops ?? counters.kernelDrops;

    const windowSeconds = (cpuEnd.at - cpuStart.at) / 1000;
    const result = {
      seconds: stormSeconds,
      workers: WORKERS,
      params: { nameContains: stormMarker },
      attachMethod: started.attachMethod,
      execsByWorkload: made,
      execsPerWorker,
      rowsDeliveredToClient: delivered,
      rowsPerSecond: delivered / stormSeconds,
      batchesWithRows,
      meanRowsPerBatch: delivered / Math.max(1, batchesWithRows),
      otherMatchingRows: otherRows,
      eventsDecodedByAttachment: attachment?.stats.events ?? counters.events,
      kernelDrops,
      viewerDrops: counters.droppedForViewer,
      missing: made - delivered,
      latencyMs: {
        p50: latenciesMs.length ? median(latenciesMs) : null,
        p99: latenciesMs.length ? percentile(latenciesMs, 99) : null,
        // reduce, not Math.max(...): a spread of 100k+ arguments overflows the stack.
        max: latenciesMs.length ? latenciesMs.reduce((a, b) => Math.max(a, b)) : null,
      },
      // From the storm's start to the last rows' arrival, so the quiet tail is not counted.
      agentCpuPercent: cpuPercent(cpuStart, cpuEnd),
      agentCpuWindowSeconds: windowSeconds,
      clientProcessCpuPercent: ((clientCpu.user + clientCpu.system) / 1e6 / windowSeconds) * 100,
      agentRssBytes: { beforeStorm: rssBefore, peakDuringStorm: rssPeak, afterStorm: residentBytes(agent.pid) },
    };
    writeResult('agent-exec-storm', result);
    printTable(`Agent exec storm, kernel → agent → tRPC client (${WORKERS} workers, ${SECONDS} s)`, [
      ['execs made by the workload', String(made)],
      ['rows delivered to the client', `${delivered} (${result.rowsPerSecond.toFixed(0)}/s)`],
      ['kernel drops (ring buffer full)', String(kernelDrops)],
      ['viewer drops (agent queue full)', String(result.viewerDrops)],
      ['missing (made - delivered)', String(result.missing)],
      ['latency exec → client p50 / p99', `${formatMs(result.latencyMs.p50)} / ${formatMs(result.latencyMs.p99)}`],
      ['agent CPU', `${result.agentCpuPercent.toFixed(1)} % (over ${windowSeconds.toFixed(1)} s)`],
      ['client process CPU', `${result.clientProcessCpuPercent.toFixed(1)} %`],
      ['agent RSS before / peak', `${mib(rssBefore)} / ${mib(rssPeak)}`],
    ]);
    return result;
  } finally {
    clearInterval(rssSampler);
    subscription?.unsubscribe();
    for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
    await stopAgent(agent.process);
  }
}
