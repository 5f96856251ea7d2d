// What /metrics says, read back from the registry's text: histogram buckets at the kernel's log2 bounds with counts
// equal to the recorded frames, names and units as Prometheus has them (promtool's own lint), both formats.
import { HISTOGRAM_SLOTS } from '@bpfscope/bpf-core';
import { describe, expect, it } from 'vitest';
import { parseExposition, samplesOf, valueOf } from '../../test/exposition.js';
import { promtool } from '../testing/prometheus.js';
import type { OverviewSample, UseCell, UseRow, Verdict } from '../overview/types.js';
import { USE_THRESHOLDS } from '../overview/use.js';
import type { HistogramFrame } from '../sessions/backend.js';
import type { AttachmentCounters } from '../sessions/sessionTypes.js';
import { AgentMetrics, log2Bounds, VERDICT_VALUE } from './agentMetrics.js';
import type { ExpositionFormat, MetricsSource } from './agentMetrics.js';
import { negotiateFormat } from './metricsService.js';
import { RecordedHistograms } from './recordedHistograms.js';

function cell(verdict: Verdict): UseCell {
  return { value: 1, unit: '%', text: '1 %', verdict, threshold: '', drill: null };
}

function row(resource: string, kind: UseRow['kind'], verdicts: [Verdict, Verdict, Verdict]): UseRow {
  return { resource, kind, utilization: cell(verdicts[0]), saturation: cell(verdicts[1]), errors: cell(verdicts[2]) };
}

const sample = {
  time: 1_700_000_123_000,
  readMs: 4,
  pressure: { cpu: { available: true }, memory: { available: true }, io: { available: false, reason: 'no PSI' } },
  bpf: { runqlatP99Us: 1500, biolatencyP99Us: null, tcpSessions: 2, tcpSessionP99Ms: 250 },
} as unknown as OverviewSample;

function source(overrides: Partial<MetricsSource> = {}): MetricsSource & { recorded: RecordedHistograms } {
  const recorded = new RecordedHistograms();
  const sessions: AttachmentCounters[] = [
    {
      attachmentId: '3f1c',
      tool: 'runqlat',
      recording: true,
      startedAt: 1_700_000_000_000,
      viewers: 2,
      events: 1234,
      kernelDrops: 5,
      viewerDrops: 7,
      bpf: { runTimeNs: 2_500_000_000, runCount: 99 },
    },
    {
      attachmentId: '9e0d',
      tool: 'execsnoop',
      recording: false,
      startedAt: 1_700_000_050_000,
      viewers: 1,
      events: 3,
      kernelDrops: 0,
      viewerDrops: 0,
      bpf: null,
    },
  ];
  return {
    recorded,
    version: '1.2.3',
    startedAt: 1_700_000_000_000,
    identity: () => ({ hostname: 'db-3', kernel: '6.1.0-test' }),
    recorder: () => [
      { tool: 'runqlat', recording: true },
      { tool: 'nosuch', recording: false, reason: 'unknown tool' },
    ],
    histograms: () => recorded.histograms(),
    sessions: () => sessions,
    bpfStatsOn: () => true,
    newestSample: () => sample,
    use: () => [
      row('CPUs', 'cpu', ['ok', 'critical', 'unknown']),
      row('Disk sda', 'disk', ['warning', 'ok', 'ok']),
      row('Network eth0', 'network', ['ok', 'ok', 'ok']),
    ],
    kernelEvents: () => [
      { kind: 'oom-kill', device: '', count: 1 },
      { kind: 'io-error', device: 'sda', count: 3 },
    ],
    ...overrides,
  };
}

async function scrape(metricsSource: MetricsSource, format: ExpositionFormat = 'prometheus') {
  const metrics = new AgentMetrics(metricsSource, format);
  const text = await metrics.render();
  return { text, exposition: parseExposition(text), contentType: metrics.contentType };
}

/** Frames of random counts in the first `slots` slots, some series empty some seconds. */
function randomFrames(count: number, labels: string[], slots: number, seed = 7): HistogramFrame[] {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) as number;
  return Array.from({ length: count }, (_, index) => ({
    time: 1_700_000_001_000 + index * 1000,
    intervalMs: 1000,
    unit: 'usecs' as const,
    series: labels.flatMap((label) =>
      random() < 0.2 ? [] : [{ label, counts: Array.from({ length: 1 + Math.floor(random() * slots) }, () => Math.floor(random() * 1000)) }],
    ),
  }));
}

describe('/metrics exposition', () => {
  it('exposes a recorded histogram in seconds, le at the kernel’s log2 bounds, counts equal to the sum of its frames', async () => {
    const metricsSource = source();
    const frames = randomFrames(300, [''], 20);
    for (const frame of frames) metricsSource.recorded.add('runqlat', frame, { measure: 'run queue latency', unit: 'usecs' });
    const { exposition } = await scrape(metricsSource);
    expect(exposition.families.get('bpfscope_runqlat_seconds')?.type).toBe('histogram');
    const buckets = samplesOf(exposition, 'bpfscope_runqlat_seconds_bucket');
    // Slot k of [2^k, 2^(k+1)) µs is le = 2^(k+1) µs in seconds, printed as its exact decimal; the last slot only under +Inf.
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([
      ...Array.from({ length: HISTOGRAM_SLOTS - 1 }, (_, slot) => String(2 ** (slot + 1) / 1e6)),
      '+Inf',
    ]);
    expect(buckets.slice(0, 4).map((bucket) => bucket.labels.le)).toEqual(['0.000002', '0.000004', '0.000008', '0.000016']);
    expect(buckets[9]?.labels.le).toBe('0.001024');
    const perSlot = new Array<number>(HISTOGRAM_SLOTS).fill(0);
    for (const frame of frames) for (const series of frame.series) series.counts.forEach((count, slot) => (perSlot[slot] = (perSlot[slot] ?? 0) + count));
    let cumulative = 0;
    const expected = perSlot.slice(0, HISTOGRAM_SLOTS - 1).map((count) => (cumulative += count));
    expect(buckets.map((bucket) => bucket.value)).toEqual([...expected, cumulative + (perSlot.at(-1) ?? 0)]);
    expect(valueOf(exposition, 'bpfscope_runqlat_seconds_count')).toBe(perSlot.reduce((a, b) => a + b, 0));
    // The kernel counts slots, not values: no sum to give.
    expect(samplesOf(exposition, 'bpfscope_runqlat_seconds_sum')).toEqual([]);
    expect(valueOf(exposition, 'bpfscope_recorder_frames_total', { tool: 'runqlat' })).toBe(300);
    expect(valueOf(exposition, 'bpfscope_recorder_last_frame_timestamp_seconds', { tool: 'runqlat' })).toBe((frames.at(-1)?.time ?? 0) / 1000);
  });

  it('keeps a tool’s series apart under its key’s label, and millisecond slots at millisecond bounds', async () => {
    const metricsSource = source();
    const frames = randomFrames(50, ['sda', 'vdb'], 12, 3);
    for (const frame of frames) metricsSource.recorded.add('biosnoop', frame, { measure: 'block I/O latency', unit: 'usecs', keyName: 'disk' });
    metricsSource.recorded.add('slow', { time: 1, intervalMs: 1000, unit: 'msecs', series: [{ label: '', counts: [0, 1] }] }, undefined);
    const { exposition } = await scrape(metricsSource);
    for (const disk of ['sda', 'vdb']) {
      const total = frames
        .flatMap((frame) => frame.series.filter((series) => series.label === disk))
        .reduce((sum, series) => sum + series.counts.reduce((a, b) => a + b, 0), 0);
      expect(valueOf(exposition, 'bpfscope_biosnoop_seconds_count', { disk })).toBe(total);
      expect(valueOf(exposition, 'bpfscope_biosnoop_seconds_bucket', { disk, le: '+Inf' })).toBe(total);
    }
    expect(log2Bounds('msecs').slice(0, 3)).toEqual([0.002, 0.004, 0.008]);
    expect(valueOf(exposition, 'bpfscope_slow_seconds_bucket', { le: '0.002' })).toBe(0);
    expect(valueOf(exposition, 'bpfscope_slow_seconds_bucket', { le: '0.004' })).toBe(1);
  });

  it('names every metric bpfscope_…, in base units, as promtool’s lint wants them', async () => {
    const metricsSource = source();
    metricsSource.recorded.add('runqlat', randomFrames(1, [''], 5)[0] as HistogramFrame, { measure: 'run queue latency', unit: 'usecs' });
    const { text, exposition } = await scrape(metricsSource);
    const families = Object.fromEntries([...exposition.families].map(([name, family]) => [name, family.type]));
    expect(families).toEqual({
      bpfscope_agent_info: 'gauge',
      bpfscope_agent_start_time_seconds: 'gauge',
      bpfscope_bpf_stats_enabled: 'gauge',
      bpfscope_recorder_recording: 'gauge',
      bpfscope_recorder_frames_total: 'counter',
      bpfscope_recorder_last_frame_timestamp_seconds: 'gauge',
      bpfscope_use_verdict: 'gauge',
      bpfscope_use_threshold_info: 'gauge',
      bpfscope_pressure_available: 'gauge',
      bpfscope_p99_seconds: 'gauge',
      bpfscope_overview_sample_timestamp_seconds: 'gauge',
      bpfscope_overview_sample_duration_seconds: 'gauge',
      bpfscope_kernel_log_events_total: 'counter',
      bpfscope_session_events_total: 'counter',
      bpfscope_session_kernel_drops_total: 'counter',
      bpfscope_session_viewer_drops_total: 'counter',
      bpfscope_session_bpf_cpu_seconds_total: 'counter',
      bpfscope_session_bpf_runs_total: 'counter',
      bpfscope_session_viewers: 'gauge',
      bpfscope_session_start_time_seconds: 'gauge',
      bpfscope_runqlat_seconds: 'histogram',
    });
    const lint = await promtool(['check', 'metrics'], text);
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.code).toBe(0);
  });

  it('gives the overview’s verdicts per cell, its thresholds, PSI, and the newest second’s p99s in seconds', async () => {
    const { exposition } = await scrape(source());
    expect(valueOf(exposition, 'bpfscope_use_verdict', { kind: 'cpu', column: 'saturation' })).toBe(2);
    expect(valueOf(exposition, 'bpfscope_use_verdict', { kind: 'cpu', column: 'errors' })).toBe(-1);
    expect(valueOf(exposition, 'bpfscope_use_verdict', { kind: 'disk', device: 'sda', column: 'utilization' })).toBe(VERDICT_VALUE.warning);
    expect(valueOf(exposition, 'bpfscope_use_verdict', { kind: 'network', device: 'eth0', column: 'errors' })).toBe(0);
    expect(samplesOf(exposition, 'bpfscope_use_verdict', { kind: 'cpu' }).every((s) => s.labels.device === undefined)).toBe(true);
    expect(samplesOf(exposition, 'bpfscope_use_verdict')).toHaveLength(9);
    const thresholds = samplesOf(exposition, 'bpfscope_use_threshold_info');
    expect(thresholds.map((s) => s.labels.figure)).toEqual(Object.keys(USE_THRESHOLDS));
    expect(thresholds.find((s) => s.labels.figure === 'cpuPressure')?.labels).toEqual({
      figure: 'cpuPressure',
      kind: 'cpu',
      column: 'saturation',
      unit: 'percent',
      warning: '10',
      critical: '40',
    });
    expect(valueOf(exposition, 'bpfscope_pressure_available', { resource: 'io' })).toBe(0);
    expect(valueOf(exposition, 'bpfscope_pressure_available', { resource: 'cpu' })).toBe(1);
    expect(valueOf(exposition, 'bpfscope_p99_seconds', { tool: 'runqlat' })).toBeCloseTo(0.0015, 12);
    expect(valueOf(exposition, 'bpfscope_p99_seconds', { tool: 'tcplife' })).toBe(0.25);
    expect(samplesOf(exposition, 'bpfscope_p99_seconds', { tool: 'biolatency' })).toEqual([]);
    expect(valueOf(exposition, 'bpfscope_overview_sample_timestamp_seconds')).toBe(1_700_000_123);
    expect(valueOf(exposition, 'bpfscope_overview_sample_duration_seconds')).toBe(0.004);
    expect(valueOf(exposition, 'bpfscope_kernel_log_events_total', { kind: 'io-error', device: 'sda' })).toBe(3);
    expect(valueOf(exposition, 'bpfscope_kernel_log_events_total', { kind: 'oom-kill' })).toBe(1);
    expect(valueOf(exposition, 'bpfscope_agent_info', { version: '1.2.3', hostname: 'db-3', kernel: '6.1.0-test' })).toBe(1);
    expect(valueOf(exposition, 'bpfscope_recorder_recording', { tool: 'nosuch' })).toBe(0);
  });

  it('counts per session by tool and attachment: events, drops, and measured BPF time in seconds', async () => {
    const { exposition } = await scrape(source());
    const runqlat = { tool: 'runqlat', attachment: '3f1c' };
    expect(valueOf(exposition, 'bpfscope_session_events_total', runqlat)).toBe(1234);
    expect(valueOf(exposition, 'bpfscope_session_kernel_drops_total', runqlat)).toBe(5);
    expect(valueOf(exposition, 'bpfscope_session_viewer_drops_total', runqlat)).toBe(7);
    expect(valueOf(exposition, 'bpfscope_session_bpf_cpu_seconds_total', runqlat)).toBe(2.5);
    expect(valueOf(exposition, 'bpfscope_session_bpf_runs_total', runqlat)).toBe(99);
    expect(valueOf(exposition, 'bpfscope_session_viewers', runqlat)).toBe(2);
    expect(valueOf(exposition, 'bpfscope_session_start_time_seconds', runqlat)).toBe(1_700_000_000);
    // A backend that cannot measure has no BPF time, rather than a zero that reads as free.
    expect(samplesOf(exposition, 'bpfscope_session_bpf_cpu_seconds_total', { tool: 'execsnoop' })).toEqual([]);
    expect(valueOf(exposition, 'bpfscope_session_events_total', { tool: 'execsnoop', attachment: '9e0d' })).toBe(3);
  });

  it('speaks OpenMetrics to a scraper that asks for it (Prometheus does), else the 0.0.4 text format', async () => {
    expect(
      negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'),
    ).toBe('openmetrics');
    expect(negotiateFormat('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiateFormat(undefined)).toBe('prometheus');
    const metricsSource = source();
    metricsSource.recorded.add('runqlat', randomFrames(1, [''], 5)[0] as HistogramFrame, undefined);
    const { text, exposition, contentType } = await scrape(metricsSource, 'openmetrics');
    expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(text.endsWith('# EOF\n')).toBe(true);
    // An OpenMetrics counter family is named without _total; its samples carry it.
    expect(exposition.families.get('bpfscope_session_events')?.type).toBe('counter');
    expect(valueOf(exposition, 'bpfscope_session_events_total', { tool: 'runqlat', attachment: '3f1c' })).toBe(1234);
    expect(exposition.families.get('bpfscope_runqlat_seconds')?.type).toBe('histogram');
    expect((await scrape(metricsSource)).contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
