import type { HistogramFrame, HostSample, KmsgRecord, PidstatRow } from '@bpfscope/bpf-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bpfFigures, compactSample, HostRecorder, hostRecorderDefaults } from './hostRecorder.js';
import type { HostSampleSource } from './hostRecorder.js';
import type { OverviewBpf, OverviewSample } from './types.js';

const noBpf: OverviewBpf = { runqlatP99Us: null, biolatencyP99Us: null, tcpSessions: null, tcpSessionP99Ms: null };

/** A HostSample with the fields the recorder looks at; the figures themselves are bpf-core's (tested there). */
function hostSample(time: number, extra: Partial<HostSample> = {}): HostSample {
  return {
    time,
    interval: 1,
    readMs: 1,
    uptime: 100,
    cpus: 2,
    loadavg: null,
    queue: null,
    pressure: { cpu: { available: false, reason: 'x' }, memory: { available: false, reason: 'x' }, io: { available: false, reason: 'x' } },
    vmstat: null,
    mpstat: null,
    iostat: null,
    sarDev: null,
    sarEdev: null,
    sarTcp: null,
    sarEtcp: null,
    tcpExt: null,
    currEstab: null,
    tasks: null,
    paging: null,
    swapping: null,
    oomKills: 0,
    free: null,
    fileNr: null,
    pidstat: null,
    kernelLog: { available: true, records: [], lost: 0 },
    errors: [],
    ...extra,
  };
}

function pidstatRow(pid: number): PidstatRow {
  return { UID: 0, PID: pid, '%usr': 1, '%system': 0, '%guest': 0, '%wait': 0, '%CPU': 1, CPU: 0, Command: `p${pid}` };
}

function record(seq: number, classified: boolean): KmsgRecord {
  return {
    seq,
    usec: seq,
    level: 3,
    facility: 0,
    message: `${'x'.repeat(2000)}`,
    dict: {},
    event: classified ? { kind: 'segfault', pid: seq, comm: 'a' } : null,
  };
}

class FakeSampler implements HostSampleSource {
  samples = 0;
  closed = false;
  constructor(private readonly now: () => number) {}
  sample(): HostSample {
    this.samples++;
    return hostSample(this.now());
  }
  close(): void {
    this.closed = true;
  }
}

function frame(time: number, counts: number[], unit: HistogramFrame['unit'] = 'usecs'): HistogramFrame {
  return { time, intervalMs: 1000, unit, series: [{ label: '', counts }] };
}

describe('compactSample', () => {
  it('keeps the 10 busiest processes and the newest 20 classified kernel-log records, messages cut', () => {
    const sample = hostSample(1, {
      pidstat: { rows: Array.from({ length: 30 }, (_, i) => pidstatRow(i)), active: 30, processes: 100, read: 100, truncated: false, source: 'procfs' },
      kernelLog: { available: true, lost: 2, records: Array.from({ length: 60 }, (_, i) => record(i, i % 2 === 0)) },
    });
    const kept = compactSample(sample, noBpf);
    expect(kept.pidstat?.rows.map((row) => row.PID)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(kept.pidstat).toMatchObject({ active: 30, processes: 100 });
    expect(kept.kernelLog.records).toHaveLength(hostRecorderDefaults.maxKernelRecords);
    expect(kept.kernelLog.records.every((r) => r.event !== null && r.message.length === hostRecorderDefaults.maxMessageChars)).toBe(true);
    // The newest 20 of the 30 classified.
    expect(kept.kernelLog.records[0]?.seq).toBe(20);
    expect(kept.kernelLog.lost).toBe(2);
    expect(kept.bpf).toBe(noBpf);
  });
});

describe('bpfFigures', () => {
  it('takes the p99 of every series added up, in µs, and counts tcplife sessions', () => {
    const figures = bpfFigures({
      runqlat: frame(0, [0, 90, 0, 0, 0, 0, 0, 0, 0, 0, 10]),
      biolatency: {
        ...frame(0, [0, 0, 0, 100], 'msecs'),
        series: [
          { label: 'a', counts: [0, 0, 0, 50] },
          { label: 'b', counts: [0, 0, 0, 50] },
        ],
      },
      tcplife: frame(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]),
    });
    expect(figures.runqlatP99Us).toBe(1945.6);
    // 8..15 ms: p99 is near the top of the slot.
    expect(figures.biolatencyP99Us).toBeCloseTo(15_920, 0);
    expect(figures.tcpSessions).toBe(4);
    expect(figures.tcpSessionP99Ms).toBeCloseTo(2.038, 3);
  });

  it('is null for a tool without a frame, and no sessions for a tcplife frame without any', () => {
    expect(bpfFigures({})).toEqual(noBpf);
    expect(bpfFigures({ tcplife: { ...frame(0, []), series: [] } })).toEqual({ ...noBpf, tcpSessions: 0 });
  });
});

describe('HostRecorder', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps the last 3600 samples, oldest first, and slices by sinceMs and untilMs', () => {
    const recorder = new HostRecorder({ sampler: new FakeSampler(Date.now) });
    expect(recorder.capacity).toBe(3600);
    for (let second = 0; second < 3700; second++) recorder.push(compactSample(hostSample(second * 1000), noBpf));
    expect(recorder.size).toBe(3600);
    const samples = recorder.samples();
    expect(samples).toHaveLength(3600);
    expect(samples[0]?.time).toBe(100_000);
    expect(samples.at(-1)?.time).toBe(3_699_000);
    expect(recorder.samples(3_690_000).map((s) => s.time)).toEqual(Array.from({ length: 10 }, (_, i) => 3_690_000 + i * 1000));
    expect(recorder.samples(10_000_000)).toEqual([]);
    // What a page asks for after the minutes it shows first: the rest, up to (not including) its oldest.
    expect(recorder.samples(undefined, 102_000).map((s) => s.time)).toEqual([100_000, 101_000]);
    expect(recorder.samples(3_000_000, 3_002_000).map((s) => s.time)).toEqual([3_000_000, 3_001_000]);
    expect(recorder.latest(3).map((s) => s.time)).toEqual([3_697_000, 3_698_000, 3_699_000]);
  });

  it('gives the p99s the fleet draws as the samples hold them, nulls included, without unpacking', () => {
    const recorder = new HostRecorder({ sampler: new FakeSampler(Date.now), capacity: 300 });
    for (let second = 0; second < 400; second++) {
      const bpf = { ...noBpf, runqlatP99Us: second % 3 === 0 ? null : second * 1.5, biolatencyP99Us: second % 5 === 0 ? null : 2000 + second };
      recorder.push(compactSample(hostSample(second * 1000), bpf));
    }
    const fromSamples = recorder
      .sampleFields(['time', 'bpf'], 150_000)
      .map(({ time, bpf }) => ({ time, bpf: { runqlatP99Us: bpf.runqlatP99Us, biolatencyP99Us: bpf.biolatencyP99Us } }));
    expect(fromSamples).toHaveLength(250);
    expect(recorder.latencyP99s(150_000)).toEqual(fromSamples);
    expect(recorder.latencyP99s(undefined, 102_000).map((sample) => sample.time)).toEqual([100_000, 101_000]);
  });

  it('gives back each sample as kept: the newest minute the objects pushed, the older ones packed and unpacked equal', () => {
    const recorder = new HostRecorder({ sampler: new FakeSampler(Date.now), capacity: 200 });
    const pushed: OverviewSample[] = [];
    for (let second = 0; second < 300; second++) {
      const sample = compactSample(
        hostSample(second * 1000, {
          interval: second === 0 ? null : 1.0004,
          loadavg: { load1: second / 100, load5: 0.5, load15: 0.25, running: 2, threads: 300 + second, lastPid: 4_000_000 + second },
          pidstat: {
            rows: [pidstatRow(second), { ...pidstatRow(1), Command: 'kworker/u8:0-ümlaut', '%CPU': 12.34 }],
            active: 2,
            processes: 90,
            read: 90,
            truncated: false,
            source: 'procfs',
          },
          kernelLog: {
            available: true,
            lost: 0,
            records:
              second % 50 === 0
                ? [
                    {
                      seq: second,
                      usec: second * 1e6,
                      level: 3,
                      facility: 0,
                      message: 'I/O error, dev sda',
                      dict: { SUBSYSTEM: 'block', DEVICE: 'b8:0' },
                      event: { kind: 'io-error', status: 'I/O error', dev: 'sda', sector: 2048 },
                    },
                  ]
                : [],
          },
          errors: second % 7 === 0 ? [{ source: '/proc/pressure/io', message: 'no such file' }] : [],
        }),
        { ...noBpf, runqlatP99Us: second % 3 === 0 ? null : second * 1.5 },
      );
      pushed.push(sample);
      recorder.push(sample);
    }
    const kept = recorder.samples();
    expect(kept).toHaveLength(200);
    expect(kept).toStrictEqual(pushed.slice(100));
    // The USE table's minute: the same objects on every call, so what is computed of them is computed once.
    expect(recorder.latest(hostRecorderDefaults.recentSamples).every((sample, index) => sample === pushed[240 + index])).toBe(true);
    expect(recorder.latest(1)[0]).toBe(recorder.latest(1)[0]);
    expect(recorder.latest(61)[0]).not.toBe(pushed[239]);
    expect(recorder.latest(61)[0]).toStrictEqual(pushed[239]);
    const fields = recorder.sampleFields(['time', 'bpf'], 150_000, 160_000);
    expect(fields).toStrictEqual(pushed.slice(150, 160).map(({ time, bpf }) => ({ time, bpf })));
    // The newest minute's too: only the fields asked for, not the object pushed.
    expect(recorder.sampleFields(['bpf', 'time'], 298_000)).toStrictEqual(pushed.slice(298).map(({ time, bpf }) => ({ time, bpf })));
  });

  it('samples on every wall-clock second and pairs each sample with the frames of that second', () => {
    vi.useFakeTimers({ now: 1_700_000_000_400 });
    const sampler = new FakeSampler(Date.now);
    const recorder = new HostRecorder({ sampler, recordedTools: () => ['runqlat'] });
    const published: OverviewSample[] = [];
    recorder.subscribe((sample) => published.push(sample));
    recorder.start();
    // The first reading at start has nothing to compare with: it is not kept.
    expect(sampler.samples).toBe(1);
    vi.advanceTimersByTime(600);
    expect(sampler.samples).toBe(2);
    // Waiting for runqlat's frame of 1_700_000_001_000, which comes a few ms after.
    expect(published).toHaveLength(0);
    recorder.addFrame('runqlat', frame(1_700_000_001_000, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100]));
    expect(published).toHaveLength(1);
    expect(published[0]?.bpf.runqlatP99Us).toBeCloseTo(2037.76, 2);
    // A second without the frame is kept all the same, after frameWaitMs, with no figure.
    vi.advanceTimersByTime(1000 + hostRecorderDefaults.frameWaitMs);
    expect(published).toHaveLength(2);
    expect(published[1]?.bpf.runqlatP99Us).toBeNull();
    expect(recorder.samples().map((s) => s.time)).toEqual([1_700_000_001_000, 1_700_000_002_000]);
    recorder.stop();
    vi.advanceTimersByTime(5000);
    expect(sampler.samples).toBe(3);
    expect(sampler.closed).toBe(true);
  });

  it('needs no frame when no BPF tool is recorded, and ignores frames of other tools', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const recorder = new HostRecorder({ sampler: new FakeSampler(Date.now) });
    recorder.start();
    recorder.addFrame('execsnoop', frame(1_700_000_001_000, [1]));
    vi.advanceTimersByTime(1000);
    expect(recorder.samples().map((s) => s.bpf)).toEqual([noBpf]);
    recorder.stop();
  });
});
