// Function names of an ELF file, for the probe builder: a binary we build, libc,
// and paths that are not ELF files (or not files), refused without blocking.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSymbolsTarget } from '../../test/fixtures/symbolsTarget.js';
import { namesContaining, namesWithPrefix, readFunctionNames } from './elfSymbols.js';

const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-elf-names-'));
const binary = path.join(directory, 'symbolsTarget');
beforeAll(() => buildSymbolsTarget(binary, 'pie'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('readFunctionNames', () => {
  it('lists every defined function of .symtab and .dynsym once, sorted, as readelf does', () => {
    const { names, identity } = readFunctionNames(binary);
    expect(names).toEqual(expect.arrayContaining(['main', 'symbols_target_caller', 'symbols_target_leaf', 'symbols_target_local']));
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('getpid'); // undefined here: libc's
    expect(identity).toMatch(/^\d+:\d+:\d+:[\d.]+$/);
    const readelf = new Set(
      execFileSync('readelf', ['--syms', '-W', binary], { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields[3] === 'FUNC' && fields[6] !== 'UND' && fields[7])
        .map((fields) => (fields[7] as string).replace(/@.*$/, '')),
    );
    expect(new Set(names)).toEqual(readelf);
  });

  it('finds libc’s exported functions by prefix', () => {
    const libc = /\s(\/\S*\/libc\.so\.6)$/m.exec(execFileSync('cat', ['/proc/self/maps'], { encoding: 'utf8' }))?.[1];
    if (!libc) throw new Error('no libc in /proc/self/maps');
    const { names } = readFunctionNames(libc);
    expect(namesWithPrefix(names, 'getpid', 10).names).toContain('getpid');
    const malloc = namesWithPrefix(names, 'mall', 2);
    expect(malloc.names).toHaveLength(2);
    expect(malloc.total).toBeGreaterThanOrEqual(2);
    expect(malloc.names.every((name) => name.startsWith('mall'))).toBe(true);
    expect(namesWithPrefix(names, 'zzzz_no_such', 10)).toEqual({ names: [], total: 0 });
  });

  it('finds names holding a text, those starting with it first, bounded, with the count that matched', () => {
    const names = ['__libc_malloc', 'free', 'malloc', 'malloc_trim', 'my_malloc_wrapper', 'realloc'];
    expect(namesContaining(names, 'malloc', 10)).toEqual({ names: ['malloc', 'malloc_trim', '__libc_malloc', 'my_malloc_wrapper'], total: 4 });
    expect(namesContaining(names, 'malloc', 3)).toEqual({ names: ['malloc', 'malloc_trim', '__libc_malloc'], total: 4 });
    expect(namesContaining(names, 'alloc', 1)).toEqual({ names: ['__libc_malloc'], total: 5 });
    expect(namesContaining(names, '', 2)).toEqual({ names: ['__libc_malloc', 'free'], total: 6 });
  });

  it('refuses what is not an ELF file, a relative path, a directory and a FIFO, without blocking', () => {
    const text = path.join(directory, 'notes.txt');
    writeFileSync(text, 'hello\n');
    expect(() => readFunctionNames(text)).toThrow(/notes\.txt: not an ELF file/);
    expect(() => readFunctionNames('bin/ls')).toThrow(/absolute path/);
    expect(() => readFunctionNames(directory)).toThrow(/not a regular file/);
    expect(() => readFunctionNames(path.join(directory, 'missing'))).toThrow(/cannot open .*: ENOENT/);
    const fifo = path.join(directory, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readFunctionNames(fifo)).toThrow(/not a regular file/);
  });
});
