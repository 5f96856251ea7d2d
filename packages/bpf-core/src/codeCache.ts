import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { privateCacheDirectory, shortHash } from './cacheDirectory.js';

export interface CodeCacheRun {
  /** used: compiled code read from the cache; made: compiled anew, and saved; off: no private cache directory. */
  cache: 'used' | 'made' | 'off';
  exports: unknown;
}

/**
 * Runs a CommonJS file, as require() would, with V8's compiled code for it kept in the
 * cache directory: compiling zod and the CLI on every fresh process was a third of its
 * start. The code is saved `saveAfterMs` after the run begins, with the functions the
 * start compiled by then; the file's path, size and mtime and node's version key it,
 * so a rebuilt file (even of the same length, which is all V8 checks) is compiled anew.
 */
export function runWithCodeCache(file: string, options: { cacheDirectory?: string; saveAfterMs?: number } = {}): CodeCacheRun {
  const { size, mtimeMs } = statSync(file);
  const identity = JSON.stringify({ file, size, mtimeMs, node: process.version, arch: process.arch });
  const directory = privateCacheDirectory(options.cacheDirectory);
  const cacheFile = directory === undefined ? undefined : path.join(directory, `code-${shortHash(file)}.v8`);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined && existsSync(cacheFile)) {
    const bytes = readFileSync(cacheFile);
    const newline = bytes.indexOf(0x0a);
    if (newline > 0 && bytes.toString('utf8', 0, newline) === identity) cachedData = bytes.subarray(newline + 1);
  }
  // CommonJS's own wrapper; a hashbang is commented out in place, keeping lines and columns.
  const source = readFileSync(file, 'utf8').replace(/^#!/, '//');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (cacheFile !== undefined && !used) {
    setTimeout(() => saveCodeCache(cacheFile, identity, script), options.saveAfterMs ?? 1000).unref();
  }
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  const module = { exports: {} as unknown };
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { cache: used ? 'used' : cacheFile === undefined ? 'off' : 'made', exports: module.exports };
}

function saveCodeCache(cacheFile: string, identity: string, script: vm.Script): void {
  try {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.concat([Buffer.from(`${identity}\n`), script.createCachedData()]), { mode: 0o600 });
    renameSync(temporary, cacheFile);
  } catch {
    // Only speed is lost: the next start compiles again.
  }
}
