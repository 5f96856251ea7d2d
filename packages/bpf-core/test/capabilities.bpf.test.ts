import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KernelFeatures, resolveToolSupport, toolRegistry } from '../src/index.js';
import { eventually, kernelProgramIds, requireBpf } from '../src/testing/kernel.js';

describe('capability probe on the running kernel', () => {
  beforeAll(() => requireBpf());

  it('answers every feature, with a reason for each that is missing, and leaves nothing loaded', async () => {
    const before = kernelProgramIds();
    const capabilities = new KernelFeatures().snapshot();
    // Probes are closed off the JS thread: gone once the kernel's grace period ends.
    expect(await eventually(() => [...kernelProgramIds()].every((id) => before.has(id)))).toBe(true);
    for (const [name, status] of Object.entries(capabilities.features)) {
      expect(typeof status.available, name).toBe('boolean');
      if (!status.available) expect(status.reason, name).toMatch(/\w+/);
    }
    // What every bpfscope tool stands on; the BPF tests of this suite need them too.
    expect(capabilities.features.btf.available).toBe(true);
    expect(capabilities.features.ringbuf.available).toBe(true);
    expect(capabilities.features.tracepoint.available).toBe(true);
  });

  it('agrees with the kernel perf event sources: kprobe and uprobe PMUs', () => {
    const features = new KernelFeatures();
    // libbpf attaches kprobes and uprobes through these PMUs (or legacy tracefs events).
    const kprobeSource = existsSync('/sys/bus/event_source/devices/kprobe') || existsSync('/sys/kernel/tracing/kprobe_events');
    const uprobeSource = existsSync('/sys/bus/event_source/devices/uprobe') || existsSync('/sys/kernel/tracing/uprobe_events');
    expect(features.feature('kprobe').available).toBe(kprobeSource);
    expect(features.feature('uprobe').available).toBe(uprobeSource);
  });

  it('answers an assumed feature unprobed until asked why an attach failed, and never reports it assumed', () => {
    const truth = new KernelFeatures();
    const features = new KernelFeatures();
    features.assumeAvailable('kprobe');
    // Available whatever the kernel says (kprobes are off on some kernels): nothing was tried yet.
    expect(features.feature('kprobe')).toEqual({ available: true });
    expect(features.probeAssumed()).toEqual([{ name: 'kprobe', status: truth.feature('kprobe') }]);
    expect(features.feature('kprobe')).toEqual(truth.feature('kprobe'));
    const reported = new KernelFeatures();
    reported.assumeAvailable('kprobe');
    expect(reported.snapshot().features.kprobe).toEqual(truth.feature('kprobe'));
  });

  it('gives each tool an attach method it will really use, or the reason it cannot run', () => {
    const features = new KernelFeatures();
    for (const tool of toolRegistry.values()) {
      const support = resolveToolSupport(tool, features);
      if (support.available) {
        expect(tool.attachMethods.map((method) => method.name)).toContain(support.attachMethod);
        // Every preferred method before the chosen one says why it was passed over.
        for (const method of support.methods.slice(
          0,
          support.methods.findIndex((m) => m.available),
        )) {
          expect(method.reason).toMatch(/\w+/);
        }
      } else {
        expect(support.reason).toMatch(/\w+/);
      }
    }
    expect(resolveToolSupport(toolRegistry.get('execsnoop') as never, features).attachMethod).toBe('tracepoint');
  });

  it('probes lazily: one tool pays only for the features it needs', () => {
    const features = new KernelFeatures();
    const started = performance.now();
    resolveToolSupport(toolRegistry.get('execsnoop') as never, features);
    const lazy = performance.now() - started;
    const all = features.snapshot();
    expect(lazy).toBeLessThan(all.probeMs);
  });
});
