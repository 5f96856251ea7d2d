import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PromqlMatrix, PromqlVector } from '../../../api/promql';
import { parsePrometheusAnswer } from '../../../api/promql';
// A real Prometheus 2.42 answer to `sum by (le) (clamp_min(X - X offset 1s, 0))` of X = bpfscope_biolatency_seconds_bucket
// (heatmapQuery's difference) over 16 s, one agent scraped every second, around 200 O_DIRECT 4 KiB writes of dd.
const heatmapAnswer = readFileSync(new URL('./fixtures/heatmapAnswer.json', import.meta.url), 'utf8');
import type { PointGrid } from './promFleet';
import { heatmapFrames, hostShares, promFleetRows, seriesByInstance, slotOfBound, verdictOf } from './promFleet';

const grid: PointGrid = { start: 1000, end: 1036, step: 12 };

function sample(metric: Record<string, string>, value: string, time = grid.end): PromqlVector[number] {
  return { metric, value: [time, value] };
}

const up: PromqlVector = [
  sample({ __name__: 'up', instance: 'db-1:7070', job: 'bpfscope' }, '1'),
  sample({ __name__: 'up', instance: 'db-10:7070', job: 'bpfscope' }, '1'),
  sample({ __name__: 'up', instance: 'db-2:7070', job: 'bpfscope' }, '1'),
  sample({ __name__: 'up', instance: 'web-1:7070', job: 'bpfscope' }, '0'),
];
const info: PromqlVector = [
  sample({ __name__: 'bpfscope_agent_info', instance: 'db-1:7070', job: 'bpfscope', hostname: 'db-1', kernel: '6.1.0', version: '0.1.0' }, '1'),
  sample({ __name__: 'bpfscope_agent_info', instance: 'db-2:7070', job: 'bpfscope', hostname: 'db-2', kernel: '6.1.0', version: '0.1.0' }, '1'),
  sample({ __name__: 'bpfscope_agent_info', instance: 'db-10:7070', job: 'bpfscope', hostname: 'db-10', kernel: '6.1.0', version: '0.1.0' }, '1'),
];
const verdicts: PromqlVector = [
  sample({ instance: 'db-1:7070', kind: 'cpu' }, '0'),
  sample({ instance: 'db-1:7070', kind: 'disk' }, '0'),
  sample({ instance: 'db-2:7070', kind: 'cpu' }, '2'),
  sample({ instance: 'db-2:7070', kind: 'disk' }, '1'),
  sample({ instance: 'db-10:7070', kind: 'cpu' }, '0'),
  sample({ instance: 'db-10:7070', kind: 'fd' }, '-1'),
];
const flagged: PromqlVector = [
  sample({ __name__: 'bpfscope_use_verdict', instance: 'db-2:7070', job: 'bpfscope', kind: 'cpu', column: 'utilization' }, '1'),
  sample({ __name__: 'bpfscope_use_verdict', instance: 'db-2:7070', job: 'bpfscope', kind: 'cpu', column: 'saturation' }, '2'),
  sample({ __name__: 'bpfscope_use_verdict', instance: 'db-2:7070', job: 'bpfscope', kind: 'disk', column: 'saturation', device: 'sda' }, '1'),
];
function series(instance: string, values: Array<[number, string]>): PromqlMatrix[number] {
  return { metric: { instance }, values };
}
const runqlat: PromqlMatrix = [
  series('db-1:7070', [
    [1000, '0.000012'],
    [1012, 'NaN'],
    [1024, '0.000020'],
    [1036, '0.004'],
  ]),
  series('db-10:7070', [[1036, '0.000030']]),
];
const biolatency: PromqlMatrix = [series('db-2:7070', [[1012, '0.0015']])];

describe('the fleet rows from Prometheus', () => {
  it('lists every target of the jobs worst first, as the agents’ fleet orders them, a down host among the unreachable', () => {
    const rows = promFleetRows({ up, info, verdicts, flagged, runqlat, biolatency }, grid);
    expect(rows.map((row) => [row.instance, row.rank])).toEqual([
      ['db-2:7070', 'critical'],
      ['web-1:7070', 'unreachable'],
      // Both ok: the higher runqlat p99 now first, whatever their names.
      ['db-1:7070', 'ok'],
      ['db-10:7070', 'ok'],
    ]);
    expect(rows.every((row) => row.filled)).toBe(true);
    const db2 = rows[0];
    expect(db2).toMatchObject({ hostname: 'db-2', kernel: '6.1.0', version: '0.1.0', up: true, jobs: ['bpfscope'] });
    expect(db2?.kinds).toEqual([
      { kind: 'cpu', verdict: 'critical', flagged: 2, worst: { column: 'saturation' } },
      { kind: 'disk', verdict: 'warning', flagged: 1, worst: { column: 'saturation', device: 'sda' } },
    ]);
    // p99 in µs on the grid's points; NaN (nothing observed) and gaps are null; a host without a series has only nulls.
    expect(rows[2]?.runqlat).toEqual([12, null, 20, 4000]);
    expect(db2?.biolatency).toEqual([null, 1500, null, null]);
    expect(db2?.runqlat).toEqual([null, null, null, null]);
    expect(rows[1]).toMatchObject({ instance: 'web-1:7070', up: false });
    expect(rows[1]?.hostname).toBeUndefined();
  });

  it('fills a row only once its verdicts and both sparklines have arrived, ranking it checking until its verdicts do', () => {
    const hostsOnly = promFleetRows({ up }, grid);
    expect(hostsOnly.map((row) => [row.instance, row.rank, row.filled])).toEqual([
      ['web-1:7070', 'unreachable', false],
      ['db-1:7070', 'checking', false],
      ['db-2:7070', 'checking', false],
      ['db-10:7070', 'checking', false],
    ]);
    expect(promFleetRows({ up, verdicts, flagged, runqlat }, grid).some((row) => row.filled)).toBe(false);
    expect(promFleetRows({ info, verdicts }, grid)).toEqual([]);
    // A host without any verdict series has no verdict, not ok.
    expect(promFleetRows({ up: [sample({ instance: 'x:1', job: 'j' }, '1')], verdicts: [], flagged: [] }, grid)[0]?.rank).toBe('unknown');
  });

  it('reads the verdict values as agentMetrics writes them', () => {
    expect([-1, 0, 1, 2].map(verdictOf)).toEqual(['unknown', 'ok', 'warning', 'critical']);
  });

  it('puts series on the grid by their time, scaled, an instance’s worst of its series at each point', () => {
    expect(seriesByInstance([series('a:1', [[1024, '2']])], grid, 10).get('a:1')).toEqual([null, null, 20, null]);
    const disks: PromqlMatrix = [
      {
        metric: { instance: 'a:1', disk: 'sda' },
        values: [
          [1000, '1'],
          [1012, '5'],
        ],
      },
      {
        metric: { instance: 'a:1', disk: 'sdb' },
        values: [
          [1012, '3'],
          [1024, '4'],
        ],
      },
    ];
    expect(seriesByInstance(disks, grid).get('a:1')).toEqual([1, 5, 4, null]);
  });
});

describe('the fleet heat map from cumulative buckets', () => {
  it('reads a bound as the log2 slot it closes, whatever the float formatting, and refuses other bounds', () => {
    expect(slotOfBound('0.000002', 32)).toBe(0);
    expect(slotOfBound('2e-06', 32)).toBe(0);
    expect(slotOfBound('0.001024', 32)).toBe(9);
    expect(slotOfBound('2147.483648', 32)).toBe(30);
    expect(slotOfBound('+Inf', 32)).toBe(31);
    expect(slotOfBound('0.005', 32)).toBeUndefined();
    expect(slotOfBound('1', 32)).toBeUndefined();
  });

  it('makes per-slot counts of the cumulative le counts, a frame per point', () => {
    const matrix: PromqlMatrix = [
      { metric: { le: '0.000002' }, values: [[1012, '0']] },
      {
        metric: { le: '0.000004' },
        values: [
          [1012, '3'],
          [1024, '1'],
        ],
      },
      {
        metric: { le: '0.000008' },
        values: [
          [1012, '10'],
          [1024, '1'],
        ],
      },
      {
        metric: { le: '+Inf' },
        values: [
          [1012, '12'],
          [1024, '1'],
        ],
      },
      // Another exporter's histogram in the jobs.
      { metric: { le: '0.5' }, values: [[1012, '99']] },
    ];
    const { frames, bounds, foreign } = heatmapFrames(matrix, grid);
    expect(frames).toEqual([
      { time: 1_012_000, intervalMs: 12_000, counts: [0, 3, 7, ...new Array(28).fill(0), 2] },
      { time: 1_024_000, intervalMs: 12_000, counts: [0, 1] },
    ]);
    expect(bounds.slice(0, 3)).toEqual(['0.000002', '0.000004', '0.000008']);
    expect(bounds[31]).toBe('+Inf');
    expect(foreign).toBe(1);
  });
});

describe('the fleet heat map of a real Prometheus answer', () => {
  const answer = parsePrometheusAnswer(heatmapAnswer, 200, 'fixture');
  const matrix = answer.resultType === 'matrix' ? answer.result : [];
  const fixtureGrid = { start: 1_796_587_413, end: 1_796_587_428, step: 1 };
  const { frames, bounds, foreign } = heatmapFrames(matrix, fixtureGrid);

  it('adds up, frame by frame, to what +Inf counted: every I/O in exactly one slot', () => {
    expect(foreign).toBe(0);
    expect(bounds.every((bound) => bound !== undefined)).toBe(true);
    const inf = matrix.find((series) => series.metric.le === '+Inf');
    for (const [time, text] of inf?.values ?? []) {
      const frame = frames.find((candidate) => candidate.time === time * 1000);
      expect(frame?.counts.reduce((sum, count) => sum + count, 0)).toBe(Number(text));
    }
    expect(frames.reduce((sum, frame) => sum + frame.counts.reduce((a, b) => a + b, 0), 0)).toBe(669);
  });

  it('puts the burst where its latencies were: 4 KiB direct writes of 32 µs to 256 µs', () => {
    const burst = frames.find((frame) => frame.time === 1_796_587_424_000);
    // Slot k holds [2^k, 2^(k+1)) µs: slot 5 is 32–64 µs, slot 6 64–128 µs.
    expect(burst?.counts).toEqual([0, 0, 0, 0, 0, 152, 49, 2]);
    expect(burst?.intervalMs).toBe(1000);
  });
});

describe('a heat-map cell’s hosts', () => {
  it('counts each host’s part of a cell from its two bounds, most first, hosts with none left out', () => {
    const vector: PromqlVector = [
      sample({ instance: 'a:1', le: '0.000256' }, '10'),
      sample({ instance: 'a:1', le: '0.000512' }, '110'),
      sample({ instance: 'b:1', le: '0.000256' }, '5'),
      sample({ instance: 'b:1', le: '0.000512' }, '30'),
      sample({ instance: 'c:1', le: '0.000256' }, '4'),
      sample({ instance: 'c:1', le: '0.000512' }, '4'),
    ];
    expect(hostShares(vector, '0.000512', '0.000256')).toEqual([
      { instance: 'a:1', count: 100, share: 0.8 },
      { instance: 'b:1', count: 25, share: 0.2 },
    ]);
    expect(hostShares(vector, '0.000512').map(({ instance, count }) => [instance, count])).toEqual([
      ['a:1', 110],
      ['b:1', 30],
      ['c:1', 4],
    ]);
  });
});
