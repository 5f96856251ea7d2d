import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runWithCodeCache } from './codeCache.js';

const program = (factor: number) => `#!/usr/bin/env node\nmodule.exports = { name: require('node:path').basename(__filename), scale: (x) => x * ${factor} };\n`;

describe('running a CommonJS file with a code cache', () => {
  it('saves the compiled code, runs from it next time, and never runs a changed file from an old one', async () => {
    const cacheDirectory = mkdtempSync(path.join(tmpdir(), 'bpfscope-code-'));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-bundle-')), 'tool.cjs');
    writeFileSync(file, program(2));
    type Program = { name: string; scale: (x: number) => number };

    const first = runWithCodeCache(file, { cacheDirectory, saveAfterMs: 0 });
    expect(first.cache).toBe('made');
    expect((first.exports as Program).name).toBe('tool.cjs');
    await sleep(50);
    const [cacheFile] = readdirSync(cacheDirectory);
    expect(cacheFile).toMatch(/^code-[0-9a-f]{8}\.v8$/);
    expect(readFileSync(path.join(cacheDirectory, cacheFile as string), 'utf8').split('\n')[0]).toContain(JSON.stringify(file));

    const second = runWithCodeCache(file, { cacheDirectory, saveAfterMs: 0 });
    expect(second.cache).toBe('used');
    expect((second.exports as Program).scale(21)).toBe(42);

    // The same length, other code: V8 alone would take the old code for it.
    await sleep(20);
    writeFileSync(file, program(3));
    const changed = runWithCodeCache(file, { cacheDirectory, saveAfterMs: 0 });
    expect(changed.cache).toBe('made');
    expect((changed.exports as Program).scale(21)).toBe(63);
    await sleep(50);
    expect(runWithCodeCache(file, { cacheDirectory }).cache).toBe('used');
  });

  it('runs without a cache where other users could write one', () => {
    const cacheDirectory = mkdtempSync(path.join(tmpdir(), 'bpfscope-code-'));
    chmodSync(cacheDirectory, 0o777);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-bundle-')), 'tool.cjs');
    writeFileSync(file, program(2));
    const run = runWithCodeCache(file, { cacheDirectory, saveAfterMs: 0 });
    expect(run.cache).toBe('off');
    expect((run.exports as { scale: (x: number) => number }).scale(2)).toBe(4);
    expect(existsSync(cacheDirectory) && readdirSync(cacheDirectory)).toEqual([]);
  });
});
