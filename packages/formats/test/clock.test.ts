import { describe, expect, it } from 'vitest';
import { formatClockTime } from '../src/clock.js';

describe('formatClockTime', () => {
  it('writes times on a 24-hour clock, in local time', () => {
    const at = new Date(2026, 10, 25, 17, 7, 5).getTime();
    expect(formatClockTime(at)).toBe('17:07:05');
    expect(formatClockTime(new Date(2026, 10, 25, 0, 0, 9, 999).getTime())).toBe('00:00:09');
  });
});
