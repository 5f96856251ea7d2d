import { describe, expect, it } from 'vitest';
import { formatLog2Histogram } from './histogramText.js';

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
