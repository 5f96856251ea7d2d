import { HISTOGRAM_SLOTS } from '@bpfscope/bpf-core';
import { describe, expect, it } from 'vitest';
import type { HistogramFrame } from '../sessions/backend.js';
import { OTHER_SERIES, RecordedHistograms, seriesLabelName } from './recordedHistograms.js';

const frame = (time: number, series: HistogramFrame['series'], unit: HistogramFrame['unit'] = 'usecs'): HistogramFrame => ({
  time,
  intervalMs: 1000,
  unit,
  series,
});

describe('the flight recorder’s histograms added up', () => {
  it('add every frame slot by slot, per series, as the kernel counted them', () => {
    const recorded = new RecordedHistograms();
    const disk = { measure: 'block I/O latency', unit: 'usecs' as const, keyName: 'disk' };
    recorded.add('biosnoop', frame(1000, [{ label: 'sda', counts: [0, 2, 5] }]), disk);
    recorded.add(
      'biosnoop',
      frame(2000, [
        { label: 'sda', counts: [1] },
        { label: 'vdb', counts: [0, 0, 0, 7] },
      ]),
      disk,
    );
    const [biosnoop] = recorded.histograms();
    expect(biosnoop).toMatchObject({ tool: 'biosnoop', unit: 'usecs', measure: 'block I/O latency', labelName: 'disk', frames: 2, lastFrameTime: 2000 });
    expect(biosnoop?.series.get('sda')?.slice(0, 4)).toEqual([1, 2, 5, 0]);
    expect(biosnoop?.series.get('vdb')?.slice(0, 4)).toEqual([0, 0, 0, 7]);
    expect(biosnoop?.series.get('sda')).toHaveLength(HISTOGRAM_SLOTS);
  });

  it('keep a tool’s single histogram unlabelled, and put series past the limit under “other”', () => {
    const recorded = new RecordedHistograms({ maxSeries: 2 });
    recorded.add('runqlat', frame(1000, [{ label: '', counts: [3] }]), { measure: 'run queue latency', unit: 'usecs' });
    const operation = { measure: 'file system operation latency', unit: 'usecs' as const, keyName: 'operation' };
    recorded.add(
      'fsslower',
      frame(1000, [
        { label: 'R', counts: [1] },
        { label: 'W', counts: [1] },
        { label: 'O', counts: [4] },
        { label: 'F', counts: [5] },
      ]),
      operation,
    );
    const [fsslower, runqlat] = recorded.histograms();
    expect(runqlat?.labelName).toBeUndefined();
    expect([...(runqlat?.series.keys() ?? [])]).toEqual(['']);
    expect([...(fsslower?.series.keys() ?? [])]).toEqual(['R', 'W', OTHER_SERIES]);
    expect(fsslower?.series.get(OTHER_SERIES)?.[0]).toBe(9);
  });

  it('clamp counts past the last slot into it, as the kernel does, and leave out a frame of another unit', () => {
    const recorded = new RecordedHistograms();
    const counts = Array.from({ length: HISTOGRAM_SLOTS + 2 }, () => 1);
    recorded.add('runqlat', frame(1000, [{ label: '', counts }]), undefined);
    recorded.add('runqlat', frame(2000, [{ label: '', counts: [100] }], 'msecs'), undefined);
    const [runqlat] = recorded.histograms();
    expect(runqlat?.series.get('')?.at(-1)).toBe(3);
    expect(runqlat).toMatchObject({ frames: 1, framesSkipped: 1, lastFrameTime: 1000, measure: 'runqlat' });
  });

  it('name the series label after the key where Prometheus takes it, else “series”', () => {
    expect(seriesLabelName(undefined)).toBeUndefined();
    expect(seriesLabelName({ measure: 'x', unit: 'usecs' })).toBeUndefined();
    expect(seriesLabelName({ measure: 'x', unit: 'usecs', keyName: 'disk' })).toBe('disk');
    expect(seriesLabelName({ measure: 'x', unit: 'usecs', keyName: 'disk, flags' })).toBe('series');
    expect(seriesLabelName({ measure: 'x', unit: 'usecs', keyName: 'le' })).toBe('series');
    expect(seriesLabelName({ measure: 'x', unit: 'usecs', keyName: 'instance' })).toBe('series');
  });
});
