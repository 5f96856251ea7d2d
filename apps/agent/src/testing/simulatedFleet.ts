// A fleet of simulated agents as a Prometheus scraping them would hold it, for the fleet view's tests and benches:
// each host's series are the agent's own registry (AgentMetrics) rendered over a synthetic MetricsSource at every
// step, with the job and instance labels a scrape adds and `up`, written as OpenMetrics with timestamps and loaded
// with promtool's backfill. A renamed metric or label in the agent so changes the simulation too (and a family the
// simulation is asked for that the registry no longer renders fails it) instead of leaving the fleet's rows empty.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getTool, histogramDescriptionOf, HISTOGRAM_SLOTS, parseToolParams, percentileFromLog2 } from '@bpfscope/bpf-core';
import type { HistogramDescription } from '@bpfscope/bpf-core';
import { AgentMetrics, histogramMetricName } from '../metrics/agentMetrics.js';
import type { MetricsSource } from '../metrics/agentMetrics.js';
import { RecordedHistograms } from '../metrics/recordedHistograms.js';
import { OVERVIEW_BPF_TOOLS } from '../overview/hostRecorder.js';
import type { OverviewSample, UseCell, UseKind, UseRow, Verdict } from '../overview/types.js';
import type { AttachmentCounters } from '../sessions/sessionTypes.js';
import { promtool } from './prometheus.js';
import { seededRandom } from './seededRandom.js';

export type HostProfile = 'saturated' | 'warning' | 'ok';

export interface SimulatedHost {
  index: number;
  /** bpfscope_agent_info's hostname: sim-001… */
  hostname: string;
  /** The scrape's instance label, host:port. */
  instance: string;
  /** saturated: CPU utilization and saturation critical, runqlat p99 in 32–64 ms; warning: both warning, 4–8 ms; ok. */
  profile: HostProfile;
}

/** One host's block I/O burst: `perSecond` more requests in log2 slot `slot` (µs) from `from` to `to`. */
export interface IoBurst {
  instance: string;
  hostname: string;
  /** Epoch seconds, the first and last second of the burst. */
  from: number;
  to: number;
  slot: number;
  perSecond: number;
  /** The slot's bucket in seconds, as Prometheus has it: (lower, upper], upper being its `le`. */
  bucket: [number, number];
}

export interface SimulatedFleetOptions {
  hosts: number;
  /** Epoch seconds of the last sample (rounded down to a step); later than now keeps instant queries at now answered. */
  end: number;
  /** Seconds of samples up to `end`, e.g. 2 h. */
  spanSeconds: number;
  /** Seconds between samples: the scrape interval. */
  stepSeconds: number;
  /** The scrape job; default bpfscope (apps/agent/deploy/prometheus/prometheus.yml). */
  job?: string;
  /** The agents' port in the instance label; default 7070. */
  port?: number;
}

export interface SimulatedFleet {
  job: string;
  /** Epoch seconds of the first and last samples, and the step between them. */
  start: number;
  end: number;
  step: number;
  hosts: SimulatedHost[];
  burst: IoBurst;
}

/**
 * The metric families written by default: what the fleet view reads of each host, and the histograms its
 * histogram_quantile() panels would. The session and recorder families are left out for the volume (the rest of a
 * real agent's families, at 200 hosts × 2 h × 15 s, are ~10 M samples more).
 */
export const FLEET_FAMILIES: readonly string[] = [
  'bpfscope_agent_info',
  'bpfscope_use_verdict',
  'bpfscope_p99_seconds',
  'bpfscope_overview_sample_timestamp_seconds',
  ...OVERVIEW_BPF_TOOLS.map(histogramMetricName),
];

/** Events a second per profile and tool, and the log2 slot (µs) they centre on; the p99 is two slots up. */
const LOAD: Record<HostProfile, Record<(typeof OVERVIEW_BPF_TOOLS)[number], { perSecond: number; slot: number }>> = {
  ok: { runqlat: { perSecond: 2000, slot: 5 }, biolatency: { perSecond: 100, slot: 8 }, tcplife: { perSecond: 5, slot: 16 } },
  warning: { runqlat: { perSecond: 4000, slot: 10 }, biolatency: { perSecond: 100, slot: 8 }, tcplife: { perSecond: 5, slot: 16 } },
  saturated: { runqlat: { perSecond: 8000, slot: 13 }, biolatency: { perSecond: 100, slot: 8 }, tcplife: { perSecond: 5, slot: 16 } },
};
/** The share of a second's events in the slots around the centre, −2…+2. */
const SPREAD = [0.1, 0.2, 0.4, 0.2, 0.1];
const BURST = { slot: 15, perSecond: 5000, seconds: 180 } as const;

function profileOf(index: number): HostProfile {
  if (index % 40 === 7) return 'saturated';
  if (index % 10 === 3) return 'warning';
  return 'ok';
}

/** Who the hosts are, their profiles and the burst: the plan the series follow, and what a test checks against. */
export function planFleet(options: SimulatedFleetOptions): SimulatedFleet {
  if (!(Number.isInteger(options.hosts) && options.hosts >= 1 && options.hosts <= 10_000)) throw new RangeError(`hosts: 1…10000, got ${options.hosts}`);
  if (!(Number.isInteger(options.stepSeconds) && options.stepSeconds >= 1)) throw new RangeError(`stepSeconds: a whole number ≥ 1, got ${options.stepSeconds}`);
  if (!(options.spanSeconds >= options.stepSeconds * 8)) throw new RangeError(`spanSeconds: at least 8 steps, got ${options.spanSeconds}`);
  const step = options.stepSeconds;
  const end = Math.floor(options.end / step) * step;
  const start = end - Math.floor(options.spanSeconds / step) * step;
  const port = options.port ?? 7070;
  const hosts = Array.from({ length: options.hosts }, (_, index): SimulatedHost => {
    const hostname = `sim-${String(index + 1).padStart(3, '0')}`;
    return { index, hostname, instance: `${hostname}:${port}`, profile: profileOf(index) };
  });
  // An ok host in the middle of the list; the burst in the middle of the span, whole steps of it.
  const burstHost = hosts.slice(Math.floor(hosts.length / 2)).find((host) => host.profile === 'ok') ?? (hosts[0] as SimulatedHost);
  const from = start + Math.floor((end - start) / 2 / step) * step + 1;
  const burst: IoBurst = {
    instance: burstHost.instance,
    hostname: burstHost.hostname,
    from,
    to: from + BURST.seconds - 1,
    slot: BURST.slot,
    perSecond: BURST.perSecond,
    bucket: [2 ** BURST.slot / 1e6, 2 ** (BURST.slot + 1) / 1e6],
  };
  return { job: options.job ?? 'bpfscope', start, end, step, hosts, burst };
}

function cell(verdict: Verdict, unit: string): UseCell {
  return { value: null, unit, text: '—', verdict, threshold: 'simulated', drill: null };
}

function row(resource: string, kind: UseKind, verdicts: [Verdict, Verdict, Verdict], unit = '%'): UseRow {
  return { resource, kind, utilization: cell(verdicts[0], unit), saturation: cell(verdicts[1], unit), errors: cell(verdicts[2], 'per s') };
}

/** The USE table of a host's second, as the overview would judge it. */
function useRows(profile: HostProfile, diskBusy: boolean): UseRow[] {
  const cpu: Verdict = profile === 'saturated' ? 'critical' : profile === 'warning' ? 'warning' : 'ok';
  return [
    row('CPUs', 'cpu', [cpu, cpu, 'ok']),
    row('Memory', 'memory', ['ok', 'ok', 'ok']),
    row('Disk vda', 'disk', [diskBusy ? 'warning' : 'ok', diskBusy ? 'critical' : 'ok', 'ok']),
    row('Network eth0', 'network', ['ok', 'ok', 'ok']),
    row('TCP', 'tcp', ['ok', 'ok', 'ok']),
    row('File descriptors', 'fd', ['ok', 'unknown', 'unknown']),
  ];
}

/** One simulated agent: the flight recorder's histograms and the overview's newest second, advanced a second at a time. */
class SimulatedAgent implements MetricsSource {
  readonly version = 'simulated';
  readonly startedAt: number;
  readonly #host: SimulatedHost;
  readonly #burst: IoBurst | undefined;
  readonly #random: () => number;
  readonly #recorded = new RecordedHistograms();
  readonly #descriptions: Map<string, HistogramDescription>;
  readonly #sessions: AttachmentCounters[];
  #sample: OverviewSample | undefined;
  #use: UseRow[];

  constructor(host: SimulatedHost, burst: IoBurst | undefined, startedAt: number, descriptions: Map<string, HistogramDescription>) {
    this.#host = host;
    this.#burst = burst;
    this.startedAt = startedAt;
    this.#random = seededRandom(host.index + 1);
    this.#descriptions = descriptions;
    this.#use = useRows(host.profile, false);
    this.#sessions = OVERVIEW_BPF_TOOLS.map((tool, index) => ({
      attachmentId: `${host.index.toString(16)}${index}`,
      tool,
      recording: true,
      startedAt,
      viewers: 0,
      events: 0,
      kernelDrops: 0,
      viewerDrops: 0,
      bpf: null,
    }));
  }

  identity() {
    return { hostname: this.#host.hostname, kernel: '6.1.0-simulated' };
  }
  recorder() {
    return OVERVIEW_BPF_TOOLS.map((tool) => ({ tool, recording: true, attachMethod: 'tracepoint' }));
  }
  histograms() {
    return this.#recorded.histograms();
  }
  sessions() {
    return this.#sessions;
  }
  bpfStatsOn() {
    return false;
  }
  newestSample() {
    return this.#sample;
  }
  use() {
    return this.#use;
  }
  kernelEvents() {
    return [];
  }

  /** The second ending at `second` (epoch s): one frame per recorded tool, and the overview's sample of it. */
  advance(second: number): void {
    const bursting = this.#burst !== undefined && second >= this.#burst.from && second <= this.#burst.to;
    const p99 = new Map<string, number | undefined>();
    OVERVIEW_BPF_TOOLS.forEach((tool, index) => {
      const { perSecond, slot } = LOAD[this.#host.profile][tool];
      const counts = new Array<number>(HISTOGRAM_SLOTS).fill(0);
      SPREAD.forEach((share, offset) => (counts[slot - 2 + offset] = Math.round(perSecond * share * (0.8 + 0.4 * this.#random()))));
      if (tool === 'biolatency' && bursting && this.#burst) counts[this.#burst.slot] = (counts[this.#burst.slot] ?? 0) + this.#burst.perSecond;
      const description = this.#descriptions.get(tool) as HistogramDescription;
      this.#recorded.add(tool, { time: second * 1000, intervalMs: 1000, unit: description.unit, series: [{ label: '', counts }] }, description);
      (this.#sessions[index] as AttachmentCounters).events += counts.reduce((sum, count) => sum + count, 0);
      p99.set(tool, percentileFromLog2(counts, 99));
    });
    const runqlat = p99.get('runqlat');
    const biolatency = p99.get('biolatency');
    const tcplife = p99.get('tcplife');
    // Only what the registry reads of a sample: its time, the sampler's cost, PSI's presence and the recorder's p99s.
    this.#sample = {
      time: second * 1000,
      readMs: 2 + this.#random(),
      pressure: { cpu: { available: true }, memory: { available: true }, io: { available: true } },
      bpf: {
        runqlatP99Us: runqlat ?? null,
        biolatencyP99Us: biolatency ?? null,
        tcpSessions: LOAD[this.#host.profile].tcplife.perSecond,
        tcpSessionP99Ms: tcplife === undefined ? null : tcplife / 1000,
      },
    } as unknown as OverviewSample;
    this.#use = useRows(this.#host.profile, bursting);
  }
}

/** What the recorder's sessions say their histograms measure: each tool with its default params, as --record starts it. */
function recorderDescriptions(): Map<string, HistogramDescription> {
  return new Map(
    OVERVIEW_BPF_TOOLS.map((name) => {
      const tool = getTool(name);
      const description = histogramDescriptionOf(tool, parseToolParams(tool, {}));
      if (!description) throw new Error(`${name} has no histogram to record`);
      return [name, description];
    }),
  );
}

interface Family {
  /** The # HELP / # TYPE lines. */
  meta: string[];
  /** Series (name and labels, job and instance added) → a value per step, NaN where the registry had none. */
  series: Map<string, Float64Array>;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `name{labels}` of a rendered sample with the target's labels added in front, as a scrape adds them. */
function withTargetLabels(series: string, targetLabels: string): string {
  const brace = series.indexOf('{');
  return brace === -1 ? `${series}{${targetLabels}}` : `${series.slice(0, brace + 1)}${targetLabels},${series.slice(brace + 1)}`;
}

export interface FleetWriteResult {
  series: number;
  samples: number;
}

/**
 * Writes the fleet's series as OpenMetrics with timestamps (seconds), each series' samples together and in time order,
 * `up` first, then `families` of the agent's registry (by the names it registers them under) in that order, and
 * `# EOF`. Throws when the registry has no such family or renders no series of it.
 */
export async function writeFleetOpenMetrics(
  fleet: SimulatedFleet,
  write: (text: string) => void,
  families: readonly string[] = FLEET_FAMILIES,
): Promise<FleetWriteResult> {
  const steps = (fleet.end - fleet.start) / fleet.step + 1;
  const byName = new Map<string, Family>(families.map((name) => [name, { meta: [], series: new Map() }]));
  const descriptions = recorderDescriptions();
  for (const host of fleet.hosts) {
    // Its agent started a day before the span, its counters counting since.
    const agent = new SimulatedAgent(host, fleet.burst.instance === host.instance ? fleet.burst : undefined, (fleet.start - 86_400) * 1000, descriptions);
    const metrics = new AgentMetrics(agent, 'openmetrics');
    const targetLabels = `job="${escapeLabel(fleet.job)}",instance="${escapeLabel(host.instance)}"`;
    const ownSeries = new Map<string, Float64Array>();
    // The minute before the first sample, so rate() windows at the start have counts to compare.
    for (let second = fleet.start - 59; second < fleet.start; second++) agent.advance(second);
    // A whole scrape once, as /metrics does it: it adds the histograms of the recorded tools to the registry.
    await metrics.render();
    for (let index = 0; index < steps; index++) {
      const time = fleet.start + index * fleet.step;
      for (let second = time - fleet.step + 1; second <= time; second++) if (index > 0 || second === time) agent.advance(second);
      for (const [name, family] of byName) {
        // One family at a time, each rendered as a scrape renders it: the registry's own text of the metric.
        if (!metrics.registry.getSingleMetric(name)) throw new Error(`the agent's registry has no metric ${name}`);
        for (const line of (await metrics.registry.getSingleMetricAsString(name)).split('\n')) {
          if (line.startsWith('#')) {
            if (family.series.size === 0 && !family.meta.includes(line)) family.meta.push(line);
            continue;
          }
          if (line === '') continue;
          const space = line.lastIndexOf(' ');
          const key = line.slice(0, space);
          let values = ownSeries.get(key);
          if (!values) {
            values = new Float64Array(steps).fill(Number.NaN);
            ownSeries.set(key, values);
            family.series.set(withTargetLabels(key, targetLabels), values);
          }
          values[index] = Number(line.slice(space + 1));
        }
      }
    }
  }
  const missing = families.filter((name) => byName.get(name)?.series.size === 0);
  if (missing.length > 0) throw new Error(`the agent's registry rendered no series of ${missing.join(', ')}`);

  let buffered = '';
  const out = (text: string) => {
    buffered += text;
    if (buffered.length >= 1 << 20) {
      write(buffered);
      buffered = '';
    }
  };
  let series = 0;
  let samples = 0;
  out('# HELP up Whether the scrape of the target succeeded (1), as Prometheus records it\n# TYPE up gauge\n');
  for (const host of fleet.hosts) {
    const labels = `up{job="${escapeLabel(fleet.job)}",instance="${escapeLabel(host.instance)}"}`;
    for (let index = 0; index < steps; index++) out(`${labels} 1 ${fleet.start + index * fleet.step}\n`);
    series += 1;
    samples += steps;
  }
  for (const name of families) {
    const family = byName.get(name) as Family;
    out(`${family.meta.join('\n')}\n`);
    for (const [labels, values] of family.series) {
      series += 1;
      values.forEach((value, index) => {
        if (Number.isNaN(value)) return;
        out(`${labels} ${value} ${fleet.start + index * fleet.step}\n`);
        samples += 1;
      });
    }
  }
  out('# EOF\n');
  write(buffered);
  return { series, samples };
}

export interface BackfilledFleet extends SimulatedFleet, FleetWriteResult {
  /** The TSDB directory for PrometheusServer.start({ dataDir }). */
  dataDir: string;
  /** Removes the directory it was made in. */
  remove(): void;
}

/**
 * Plans the fleet, writes its series and loads them with `promtool tsdb create-blocks-from openmetrics` into a new
 * TSDB directory of its own (in `parent`, default the temp dir). Start Prometheus on it with a retention longer
 * than the span back from the newest sample (its default of 1 h in PrometheusServer would drop older blocks).
 */
export async function backfillFleet(options: SimulatedFleetOptions & { families?: readonly string[]; parent?: string }): Promise<BackfilledFleet> {
  const fleet = planFleet(options);
  const dir = mkdtempSync(path.join(options.parent ?? tmpdir(), 'bpfscope-fleet-'));
  try {
    const input = path.join(dir, 'fleet.om.txt');
    const fd = openSync(input, 'w', 0o600);
    let written: FleetWriteResult;
    try {
      written = await writeFleetOpenMetrics(fleet, (text) => writeSync(fd, text), options.families);
    } finally {
      closeSync(fd);
    }
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir);
    const result = await promtool(['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir], undefined, 600_000);
    if (result.code !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics: exit ${result.code}: ${result.stderr.slice(-2000)}`);
    rmSync(input);
    return { ...fleet, ...written, dataDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
