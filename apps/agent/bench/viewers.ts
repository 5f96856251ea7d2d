// 20 viewers of one execsnoop session: they must share one kernel attachment, and
// each must get every row; the agent's CPU and memory with them idle and under a storm.
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { createClient, residentBytes, spawnAgent } from '../test/harness.js';
import type { ExecRowLike, StormWorker, StreamCountersLike } from './agentProcess.js';
import { cpuPercent, isStormRow, sampleCpu, sleep, startStormWorker, stopAgent, stormMarker, waitForDrain, waitForStreaming } from './agentProcess.js';
import { mib } from './format.js';

const VIEWERS = 20;
const SECONDS = 5;
const QUIET_SECONDS = 2;
const RSS_SAMPLE_MS = 250;

interface ViewerTally {
  rows: number;
  counters: StreamCountersLike;
  error: unknown;
}

export async function benchAgentViewers(stormBinary: string): Promise<object> {
  const agent = await spawnAgent();
  const workers: StormWorker[] = [];
  const subscriptions: Array<{ unsubscribe(): void }> = [];
  let rssSampler: ReturnType<typeof setInterval> | undefined;
  try {
    const rssIdle = residentBytes(agent.pid);
    const clients = Array.from({ length: VIEWERS }, () => createClient(agent.url, agent.token));
    const params = { nameContains: stormMarker };
    const started = await Promise.all(clients.map((client) => client.sessions.start.mutate({ tool: 'execsnoop', params })));

    const workerPids = new Set<number>();
    const tallies: ViewerTally[] = started.map(() => ({
      rows: 0,
      counters: { events: 0, kernelDrops: 0, droppedForViewer: 0 },
      error: undefined,
    }));
    started.forEach((session, index) => {
      const tally = tallies[index] as ViewerTally;
      const client = clients[index];
      if (!client) throw new Error(`no client for viewer ${index}`);
      subscriptions.push(
        client.sessions.stream.subscribe(
          { id: session.id },
          {
            onData(envelope) {
              tally.counters = envelope.data.counters;
              for (const row of envelope.data.rows as unknown as ExecRowLike[]) if (isStormRow(row, workerPids)) tally.rows++;
            },
            onError(error) {
              tally.error = error;
            },
          },
        ),
      );
    });
    await waitForStreaming(agent.client, VIEWERS);

    const attachments = await agent.client.sessions.list.query();
    const attachmentIds = new Set(started.map((session) => session.attachmentId));
    const sharing = {
      distinctAttachmentIds: attachmentIds.size,
      sharedFlags: started.filter((session) => session.shared).length,
      listedAttachments: attachments.length,
      listedViewers: attachments[0]?.viewers.length ?? 0,
      listedProgramIds: attachments[0]?.programIds.length ?? 0,
      listedAttachmentIsTheOneStarted: attachments[0] !== undefined && attachmentIds.has(attachments[0].attachmentId),
    };
    const sharingHolds =
      sharing.distinctAttachmentIds === 1 &&
      sharing.sharedFlags === VIEWERS - 1 &&
      sharing.listedAttachments === 1 &&
      sharing.listedViewers === VIEWERS &&
      sharing.listedProgramIds === 2 &&
      sharing.listedAttachmentIsTheOneStarted;

    // Quiet: 20 streams connected, only heartbeats flowing.
    const quietStart = sampleCpu(agent.pid);
    await sleep(QUIET_SECONDS * 1000);
    const quietEnd = sampleCpu(agent.pid);
    const rssViewersIdle = residentBytes(agent.pid);

    let rssPeak = rssViewersIdle;
    rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentBytes(agent.pid))), RSS_SAMPLE_MS);
    const stormStart = sampleCpu(agent.pid);
    const worker = startStormWorker(stormBinary, SECONDS);
    workers.push(worker);
    workerPids.add(worker.pid);
    const made = await worker.made;
    const stormSeconds = (performance.now() - stormStart.at) / 1000;
    const totalRows = () => tallies.reduce((sum, tally) => sum + tally.rows, 0);
    const stormEnd = await waitForDrain({ delivered: totalRows, expected: made * VIEWERS, agentPid: agent.pid });
    clearInterval(rssSampler);
    const failed = tallies.find((tally) => tally.error !== undefined);
    if (failed) throw failed.error;

    const rows = tallies.map((tally) => tally.rows);
    const viewerDrops = tallies.map((tally) => tally.counters.droppedForViewer);
    const [attachment] = await agent.client.sessions.list.query();
    const result = {
      viewers: VIEWERS,
      seconds: stormSeconds,
      workers: 1,
      params,
      sharing: { ...sharing, holds: sharingHolds },
      execsByWorkload: made,
      rowsPerViewer: { min: Math.min(...rows), max: Math.max(...rows), all: rows },
      viewersWithEveryRow: rows.filter((count) => count === made).length,
      viewerDrops: { min: Math.min(...viewerDrops), max: Math.max(...viewerDrops) },
      kernelDrops: attachment?.stats.kernelDrops ?? 0,
      agentCpuPercent: {
        viewersIdle: cpuPercent(quietStart, quietEnd),
        // From the storm's start to the last rows' arrival at any viewer.
        duringStorm: cpuPercent(stormStart, stormEnd),
      },
      agentRssBytes: { noSession: rssIdle, viewersIdle: rssViewersIdle, peakDuringStorm: rssPeak, afterStorm: residentBytes(agent.pid) },
    };
    writeResult('agent-viewers', result);
    printTable(`Agent with ${VIEWERS} viewers of one execsnoop session (1 worker, ${SECONDS} s)`, [
      [
        'shared attachment',
        sharingHolds ? `yes: 1 attachment, ${sharing.listedViewers} viewers, ${sharing.listedProgramIds} programs` : `NO: ${JSON.stringify(sharing)}`,
      ],
      ['execs made by the workload', String(made)],
      ['rows per viewer min / max', `${result.rowsPerViewer.min} / ${result.rowsPerViewer.max}`],
      ['viewers that got every row', `${result.viewersWithEveryRow} of ${VIEWERS}`],
      ['viewer drops min / max', `${result.viewerDrops.min} / ${result.viewerDrops.max}`],
      ['kernel drops', String(result.kernelDrops)],
      ['agent CPU viewers idle / storm', `${result.agentCpuPercent.viewersIdle.toFixed(1)} % / ${result.agentCpuPercent.duringStorm.toFixed(1)} %`],
      ['agent RSS no session / viewers idle / peak', `${mib(rssIdle)} / ${mib(rssViewersIdle)} / ${mib(rssPeak)}`],
    ]);
    if (!sharingHolds) throw new Error(`${VIEWERS} viewers with equal params did not share one attachment: ${JSON.stringify(sharing)}`);
    return result;
  } finally {
    clearInterval(rssSampler);
    for (const subscription of subscriptions) subscription.unsubscribe();
    for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
    await stopAgent(agent.process);
  }
}
