import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { releaseFreeMemory } from './processMemory.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function residentBytes(): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
}

describe('releaseFreeMemory', () => {
  it('gives back what malloc kept of a burst that is over', async () => {
    // 24 MiB in buffers under the allocator's mmap threshold (so from its heap), then one kept above them: freeing
    // the burst leaves a hole the heap cannot shrink past on its own.
    let burst: Buffer[] | undefined = Array.from({ length: 384 }, () => Buffer.allocUnsafeSlow(64 * 1024).fill(1));
    const keeper = Buffer.allocUnsafeSlow(1024).fill(2);
    const held = residentBytes();
    burst = undefined;
    // ArrayBuffers are freed by V8's sweeper, which may run beside JS: wait for it.
    for (let round = 0; round < 3; round++) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const beforeRelease = residentBytes();
    expect(releaseFreeMemory()).toBe(true);
    const afterRelease = residentBytes();
    expect(burst).toBeUndefined();
    expect(keeper[0]).toBe(2);
    expect(beforeRelease - afterRelease).toBeGreaterThan(16 * 1024 * 1024);
    expect(afterRelease).toBeLessThan(held - 16 * 1024 * 1024);
  });
});
