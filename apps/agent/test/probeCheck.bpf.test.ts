// probes.check: what the probe builder asks as the user types. A custom probe's params are checked against this
// host (tracefs, ELF files, kprobes) as sessions.start would, loading nothing: where they would attach and how many
// attachments that takes, or the spec's problem with its position.
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, kernelProgramIds, requireBpf, startTestAgent } from './harness.js';

describe('probes.check', () => {
  beforeAll(() => requireBpf());

  it('says where a spec would attach, or what is wrong and where, and loads nothing', async () => {
    const agent = await startTestAgent();
    try {
      const before = kernelProgramIds();
      const ok = await agent.client.probes.check.query({
        tool: 'trace',
        params: { probes: ['t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count'] },
      });
      expect(ok).toMatchObject({ ok: true, total: 1, attachments: 1, points: [{ name: 'syscalls:sys_enter_read', kind: 'tracepoint' }] });

      // A wildcard: the count before attaching (syscalls through one raw_syscalls attachment).
      const wildcard = await agent.client.probes.check.query({ tool: 'funccount', params: { pattern: 't:syscalls:sys_enter_*' } });
      expect(wildcard.ok).toBe(true);
      if (wildcard.ok) {
        expect(wildcard.total).toBeGreaterThan(100);
        expect(wildcard.points.length).toBeLessThanOrEqual(50);
      }

      const spec = 't:syscalls:sys_enter_read (args->bogus > 1)';
      const bad = await agent.client.probes.check.query({ tool: 'trace', params: { probes: [spec] } });
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.code).toBe('INVALID_PARAMS');
        expect(bad.spec).toMatchObject({ param: 'probes', index: 0, spec });
        expect(spec.slice(bad.spec?.offset, (bad.spec?.offset ?? 0) + (bad.spec?.length ?? 0))).toContain('bogus');
      }
      // Without kprobes a kernel function is unavailable, with the tracepoint that covers it.
      const kernelFunction = await agent.client.probes.check.query({ tool: 'trace', params: { probes: ['p::sys_read'] } });
      if (!kernelFunction.ok) expect(kernelFunction.spec?.suggestion ?? kernelFunction.message).toMatch(/sys_enter_read|kprobe/);
      expect(await eventually(() => [...kernelProgramIds()].every((id) => before.has(id)))).toBe(true);
    } finally {
      await agent.close();
    }
  });
});
