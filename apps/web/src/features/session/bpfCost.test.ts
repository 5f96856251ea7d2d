import { describe, expect, it } from 'vitest';
import { describeBpfCost } from './bpfCost';

const measured = { measuring: true, windowMs: 5000, runs: 12_424, nsPerEvent: 475.6, cpuPercent: 0.296 };

describe('describeBpfCost', () => {
  it('says ns per event and the share of one CPU, with the window and budget on hover', () => {
    const probe = { custom: true, maxDurationMs: 60_000, cpuBudget: { percent: 5, windowMs: 5000 } };
    expect(describeBpfCost(measured, probe)).toEqual({
      text: 'BPF 476 ns/event · 0.30 % CPU',
      title: expect.stringContaining('Over the last 5 s: 12,424 runs. Budget: 5.0 % of one CPU over 5 s, or the agent detaches it.'),
    });
    expect(describeBpfCost({ ...measured, nsPerEvent: 25_300, cpuPercent: 12.4 }, undefined).text).toBe('BPF 25 µs/event · 12 % CPU');
    expect(describeBpfCost({ ...measured, nsPerEvent: 1500, cpuPercent: 0.001 }, undefined).text).toBe('BPF 1.5 µs/event · <0.01 % CPU');
    expect(describeBpfCost({ ...measured, runs: 0, nsPerEvent: null, cpuPercent: 0 }, undefined).text).toBe('BPF no events · 0 % CPU');
  });

  it('says when it is not measured yet, or cannot be, and why', () => {
    expect(describeBpfCost(undefined, undefined).text).toBe('BPF cost: measuring…');
    expect(describeBpfCost({ measuring: true, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null }, undefined).text).toBe('BPF cost: measuring…');
    const refused = describeBpfCost({ measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null, unavailable: 'EPERM' }, undefined);
    expect(refused).toEqual({ text: 'BPF cost: not measured', title: expect.stringContaining('The kernel cannot measure it here: EPERM.') });
  });
});
