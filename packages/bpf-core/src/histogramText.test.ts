import { describe, expect, it } from 'vitest';
import { formatLinearHistogram, formatLog2Histogram, linearSlotLabel } from './histogramText.js';

describe('formatLog2Histogram', () => {
  it('prints bcc print_log2_hist lines up to the last non-empty slot', () => {
    expect(formatLog2Histogram([0, 4, 2, 0, 0], 'usecs')).toBe(
      [
        '     usecs               : count    distribution',
        '         0 -> 1          : 0        |                                        |',
        '         2 -> 3          : 4        |****************************************|',
        '         4 -> 7          : 2        |********************                    |',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for an empty histogram', () => {
    expect(formatLog2Histogram([0, 0], 'msecs')).toBe('');
  });
});

describe('formatLinearHistogram', () => {
  const buckets = { kind: 'linear', min: 0, max: 100, step: 10 } as const;

  it('labels slots as bpftrace lhist does, with the slots below min and from max up', () => {
    expect(linearSlotLabel(0, buckets)).toBe('(..., 0)');
    expect(linearSlotLabel(1, buckets)).toBe('[0, 10)');
    expect(linearSlotLabel(10, buckets)).toBe('[90, 100)');
    expect(linearSlotLabel(11, buckets)).toBe('[100, ...)');
  });

  it('prints from the first non-empty slot to the last, empty ones between', () => {
    const counts = [0, 0, 4, 0, 2, 0, 0, 0, 0, 0, 0, 1];
    expect(formatLinearHistogram(counts, buckets, 'args->count')).toBe(
      [
        'args->count:',
        `[10, 20)               4 |${'@'.repeat(52)}|`,
        `[20, 30)               0 |${' '.repeat(52)}|`,
        `[30, 40)               2 |${'@'.repeat(26).padEnd(52)}|`,
        ...[40, 50, 60, 70, 80, 90].map((low) => `${`[${low}, ${low + 10})`.padEnd(16)}       0 |${' '.repeat(52)}|`),
        `[100, ...)             1 |${'@'.repeat(13).padEnd(52)}|`,
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for an empty histogram', () => {
    expect(formatLinearHistogram([0, 0, 0], buckets, 'values')).toBe('');
  });
});
