import { describe, expect, it } from 'vitest';
import { counterIncrease, perSecond, wrapped } from './counters.js';

describe('counter increases', () => {
  it('is the difference when the counter rose', () => {
    expect(counterIncrease(100, 250)).toBe(150);
    expect(counterIncrease(7, 7)).toBe(0);
  });

  it('counts a 32-bit counter that wrapped modulo 2^32 (diskstats ticks, unsigned long on a 32-bit kernel)', () => {
    expect(wrapped(2 ** 32 - 100, 50)).toBe(true);
    expect(counterIncrease(2 ** 32 - 100, 50)).toBe(150);
  });

  it('counts a 64-bit counter that wrapped modulo 2^64', () => {
    const prev = 2 ** 64 - 2 ** 20;
    expect(wrapped(prev, 2 ** 20)).toBe(true);
    expect(counterIncrease(prev, 2 ** 20)).toBe(2 ** 21);
  });

  it('takes a small step back (idle under NO_HZ) as no increase, as sysstat does, not as a wrap', () => {
    expect(wrapped(328266, 328260)).toBe(false);
    expect(counterIncrease(328266, 328260)).toBe(0);
    // A 32-bit counter low in its range that fell is a restart, not a wrap.
    expect(wrapped(1_000_000, 10)).toBe(false);
  });

  it('divides by the seconds, and gives 0 rather than Infinity when none passed', () => {
    expect(perSecond(100, 400, 1.5)).toBe(200);
    expect(perSecond(100, 400, 0)).toBe(0);
  });
});
