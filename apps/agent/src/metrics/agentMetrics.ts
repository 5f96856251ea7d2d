// What /metrics exposes, through prom-client: one Registry per exposition format, its metrics read at collect time
// from what the agent already keeps (the flight recorder's frames added up, the host overview's newest second and
// USE table, the sessions' counters). Nothing here samples anything: a scrape reads, it never adds work.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RegistryContentType } from 'prom-client';
import { HISTOGRAM_SLOTS } from '@bpfscope/bpf-core';
import type { KernelEventCount } from '../overview/hostRecorder.js';
import { OVERVIEW_BPF_TOOLS } from '../overview/hostRecorder.js';
import type { OverviewSample, UseRow, Verdict } from '../overview/types.js';
import { USE_THRESHOLDS } from '../overview/use.js';
import type { RecorderStatus } from '../services/flightRecorder.js';
import type { AttachmentCounters } from '../sessions/sessionTypes.js';
import type { RecordedHistogram } from './recordedHistograms.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** What the metrics read, each call at collect time. */
export interface MetricsSource {
  version: string;
  /** Epoch ms. */
  startedAt: number;
  identity(): { hostname: string; kernel: string };
  recorder(): readonly RecorderStatus[];
  histograms(): readonly RecordedHistogram[];
  sessions(): readonly AttachmentCounters[];
  /** Whether the kernel's BPF statistics are on (held by the agent): session BPF time only counts while they are. */
  bpfStatsOn(): boolean;
  newestSample(): OverviewSample | undefined;
  /** The USE table of the newest second (the overview's). */
  use(): readonly UseRow[];
  kernelEvents(): readonly KernelEventCount[];
}

/** A verdict as a number that orders as the verdicts do, so `>= 1` is warning or worse. */
export const VERDICT_VALUE: Readonly<Record<Verdict, number>> = { unknown: -1, ok: 0, warning: 1, critical: 2 };

/** Rows of the USE table exported; a host with more disks and interfaces than this keeps the first. */
const MAX_USE_ROWS = 128;

const UNIT_SECONDS = { usecs: 1e6, msecs: 1e3 } as const;

/** The histogram metric of a recorded tool: bpfscope_runqlat_seconds. */
export function histogramMetricName(tool: string): string {
  return `bpfscope_${tool.replace(/[^a-zA-Z0-9_]/g, '_')}_seconds`;
}

/**
 * The `le` bounds, in seconds, of the kernel's log2 slots in `unit`: slot k counts [2^k, 2^(k+1)) (slot 0 also 0
 * and 1), so its bound is 2^(k+1). The last slot holds everything from 2^31 on (the kernel clamps): only +Inf bounds it.
 */
export function log2Bounds(unit: keyof typeof UNIT_SECONDS): number[] {
  // A power of two over a power of ten is rounded once, so each bound prints as its exact decimal.
  return Array.from({ length: HISTOGRAM_SLOTS - 1 }, (_, slot) => 2 ** (slot + 1) / UNIT_SECONDS[unit]);
}

type HistogramValues = Awaited<ReturnType<Histogram<string>['get']>>;

/**
 * A Prometheus histogram of a recorded tool's kernel slots, cumulative since the agent started. prom-client's own
 * Histogram bins values one observe() at a time; the kernel has already binned them, so this one hands the
 * registry's formatter the counts as they are: buckets at the slots' bounds, no re-binning, and no _sum (the
 * kernel counts slots, not values, so there is no sum to give).
 */
class Log2Histogram extends Histogram<string> {
  readonly #name: string;
  readonly #help: string;
  readonly #read: () => RecordedHistogram | undefined;

  constructor(options: { name: string; help: string; labelNames: string[]; read: () => RecordedHistogram | undefined; registry: Registry }) {
    super({ name: options.name, help: options.help, labelNames: options.labelNames, buckets: [], registers: [options.registry] });
    this.#name = options.name;
    this.#help = options.help;
    this.#read = options.read;
  }

  /** What the registry formats (prom-client calls this when a metric has it, get() otherwise). */
  async getForPromString(): Promise<HistogramValues> {
    const histogram = this.#read();
    const values: Array<HistogramValues['values'][number] & { sharedLabels: Record<string, string> }> = [];
    // Only latencies are in seconds; a histogram of plain values (argdist -H, never recorded) has no _seconds metric.
    if (histogram && histogram.unit !== 'values') {
      const bounds = log2Bounds(histogram.unit);
      for (const [label, counts] of [...histogram.series].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))) {
        const labels: Record<string, string> = histogram.labelName === undefined ? {} : { [histogram.labelName]: label };
        let cumulative = 0;
        bounds.forEach((le, slot) => {
          cumulative += counts[slot] ?? 0;
          values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.#name}_bucket`, sharedLabels: {} });
        });
        const total = counts.reduce((sum, count) => sum + count, 0);
        values.push({ labels: { ...labels, le: '+Inf' }, value: total, metricName: `${this.#name}_bucket`, sharedLabels: {} });
        values.push({ labels, value: total, metricName: `${this.#name}_count`, sharedLabels: {} });
      }
    }
    return { name: this.#name, help: this.#help, type: 'histogram', aggregator: 'sum', values } as unknown as HistogramValues;
  }

  override async get(): Promise<HistogramValues> {
    return this.getForPromString();
  }
}

function seconds(ms: number): number {
  return ms / 1000;
}

/** The device a disk or network row is about ('Disk sda' → 'sda'); undefined for the host-wide rows. */
function deviceOf(row: UseRow): string | undefined {
  return row.kind === 'disk' || row.kind === 'network' ? row.resource.slice(row.resource.indexOf(' ') + 1) : undefined;
}

/** The p99 of the newest second the overview has for a tool, in seconds; undefined when it has none. */
function newestP99Seconds(sample: OverviewSample | undefined, tool: (typeof OVERVIEW_BPF_TOOLS)[number]): number | undefined {
  if (!sample) return undefined;
  const { bpf } = sample;
  const value = tool === 'runqlat' ? bpf.runqlatP99Us : tool === 'biolatency' ? bpf.biolatencyP99Us : bpf.tcpSessionP99Ms;
  if (value === null) return undefined;
  return tool === 'tcplife' ? value / 1e3 : value / 1e6;
}

/**
 * The registry of one exposition format. Histograms of recorded tools are added as their first frame arrives
 * (call prepare() before each scrape); everything else is fixed.
 */
export class AgentMetrics {
  readonly registry: Registry;
  readonly #source: MetricsSource;
  readonly #histograms = new Map<string, Log2Histogram>();

  constructor(source: MetricsSource, format: ExpositionFormat) {
    this.#source = source;
    this.registry = new Registry();
    // prom-client's typings leave out the constructor's content type; its setter is typed.
    if (format === 'openmetrics') (this.registry as Registry<RegistryContentType>).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    this.#agentMetrics();
    this.#recorderMetrics();
    this.#overviewMetrics();
    this.#sessionMetrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, with a histogram for every tool recorded so far. */
  async render(): Promise<string> {
    for (const histogram of this.#source.histograms()) this.#histogramFor(histogram);
    return this.registry.metrics();
  }

  #histogramFor(recorded: RecordedHistogram): void {
    if (this.#histograms.has(recorded.tool)) return;
    const tool = recorded.tool;
    const metric = new Log2Histogram({
      name: histogramMetricName(tool),
      help:
        `${recorded.measure} (${tool}, flight recorder), seconds: the kernel's log2 slots as buckets, ` +
        `slot k of [2^k, 2^(k+1)) ${recorded.unit} counted under le=2^(k+1) ${recorded.unit}; cumulative since the agent started; no _sum`,
      labelNames: recorded.labelName === undefined ? [] : [recorded.labelName],
      read: () => this.#source.histograms().find((candidate) => candidate.tool === tool),
      registry: this.registry,
    });
    this.#histograms.set(tool, metric);
  }

  #agentMetrics(): void {
    const source = this.#source;
    const registers = [this.registry];
    new Gauge({
      name: 'bpfscope_agent_info',
      help: 'The agent: its version, and the host name and kernel release its procfs gives; always 1',
      labelNames: ['version', 'hostname', 'kernel'],
      registers,
      collect() {
        this.reset();
        this.set({ version: source.version, ...source.identity() }, 1);
      },
    });
    new Gauge({
      name: 'bpfscope_agent_start_time_seconds',
      help: 'When the agent started, seconds since the epoch: counters count from then',
      registers,
      collect() {
        this.set(seconds(source.startedAt));
      },
    });
    new Gauge({
      name: 'bpfscope_bpf_stats_enabled',
      help: "1 while the kernel's BPF statistics are on for the agent (a scrape keeps them on): session BPF time only counts then",
      registers,
      collect() {
        this.set(source.bpfStatsOn() ? 1 : 0);
      },
    });
  }

  #recorderMetrics(): void {
    const source = this.#source;
    const registers = [this.registry];
    new Gauge({
      name: 'bpfscope_recorder_recording',
      help: 'Tools in --record: 1 while the flight recorder records the tool, 0 when it could not attach it',
      labelNames: ['tool'],
      registers,
      collect() {
        this.reset();
        for (const status of source.recorder()) this.set({ tool: status.tool }, status.recording ? 1 : 0);
      },
    });
    new Counter({
      name: 'bpfscope_recorder_frames_total',
      help: 'Histogram frames (one a second) of a recorded tool added into its bpfscope_<tool>_seconds histogram',
      labelNames: ['tool'],
      registers,
      collect() {
        this.reset();
        for (const histogram of source.histograms()) this.inc({ tool: histogram.tool }, histogram.frames);
      },
    });
    new Gauge({
      name: 'bpfscope_recorder_last_frame_timestamp_seconds',
      help: 'End of the newest frame in a recorded tool’s histogram, seconds since the epoch: the counts run to this second',
      labelNames: ['tool'],
      registers,
      collect() {
        this.reset();
        for (const histogram of source.histograms()) this.set({ tool: histogram.tool }, seconds(histogram.lastFrameTime));
      },
    });
  }

  #overviewMetrics(): void {
    const source = this.#source;
    const registers = [this.registry];
    new Gauge({
      name: 'bpfscope_use_verdict',
      help:
        'The host overview’s USE verdict of each cell of the newest second (the web’s USE table, the same thresholds): ' +
        '-1 unknown, 0 ok, 1 warning, 2 critical; device names the disk or interface',
      labelNames: ['kind', 'device', 'column'],
      registers,
      collect() {
        this.reset();
        for (const row of source.use().slice(0, MAX_USE_ROWS)) {
          const device = deviceOf(row);
          for (const column of ['utilization', 'saturation', 'errors'] as const) {
            this.set({ kind: row.kind, column, ...(device === undefined ? {} : { device }) }, VERDICT_VALUE[row[column].verdict]);
          }
        }
      },
    });
    new Gauge({
      name: 'bpfscope_use_threshold_info',
      help: 'The thresholds the USE verdicts judge by, in the unit the overview shows (the rules in deploy/prometheus are generated from them); always 1',
      labelNames: ['figure', 'kind', 'column', 'unit', 'warning', 'critical'],
      registers,
      collect() {
        this.reset();
        for (const [figure, threshold] of Object.entries(USE_THRESHOLDS)) {
          const { kind, column, unit, warning, critical } = threshold;
          this.set({ figure, kind, column, unit, warning: String(warning), critical: String(critical) }, 1);
        }
      },
    });
    new Gauge({
      name: 'bpfscope_pressure_available',
      help: 'Whether the kernel has PSI for a resource (/proc/pressure): without it the overview judges CPU saturation by runqlat p99',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        const sample = source.newestSample();
        if (!sample) return;
        for (const [resource, pressure] of Object.entries(sample.pressure)) this.set({ resource }, pressure.available ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bpfscope_p99_seconds',
      help: 'p99 of the newest second of a recorded tool, as the host overview shows it (log2 slots, interpolated); for other ranges use histogram_quantile on bpfscope_<tool>_seconds',
      labelNames: ['tool'],
      registers,
      collect() {
        this.reset();
        const sample = source.newestSample();
        for (const tool of OVERVIEW_BPF_TOOLS) {
          const p99 = newestP99Seconds(sample, tool);
          if (p99 !== undefined) this.set({ tool }, p99);
        }
      },
    });
    new Gauge({
      name: 'bpfscope_overview_sample_timestamp_seconds',
      help: 'When the host overview took its newest sample, seconds since the epoch (one a second)',
      registers,
      collect() {
        this.reset();
        const sample = source.newestSample();
        if (sample) this.set(seconds(sample.time));
      },
    });
    new Gauge({
      name: 'bpfscope_overview_sample_duration_seconds',
      help: 'How long the newest host overview sample took to read /proc, /sys and the kernel log: the sampler’s own cost',
      registers,
      collect() {
        this.reset();
        const sample = source.newestSample();
        if (sample) this.set(seconds(sample.readMs));
      },
    });
    new Counter({
      name: 'bpfscope_kernel_log_events_total',
      help: 'Kernel log records the host overview classified (oom-kill, io-error, hung-task…) since the agent started, the ring buffer at start included; device for I/O errors',
      labelNames: ['kind', 'device'],
      registers,
      collect() {
        this.reset();
        for (const { kind, device, count } of source.kernelEvents()) this.inc(device === '' ? { kind } : { kind, device }, count);
      },
    });
  }

  #sessionMetrics(): void {
    const source = this.#source;
    const registers = [this.registry];
    const labelNames = ['tool', 'attachment'];
    const perSession = (name: string, help: string, value: (session: AttachmentCounters) => number | undefined) => ({
      name,
      help,
      labelNames,
      registers,
      read: value,
    });
    const counters = [
      perSession('bpfscope_session_events_total', 'Events a tool session (kernel attachment) decoded since it attached', (s) => s.events),
      perSession('bpfscope_session_kernel_drops_total', 'Events the kernel could not queue for a session (ring buffer full)', (s) => s.kernelDrops),
      perSession('bpfscope_session_viewer_drops_total', 'Rows a session dropped for viewers too slow to read them (their queues full)', (s) => s.viewerDrops),
      perSession(
        'bpfscope_session_bpf_cpu_seconds_total',
        'CPU time in a session’s BPF programs as the kernel measured it, while BPF statistics were on (bpfscope_bpf_stats_enabled)',
        (s) => (s.bpf === null ? undefined : s.bpf.runTimeNs / 1e9),
      ),
      perSession('bpfscope_session_bpf_runs_total', 'Runs of a session’s BPF programs the kernel counted while BPF statistics were on', (s) =>
        s.bpf === null ? undefined : s.bpf.runCount,
      ),
    ];
    for (const { read, ...config } of counters) {
      new Counter({
        ...config,
        collect() {
          this.reset();
          for (const session of source.sessions()) {
            const value = read(session);
            if (value !== undefined) this.inc({ tool: session.tool, attachment: session.attachmentId }, value);
          }
        },
      });
    }
    new Gauge({
      name: 'bpfscope_session_viewers',
      help: 'Viewers sharing a session now (the flight recorder’s sessions may have none)',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const session of source.sessions()) this.set({ tool: session.tool, attachment: session.attachmentId }, session.viewers);
      },
    });
    new Gauge({
      name: 'bpfscope_session_start_time_seconds',
      help: 'When a session attached, seconds since the epoch',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const session of source.sessions()) this.set({ tool: session.tool, attachment: session.attachmentId }, seconds(session.startedAt));
      },
    });
  }
}
