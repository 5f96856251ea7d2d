// The simulated fleet's OpenMetrics: the agent's metric names and labels with the scrape's, each series whole and in
// time order, the profiles and the burst where the plan says; and promtool's backfill takes it.
import { readdirSync } from 'node:fs';
import { HISTOGRAM_SLOTS } from '@bpfscope/bpf-core';
import { describe, expect, it } from 'vitest';
import { histogramMetricName } from '../metrics/agentMetrics.js';
import { backfillFleet, FLEET_FAMILIES, planFleet, writeFleetOpenMetrics } from './simulatedFleet.js';
import type { SimulatedFleet } from './simulatedFleet.js';

const END = 1_765_000_000;

interface Line {
  name: string;
  labels: Record<string, string>;
  value: number;
  time: number;
}

function parse(text: string): { families: string[]; lines: Line[] } {
  const families: string[] = [];
  const lines: Line[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    const type = /^# TYPE (\S+) \S+$/.exec(line);
    if (type) families.push(type[1] as string);
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+) (\d+)$/.exec(line);
    if (!sample) throw new Error(`not a timestamped sample: ${line}`);
    const labels = Object.fromEntries([...(sample[2] as string).matchAll(/([a-zA-Z_]\w*)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    lines.push({ name: sample[1] as string, labels, value: Number(sample[3]), time: Number(sample[4]) });
  }
  return { families, lines };
}

async function render(fleet: SimulatedFleet, families?: readonly string[]) {
  let text = '';
  const result = await writeFleetOpenMetrics(fleet, (chunk) => (text += chunk), families);
  return { text, result, ...parse(text) };
}

const seriesKey = (line: Line) => `${line.name}${JSON.stringify(Object.entries(line.labels).sort())}`;

describe('planFleet', () => {
  it('has a few saturated hosts, some warning, most ok, and one ok host’s burst in the middle of the span', () => {
    const fleet = planFleet({ hosts: 200, end: END + 7, spanSeconds: 7200, stepSeconds: 15 });
    expect(fleet.end).toBe(Math.floor((END + 7) / 15) * 15);
    expect(fleet.end - fleet.start).toBe(7200);
    const count = (profile: string) => fleet.hosts.filter((host) => host.profile === profile).length;
    expect([count('saturated'), count('warning'), count('ok')]).toEqual([5, 20, 175]);
    expect(new Set(fleet.hosts.map((host) => host.instance)).size).toBe(200);
    expect(fleet.hosts.find((host) => host.instance === fleet.burst.instance)?.profile).toBe('ok');
    expect(fleet.burst.from).toBeGreaterThan(fleet.start + 3000);
    expect(fleet.burst.to).toBeLessThan(fleet.end - 3000);
    expect(fleet.burst.bucket).toEqual([0.032768, 0.065536]);
  });

  it('refuses what it cannot plan', () => {
    expect(() => planFleet({ hosts: 0, end: END, spanSeconds: 600, stepSeconds: 15 })).toThrow(RangeError);
    expect(() => planFleet({ hosts: 3, end: END, spanSeconds: 60, stepSeconds: 15 })).toThrow(RangeError);
  });
});

describe('writeFleetOpenMetrics', () => {
  const fleet = planFleet({ hosts: 12, end: END, spanSeconds: 900, stepSeconds: 15 });
  const steps = 900 / 15 + 1;

  it('writes each family once, each series whole and in time order, ending in # EOF', async () => {
    const { text, lines, families, result } = await render(fleet);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(families).toEqual(['up', ...FLEET_FAMILIES]);
    // Each series' lines are together: a key seen again after another series' is a split series.
    const seen = new Set<string>();
    let previous: Line | undefined;
    for (const line of lines) {
      const key = seriesKey(line);
      if (previous && seriesKey(previous) === key) expect(line.time).toBe(previous.time + 15);
      else {
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        expect(line.time).toBe(fleet.start);
      }
      previous = line;
    }
    expect(result).toEqual({ series: seen.size, samples: lines.length });
    expect(lines.length).toBe(seen.size * steps);
  });

  it('has the agent’s metric names and labels with the job and instance of the scrape', async () => {
    const { lines } = await render(fleet);
    expect(lines.every((line) => line.labels.job === 'bpfscope' && fleet.hosts.some((host) => host.instance === line.labels.instance))).toBe(true);
    const at = (name: string, labels: Record<string, string> = {}) =>
      lines.filter((line) => line.name === name && line.time === fleet.end && Object.entries(labels).every(([key, value]) => line.labels[key] === value));
    expect(at('up')).toHaveLength(12);
    expect(at('bpfscope_agent_info').map((line) => [line.labels.instance, line.labels.hostname, line.labels.version])).toEqual(
      fleet.hosts.map((host) => [host.instance, host.hostname, 'simulated']),
    );
    // The recorder records biolatency with its default params: one histogram, no disk label.
    const buckets = at('bpfscope_biolatency_seconds_bucket', { instance: fleet.hosts[0]?.instance as string });
    expect(buckets.map((line) => line.labels.le)).toEqual([...Array.from({ length: HISTOGRAM_SLOTS - 1 }, (_, slot) => String(2 ** (slot + 1) / 1e6)), '+Inf']);
    expect(buckets.every((line) => line.labels.disk === undefined)).toBe(true);
    for (const tool of ['runqlat', 'biolatency', 'tcplife']) expect(at(`${histogramMetricName(tool)}_count`)).toHaveLength(12);
    const saturated = fleet.hosts.filter((host) => host.profile === 'saturated');
    expect(saturated.length).toBeGreaterThan(0);
    for (const host of fleet.hosts) {
      const verdict = at('bpfscope_use_verdict', { instance: host.instance, kind: 'cpu', column: 'saturation' });
      expect({ host: host.hostname, verdict: verdict.map((line) => line.value) }).toEqual({
        host: host.hostname,
        verdict: [host.profile === 'saturated' ? 2 : host.profile === 'warning' ? 1 : 0],
      });
      const [p99] = at('bpfscope_p99_seconds', { instance: host.instance, tool: 'runqlat' });
      // Two slots up from the profile's centre: 128–256 µs, 4–8 ms, 32–64 ms.
      const [low, high] = host.profile === 'saturated' ? [0.032768, 0.065536] : host.profile === 'warning' ? [0.004096, 0.008192] : [0.000128, 0.000256];
      expect(p99?.value).toBeGreaterThan(low as number);
      expect(p99?.value).toBeLessThanOrEqual(high as number);
    }
  });

  it('counts the burst’s requests in its host’s bucket over the burst, and nowhere else', async () => {
    const { lines } = await render(fleet);
    const [lower, upper] = fleet.burst.bucket;
    /** Requests in the burst's slot by instance between two sample times. */
    const inSlot = (from: number, to: number) => {
      const value = (instance: string, le: number, time: number) =>
        lines.find(
          (line) =>
            line.name === 'bpfscope_biolatency_seconds_bucket' && line.labels.instance === instance && line.labels.le === String(le) && line.time === time,
        )?.value ?? Number.NaN;
      return new Map(
        fleet.hosts.map((host) => [
          host.hostname,
          value(host.instance, upper, to) - value(host.instance, lower, to) - (value(host.instance, upper, from) - value(host.instance, lower, from)),
        ]),
      );
    };
    const burstSteps = Math.ceil((fleet.burst.to - fleet.burst.from + 1) / 15);
    const over = inSlot(fleet.burst.from - 1, fleet.burst.from - 1 + burstSteps * 15);
    expect(over.get(fleet.burst.hostname)).toBe(fleet.burst.perSecond * (fleet.burst.to - fleet.burst.from + 1));
    expect([...over].filter(([hostname, count]) => hostname !== fleet.burst.hostname && count !== 0)).toEqual([]);
    expect(inSlot(fleet.start, fleet.burst.from - 1).get(fleet.burst.hostname)).toBe(0);
  });

  it('fails when the registry renders no series of a family asked for, as after a rename', async () => {
    await expect(render(fleet, [...FLEET_FAMILIES, 'bpfscope_runqueue_seconds'])).rejects.toThrow(/registry has no metric bpfscope_runqueue_seconds/);
    // A family the simulated hosts give no series of (no kernel log events) is as empty as a renamed label's.
    await expect(render(fleet, ['bpfscope_kernel_log_events_total'])).rejects.toThrow(/rendered no series of bpfscope_kernel_log_events_total/);
  });
});

describe('backfillFleet', () => {
  it('makes TSDB blocks of the fleet with promtool', async () => {
    const fleet = await backfillFleet({ hosts: 4, end: END, spanSeconds: 3 * 3600, stepSeconds: 60 });
    try {
      expect(fleet.series).toBeGreaterThan(4 * 100);
      // Three hours cross at least one two-hour block boundary: two blocks or more, ULID-named.
      expect(readdirSync(fleet.dataDir).filter((name) => /^[0-9A-Z]{26}$/.test(name)).length).toBeGreaterThanOrEqual(2);
    } finally {
      fleet.remove();
    }
  }, 120_000);
});
