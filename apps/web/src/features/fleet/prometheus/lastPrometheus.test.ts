import { describe, expect, it } from 'vitest';
import { readLastPrometheus, rememberPrometheus } from './lastPrometheus';

function memory(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  } as Storage;
}

describe('the last Prometheus of this browser', () => {
  it('is remembered with its job, and opened again with the default range', () => {
    const storage = memory();
    expect(readLastPrometheus(storage)).toEqual({ job: 'bpfscope', range: { last: '1h' }, heatmap: 'runqlat' });
    rememberPrometheus(storage, { source: { url: 'http://prom:9090' }, job: 'bpfscope-.*', range: { last: '7d' }, heatmap: 'biolatency' });
    expect(readLastPrometheus(storage)).toEqual({ source: { url: 'http://prom:9090' }, job: 'bpfscope-.*', range: { last: '1h' }, heatmap: 'runqlat' });
  });

  it('ignores what is stored when it is not a usable source', () => {
    const storage = memory();
    storage.setItem('bpfscope.fleet.prometheus', JSON.stringify({ source: { url: 'http://user:pw@prom:9090' }, job: 'bpfscope' }));
    expect(readLastPrometheus(storage).source).toBeUndefined();
    storage.setItem('bpfscope.fleet.prometheus', '{not json');
    expect(readLastPrometheus(storage).source).toBeUndefined();
  });
});
