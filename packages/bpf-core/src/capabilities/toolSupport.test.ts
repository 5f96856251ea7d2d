import { describe, expect, it } from 'vitest';
import { featureNames, featureSourceOf } from './capabilities.js';
import type { Capabilities, FeatureName, FeatureSource } from './capabilities.js';
import { execsnoop } from '../tools/execsnoop/execsnoop.js';
import { resolveToolSupport } from './toolSupport.js';
import { tcplife } from '../tools/tcplife/tcplife.js';

function capabilities(unavailable: Partial<Record<FeatureName, string>>): FeatureSource {
  const snapshot: Capabilities = {
    kernelRelease: 'test',
    libbpfVersion: 'test',
    probedAt: '',
    probeMs: 0,
    features: Object.fromEntries(
      featureNames.map((name) => [name, unavailable[name] ? { available: false, reason: unavailable[name] } : { available: true }]),
    ) as Capabilities['features'],
  };
  return featureSourceOf(snapshot);
}

describe('resolveToolSupport (tracepoint presence read from this kernel)', () => {
  it('prefers tp_btf for tcplife and falls back to the tracepoint without it', () => {
    expect(resolveToolSupport(tcplife, capabilities({})).attachMethod).toBe('tp_btf');
    const fallback = resolveToolSupport(tcplife, capabilities({ tpBtf: 'EPERM' }));
    expect(fallback).toMatchObject({ available: true, attachMethod: 'tracepoint' });
    expect(fallback.methods[0]).toEqual({ method: 'tp_btf', available: false, reason: 'tpBtf unavailable (EPERM)' });
  });

  it('says exactly why a tool cannot run', () => {
    const none = resolveToolSupport(execsnoop, capabilities({ ringbuf: 'BPF_MAP_TYPE_RINGBUF not supported: EINVAL' }));
    expect(none.available).toBe(false);
    expect(none.attachMethod).toBeUndefined();
    expect(none.reason).toBe('tracepoint: ringbuf unavailable (BPF_MAP_TYPE_RINGBUF not supported: EINVAL)');
  });
});
