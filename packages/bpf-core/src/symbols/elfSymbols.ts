// The function symbols of an ELF file on the host, by name: what a uprobe can be
// put on (the probe builder's autocomplete). Opened without blocking and only if
// it is a regular file, since the path comes from a user.
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ToolError } from '../errors.js';
import { fileSource, functionSymbolNames, readElf } from './elf.js';
import type { ByteSource, ElfFile } from './elf.js';

export interface ElfFunctionNames {
  /** The file's function names, sorted (binary-searchable by prefix), each once. */
  names: string[];
  /** The file's identity when read: device, inode, size and mtime (a cache key). */
  identity: string;
}

/** Longest path accepted (PATH_MAX). */
const MAX_PATH = 4096;

/**
 * Runs `read` on the ELF file at `file` (absolute), opened without blocking. ToolError INVALID_PARAMS when it is
 * not there, not a regular file, or not an ELF64 little-endian image.
 */
export function withElfFile<T>(file: string, read: (source: ByteSource, elf: ElfFile, stat: Stats) => T): T {
  if (!path.isAbsolute(file) || file.length > MAX_PATH || file.includes('\0')) {
    throw new ToolError('INVALID_PARAMS', 'a binary is given by its absolute path');
  }
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO must not hang the agent before fstat says it is not a file.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new ToolError('INVALID_PARAMS', `cannot open ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ToolError('INVALID_PARAMS', `${file} is not a regular file`);
    const source = fileSource(fd, stat.size);
    const elf = readElf(source);
    if (typeof elf === 'string') throw new ToolError('INVALID_PARAMS', `${file}: ${elf}`);
    return read(source, elf, stat);
  } finally {
    closeSync(fd);
  }
}

/** Reads the function names of the ELF file at `file` (absolute); ToolError INVALID_PARAMS as withElfFile says. */
export function readFunctionNames(file: string): ElfFunctionNames {
  return withElfFile(file, (source, elf, stat) => {
    const names = [...functionSymbolNames(source, elf)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { names, identity: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}` };
  });
}

/** The names in sorted `names` that start with `prefix`, at most `limit`, and how many match. */
export function namesWithPrefix(names: readonly string[], prefix: string, limit: number): { names: string[]; total: number } {
  const first = lowerBound(names, prefix);
  let end = first;
  while (end < names.length && (names[end] as string).startsWith(prefix)) end++;
  return { names: names.slice(first, Math.min(end, first + limit)), total: end - first };
}

/**
 * The names in sorted `names` that hold `text`, at most `limit`, and how many match: those that start with it
 * first (the function typed), then the rest (`malloc` finds `__libc_malloc`), each group sorted.
 */
export function namesContaining(names: readonly string[], text: string, limit: number): { names: string[]; total: number } {
  const prefixed = namesWithPrefix(names, text, limit);
  const inside: string[] = [];
  let total = prefixed.total;
  for (const name of names) {
    if (name.includes(text) && !name.startsWith(text)) {
      total++;
      if (prefixed.names.length + inside.length < limit) inside.push(name);
    }
  }
  return { names: [...prefixed.names, ...inside], total };
}

function lowerBound(names: readonly string[], value: string): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((names[middle] as string) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
