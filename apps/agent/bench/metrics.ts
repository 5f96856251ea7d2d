// /metrics (issue 16): scrape time and size with 5 tools recording, in both exposition formats, and the agent's CPU
// while scraped every second as Prometheus would, against the same agent left alone.
import { median, percentile, printTable, writeResult } from '@bpfscope/bench-kit';
import { spawnAgent } from '../test/harness.js';
import { cpuPercent, sampleCpu, sleep, stopAgent } from './agentProcess.js';

/** Five heat-map tools recording: what a scrape has most to say about. */
const RECORDED_TOOLS = ['runqlat', 'biolatency', 'tcplife', 'biosnoop', 'fsslower'];
const SCRAPES = 300;
const CPU_SECONDS = 30;
/** The issue's goal for one scrape. */
const SCRAPE_GOAL_MS = 10;

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function scrape(url: string, token: string, accept?: string): Promise<{ ms: number; bytes: number; samples: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}`, ...(accept === undefined ? {} : { accept }) } });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return { ms, bytes: Buffer.byteLength(body), samples: body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length };
}

export async function benchMetrics(): Promise<object> {
  const agent = await spawnAgent(['--record', RECORDED_TOOLS.join(',')]);
  try {
    await sleep(5000);
    const recorder = (await agent.client.host.info.query()).recorder;
    const notRecording = recorder.filter((status) => !status.recording);
    if (notRecording.length > 0) throw new Error(`not recording: ${notRecording.map((status) => `${status.tool} (${status.reason})`).join(', ')}`);

    // First the agent alone (no scrape yet, so nothing has turned BPF statistics on), then scraped every second.
    const aloneFrom = sampleCpu(agent.pid);
    await sleep(CPU_SECONDS * 1000);
    const aloneCpu = cpuPercent(aloneFrom, sampleCpu(agent.pid));
    const scrapedFrom = sampleCpu(agent.pid);
    const everySecond: number[] = [];
    for (let second = 0; second < CPU_SECONDS; second++) {
      const tick = performance.now();
      everySecond.push((await scrape(agent.url, agent.token, PROMETHEUS_ACCEPT)).ms);
      await sleep(Math.max(0, 1000 - (performance.now() - tick)));
    }
    const scrapedCpu = cpuPercent(scrapedFrom, sampleCpu(agent.pid));

    // Then back to back, as fast as one client can: the time a scrape takes the agent, over loopback HTTP.
    const timings: Record<'prometheus' | 'openmetrics', { ms: number[]; bytes: number; samples: number }> = {
      prometheus: { ms: [], bytes: 0, samples: 0 },
      openmetrics: { ms: [], bytes: 0, samples: 0 },
    };
    for (let index = 0; index < SCRAPES; index++) {
      for (const format of ['prometheus', 'openmetrics'] as const) {
        const result = await scrape(agent.url, agent.token, format === 'openmetrics' ? PROMETHEUS_ACCEPT : undefined);
        timings[format].ms.push(result.ms);
        timings[format].bytes = result.bytes;
        timings[format].samples = result.samples;
      }
    }
    const summary = (ms: number[]) => ({ medianMs: median(ms.slice(20)), p95Ms: percentile(ms.slice(20), 95), maxMs: Math.max(...ms.slice(20)) });
    const result = {
      tools: RECORDED_TOOLS,
      scrapes: SCRAPES,
      goalMs: SCRAPE_GOAL_MS,
      prometheus: { ...summary(timings.prometheus.ms), bytes: timings.prometheus.bytes, samples: timings.prometheus.samples },
      openmetrics: { ...summary(timings.openmetrics.ms), bytes: timings.openmetrics.bytes, samples: timings.openmetrics.samples },
      scrapedEverySecondMedianMs: median(everySecond),
      agentCpuPercent: { alone: aloneCpu, scrapedEverySecond: scrapedCpu, seconds: CPU_SECONDS },
    };
    const file = writeResult('agent-metrics', result);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    printTable(`/metrics with ${RECORDED_TOOLS.length} tools recording (${RECORDED_TOOLS.join(', ')})`, [
      [
        'scrape, OpenMetrics (as Prometheus asks): median / p95 / max',
        `${result.openmetrics.medianMs.toFixed(2)} / ${result.openmetrics.p95Ms.toFixed(2)} / ${result.openmetrics.maxMs.toFixed(2)} ms (goal ≤ ${SCRAPE_GOAL_MS} ms)`,
      ],
      [
        'scrape, text 0.0.4: median / p95 / max',
        `${result.prometheus.medianMs.toFixed(2)} / ${result.prometheus.p95Ms.toFixed(2)} / ${result.prometheus.maxMs.toFixed(2)} ms`,
      ],
      ['size, OpenMetrics / text 0.0.4', `${kib(result.openmetrics.bytes)} / ${kib(result.prometheus.bytes)} (${result.prometheus.samples} samples)`],
      ['agent CPU, alone / scraped every second', `${aloneCpu.toFixed(2)} % / ${scrapedCpu.toFixed(2)} % of one core`],
      ['results', file],
    ]);
    return result;
  } finally {
    await stopAgent(agent.process);
  }
}
