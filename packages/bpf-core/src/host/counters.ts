// Increases of the kernel's cumulative counters between two readings, read the way sysstat reads them.

const U32 = 2 ** 32;
const U64 = 2 ** 64;

/**
 * True when a counter that fell from `prev` to `curr` wrapped: a 32-bit one (every diskstats tick field,
 * every unsigned long on a 32-bit kernel) fell by more than half its range, or a 64-bit one did.
 */
export function wrapped(prev: number, curr: number): boolean {
  return curr < prev && ((prev < U32 && prev - curr > U32 / 2) || prev - curr > U64 / 2);
}

/**
 * How much a cumulative counter rose from `prev` to `curr`. A wrap (see `wrapped`) counts modulo its width;
 * any other fall is the kernel stepping a counter back for a moment (per-CPU idle and iowait do under NO_HZ)
 * and counts as no increase, as sysstat's ll_sp_value does. A device or CPU that restarted its counters is
 * told apart by the callers, which then start from zero as sysstat does.
 * Counters above 2^53 lose their low bits in a double; a one-second increase is still right to 1 part in 10^6.
 */
export function counterIncrease(prev: number, curr: number): number {
  if (curr >= prev) return curr - prev;
  if (!wrapped(prev, curr)) return 0;
  return prev < U32 ? curr + U32 - prev : curr + (U64 - prev);
}

/** Increase per second; 0 when no time passed (sysstat's get_interval never divides by zero either). */
export function perSecond(prev: number, curr: number, seconds: number): number {
  return seconds > 0 ? counterIncrease(prev, curr) / seconds : 0;
}
