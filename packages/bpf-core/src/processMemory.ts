// This process's memory as the allocator holds it: glibc keeps freed memory for reuse, so a burst (loading a BPF
// object, a storm's batches, a large reply) stays resident after it is over unless the free pages are given back.
import { native } from './native.js';

/** Gives the pages malloc holds free back to the system (glibc's malloc_trim(0)); true when some went, false elsewhere. */
export function releaseFreeMemory(): boolean {
  return native.releaseFreeMemory();
}
