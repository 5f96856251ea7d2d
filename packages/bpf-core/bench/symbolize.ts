// Symbolization throughput: 10,000 unique stacks of real addresses (functions of
// this Node process's own binary and libraries, 24 frames deep), folded twice:
// cold (ELF tables, maps and kallsyms read) and warm (every cache filled).
import { readFileSync } from 'node:fs';
import { printTable, writeResult } from '@bpfscope/bench-kit';
import { foldProfile, Symbolizer } from '../src/index.js';
import type { RawStack, RawStackProfile } from '../src/index.js';

const STACKS = 10_000;
const DEPTH = 24;

/** Executable mappings of this process, to draw realistic instruction pointers from. */
function executableRanges(): Array<{ start: bigint; end: bigint }> {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => /^([0-9a-f]+)-([0-9a-f]+) r-xp .* (\/\S+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ start: BigInt(`0x${match[1]}`), end: BigInt(`0x${match[2]}`) }));
}

function kernelAddresses(): bigint[] {
  return readFileSync('/proc/kallsyms', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[1] === 't' || fields[1] === 'T')
    .map((fields) => BigInt(`0x${fields[0]}`))
    .filter((address) => address !== 0n);
}

function syntheticProfile(): RawStackProfile {
  const ranges = executableRanges();
  const kernel = kernelAddresses();
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  // A pool of call sites, so stacks share frames as real ones do.
  const userSites = Array.from({ length: 4000 }, () => {
    const range = ranges[Math.floor(random() * ranges.length)] as { start: bigint; end: bigint };
    return range.start + BigInt(Math.floor(random() * Number(range.end - range.start)));
  });
  const kernelSites = Array.from({ length: 1000 }, () => (kernel[Math.floor(random() * kernel.length)] as bigint) + 4n);
  const stacks: RawStack[] = Array.from({ length: STACKS }, (_, index) => ({
    pid: process.pid,
    tid: 0,
    comm: 'node',
    userStack: Array.from({ length: DEPTH }, () => userSites[Math.floor(random() * userSites.length)] as bigint),
    kernelStack: Array.from({ length: 8 }, () => kernelSites[Math.floor(random() * kernelSites.length)] as bigint),
    value: 1 + (index % 7),
  }));
  return { unit: 'samples', stacks, startedAt: Date.now(), durationMs: 10_000, lostStacks: 0, truncatedStacks: 0, droppedSamples: 0 };
}

export async function benchSymbolize(): Promise<object> {
  const profile = syntheticProfile();
  const symbolizer = new Symbolizer();
  let started = performance.now();
  const cold = foldProfile(profile, symbolizer);
  const coldMs = performance.now() - started;
  const coldStats = symbolizer.stats();
  started = performance.now();
  foldProfile(profile, symbolizer);
  const warmMs = performance.now() - started;
  const stats = symbolizer.stats();
  const lookups = stats.cacheHits + stats.cacheMisses;
  const result = {
    stacks: STACKS,
    framesPerStack: DEPTH + 8,
    coldMs,
    warmMs,
    cold: { cacheHits: coldStats.cacheHits, cacheMisses: coldStats.cacheMisses, elfFilesParsed: coldStats.elfFilesParsed },
    overallHitRate: lookups > 0 ? stats.cacheHits / lookups : 0,
    unknownFrames: cold.stats.unknownFrames,
  };
  const file = writeResult('symbolize', result);
  printTable(`symbolization: ${STACKS.toLocaleString('en-US')} unique stacks × ${DEPTH + 8} frames (real addresses)`, [
    ['first fold (reads kallsyms, ELF symbol tables, maps)', `${coldMs.toFixed(0)} ms`],
    ['second fold (caches warm)', `${warmMs.toFixed(0)} ms`],
    [
      'frame cache hit rate, first fold / both',
      `${((100 * coldStats.cacheHits) / Math.max(1, coldStats.cacheHits + coldStats.cacheMisses)).toFixed(1)} % / ${(100 * result.overallHitRate).toFixed(1)} %`,
    ],
    ['ELF files parsed', String(coldStats.elfFilesParsed)],
    ['results', file],
  ]);
  return result;
}
