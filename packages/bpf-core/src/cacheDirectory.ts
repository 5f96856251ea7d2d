import { lstatSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where bpfscope keeps what it works out once: the minimized kernel BTF, the CLI's compiled code. */
export function cacheDirectory(): string {
  if (process.env.BPFSCOPE_CACHE_DIR) return process.env.BPFSCOPE_CACHE_DIR;
  return process.getuid?.() === 0 ? '/var/cache/bpfscope' : path.join(os.tmpdir(), 'bpfscope-cache');
}

/**
 * The cache directory, made if missing, if it is this user's alone; else undefined.
 * What is read from it is loaded as BTF or run as compiled code: a directory another
 * user can write to (a /tmp one made by someone else) must not be trusted.
 */
export function privateCacheDirectory(directory = cacheDirectory()): string | undefined {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stat = lstatSync(directory);
    return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0 ? directory : undefined;
  } catch {
    return undefined;
  }
}

/** 32 bits of FNV-1a, in hex: a file name part that keeps one installation's cache files from another's. Not for integrity. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
