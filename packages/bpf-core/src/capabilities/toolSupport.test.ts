import { describe, expect, it } from 'vitest';
import { featureNames, featureSourceOf } from './capabilities.js';
import type { Capabilities, FeatureName, FeatureSource } from './capabilities.js';
import { execsnoop } from '../tools/execsnoop/execsnoop.js';
import { resolveToolSupport } from './toolSupport.js';
import { tcplife } from '../tools/tcplife/tcplife.js';
import type { Requirement } from '../tools/types.js';

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

  it('takes any one of a set of alternatives (a function renamed between releases), naming them all when none is there', () => {
    const tool = (anyOf: Requirement[]) => ({
      ...execsnoop,
      attachMethods: [{ name: 'tracepoint' as const, programs: [], requires: [{ kind: 'anyOf' as const, anyOf }] }],
    });
    const present = { kind: 'tracepoint', category: 'syscalls', name: 'sys_enter_execve' } as const;
    const absent = { kind: 'kernelFunction', name: 'no_such_function_anywhere' } as const;
    expect(resolveToolSupport(tool([absent, present]), capabilities({})).available).toBe(true);
    expect(resolveToolSupport(tool([absent, { ...absent, name: 'nor_this_one' }]), capabilities({})).reason).toBe(
      'tracepoint: kernel function no_such_function_anywhere not found in BTF, and kernel function nor_this_one not found in BTF',
    );
  });

  it('says exactly why a tool cannot run', () => {
    const none = resolveToolSupport(execsnoop, capabilities({ ringbuf: 'BPF_MAP_TYPE_RINGBUF not supported: EINVAL' }));
    expect(none.available).toBe(false);
    expect(none.attachMethod).toBeUndefined();
    expect(none.reason).toBe('tracepoint: ringbuf unavailable (BPF_MAP_TYPE_RINGBUF not supported: EINVAL)');
  });
});
