import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfMap } from './perfMap.js';

const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-perfmap-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('PerfMap', () => {
  it('finds the entry containing an address, end excluded', () => {
    const file = path.join(directory, 'perf-1.map');
    writeFileSync(file, '7f0000001000 100 LazyCompile:~main /app/index.js:1\n7f0000002000 20 Builtin:ArgumentsAdaptorTrampoline\n');
    const perfMap = new PerfMap(file);
    expect(perfMap.lookup(0x7f0000001000n)).toBe('LazyCompile:~main /app/index.js:1');
    expect(perfMap.lookup(0x7f00000010ffn)).toBe('LazyCompile:~main /app/index.js:1');
    expect(perfMap.lookup(0x7f0000001100n)).toBeUndefined();
    expect(perfMap.lookup(0x7f000000201fn)).toBe('Builtin:ArgumentsAdaptorTrampoline');
    expect(perfMap.lookup(0x10n)).toBeUndefined();
  });

  it('prefers the latest line where code was replaced, and reads what the file gains', () => {
    const file = path.join(directory, 'perf-2.map');
    writeFileSync(file, '1000 100 old\n');
    const perfMap = new PerfMap(file);
    expect(perfMap.lookup(0x1080n)).toBe('old');
    expect(perfMap.lookup(0x5000n)).toBeUndefined();
    // Code freed and the address reused by a smaller function; plus a line still being written.
    appendFileSync(file, '1040 80 new\n5000 10 grown\n6000 10 half');
    expect(perfMap.lookup(0x1080n)).toBe('old'); // still cached, no miss to re-read on
    expect(perfMap.lookup(0x5008n)).toBe('grown');
    expect(perfMap.lookup(0x1080n)).toBe('new');
    expect(perfMap.lookup(0x1020n)).toBe('old');
    expect(perfMap.lookup(0x6000n)).toBeUndefined();
    appendFileSync(file, 'written\n');
    expect(perfMap.lookup(0x6000n)).toBe('halfwritten');
    expect(perfMap.size).toBe(4);
  });

  it('skips malformed lines and survives a missing file', () => {
    const file = path.join(directory, 'perf-3.map');
    writeFileSync(file, 'garbage\nzz 10 bad start\n3000 10 good\n\n');
    expect(new PerfMap(file).lookup(0x3001n)).toBe('good');
    expect(new PerfMap(path.join(directory, 'perf-missing.map')).lookup(0x3001n)).toBeUndefined();
  });
});
