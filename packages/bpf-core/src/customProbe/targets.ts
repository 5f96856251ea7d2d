// Where a probe spec's library and function are: the binary a uprobe goes on
// (`c` is libc, `pthread` libpthread, `bash` the bash in PATH, or a path) and
// the file offsets of its functions (globs expand to every match), or the
// kernel functions a kprobe pattern names.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SpecProblem } from '@bpfscope/formats';
import type { Span } from '@bpfscope/formats';
import { fileSource, functionSymbolsByName, readElf, virtualAddressToFileOffset } from '../symbols/elf.js';
import type { LoadSegment, NamedFunctionSymbol } from '../symbols/elf.js';
import { elfMachine, findProcessLibc, findSystemLibc } from '../tools/gethostlatency/libc.js';
import { requireTracefsRoot } from '../tracefs/format.js';
import { globToRegExp, hasWildcard } from './glob.js';

/** One function a uprobe goes on. */
export interface UprobeSite {
  binary: string;
  symbol: string;
  /** Where the uprobe is placed: the function's offset in the file. */
  fileOffset: number;
}

/** Too many matches is an error, as bcc's and bpftrace's limits are: at most this many attach points a session. */
export const MAX_ATTACH_POINTS = 1000;

let ldconfigCache: { at: number; entries: Array<{ name: string; path: string }> } | undefined;

/** `ldconfig -p`'s libraries (name → path), kept a minute. */
function ldconfigEntries(): Array<{ name: string; path: string }> {
  if (ldconfigCache && Date.now() - ldconfigCache.at < 60_000) return ldconfigCache.entries;
  let output = '';
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    if (!existsSync(ldconfig)) continue;
    try {
      output = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
      break;
    } catch {
      // musl's ldconfig fails: fall back to the paths below.
    }
  }
  const entries: Array<{ name: string; path: string }> = [];
  for (const match of output.matchAll(/^\s*(\S+) \(([^)]*)\) => (\/\S.*?)\s*$/gm)) {
    // Only this machine's architecture (ldconfig lists i386 libraries too on a multilib host).
    if (process.arch === 'x64' && !/x86-64/.test(match[2] as string)) continue;
    if (process.arch === 'arm64' && !/AArch64/i.test(match[2] as string)) continue;
    entries.push({ name: match[1] as string, path: match[3] as string });
  }
  ldconfigCache = { at: Date.now(), entries };
  return entries;
}

let systemLibcCache: { at: number; path: string | undefined } | undefined;

/** The system's libc (ldconfig, the usual paths), kept a minute: finding it runs `ldconfig -p`. */
function systemLibc(): string | undefined {
  if (!systemLibcCache || Date.now() - systemLibcCache.at >= 60_000) systemLibcCache = { at: Date.now(), path: findSystemLibc() };
  return systemLibcCache.path;
}

function mappedLibrary(pid: number, library: string): string | undefined {
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return undefined;
  }
  const pattern = new RegExp(`/(lib)?${library.replace(/[.+^${}()|[\]\\*?]/g, '\\$&')}([-.][\\w.-]*)?\\.so(\\.[\\d.]+)?$`);
  for (const line of maps.split('\n')) {
    const file = /^\S+ \S+ \S+ \S+ \d+\s+(\/.*)$/.exec(line)?.[1];
    if (file && !file.endsWith(' (deleted)') && pattern.test(file)) return `/proc/${pid}/root${file}`;
  }
  return undefined;
}

function executableInPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!directory) continue;
    const candidate = path.join(directory, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The file a uprobe library names, as bcc finds it: a path as given; `c` the C
 * library (the one `pid` has mapped, if given); a name `lib<name>.so` in the
 * dynamic linker's cache, else an executable in PATH.
 */
export function resolveLibrary(library: string, librarySpan: Span, pid?: number): string {
  let file: string | undefined;
  if (library.includes('/')) {
    file = path.resolve(library);
  } else if (library === 'c' || library === 'libc') {
    if (pid !== undefined) {
      const found = findProcessLibc(pid);
      if (found.kind === 'found') file = found.path;
    }
    file ??= systemLibc();
    if (file === undefined) throw new SpecProblem('no C library found (ldconfig, the usual paths); give its path instead of "c"', librarySpan);
  } else {
    file = pid !== undefined ? mappedLibrary(pid, library) : undefined;
    const soName = library.includes('.so') ? library : `lib${library}.so`;
    file ??= ldconfigEntries().find((entry) => entry.name === soName || entry.name.startsWith(`${soName}.`))?.path;
    file ??= executableInPath(library);
    if (file === undefined) {
      throw new SpecProblem(`no library or program "${library}": not lib${library}.so in ldconfig's cache, nor a program in PATH; give a path`, librarySpan);
    }
  }
  checkElfFile(file, librarySpan);
  return file;
}

function checkElfFile(file: string, span: Span): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new SpecProblem(`${file} does not exist`, span);
  }
  if (!isFile) throw new SpecProblem(`${file} is not a regular file`, span);
  const machine = elfMachine(file);
  if (machine === undefined) throw new SpecProblem(`${file} is not an ELF file: uprobes go on executables and shared libraries`, span);
  const ours = elfMachine('/proc/self/exe');
  if (ours !== undefined && machine !== ours) throw new SpecProblem(`${file} is built for another architecture (ELF machine ${machine})`, span);
}

interface BinaryFunctions {
  /** What identifies the file's contents: a changed file is read again. */
  identity: string;
  symbols: NamedFunctionSymbol[];
  byName: Map<string, NamedFunctionSymbol>;
  loadSegments: LoadSegment[];
}

/** The function symbols of the last few binaries probed (libc's .dynsym is read once, not at every start). */
const binaryCache = new Map<string, BinaryFunctions>();
const BINARY_CACHE_SIZE = 16;

function binaryFunctions(binary: string, span: Span): BinaryFunctions {
  const fd = openSync(binary, 'r');
  try {
    const stat = fstatSync(fd);
    const identity = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    const cached = binaryCache.get(binary);
    if (cached?.identity === identity) {
      // Most recently used last.
      binaryCache.delete(binary);
      binaryCache.set(binary, cached);
      return cached;
    }
    const source = fileSource(fd, stat.size);
    const elf = readElf(source);
    if (typeof elf === 'string') throw new SpecProblem(`${binary}: ${elf}`, span);
    const symbols = functionSymbolsByName(source, elf);
    const functions: BinaryFunctions = { identity, symbols, byName: new Map(symbols.map((symbol) => [symbol.name, symbol])), loadSegments: elf.loadSegments };
    binaryCache.delete(binary);
    binaryCache.set(binary, functions);
    if (binaryCache.size > BINARY_CACHE_SIZE) binaryCache.delete(binaryCache.keys().next().value as string);
    return functions;
  } finally {
    closeSync(fd);
  }
}

/** The functions of `binary` named `pattern` (a glob), each once by address, as uprobe sites; errors point at `functionSpan`. */
export function resolveFunctions(binary: string, pattern: string, functionSpan: Span, options: { limit?: number } = {}): UprobeSite[] {
  const functions = binaryFunctions(binary, functionSpan);
  const wildcard = hasWildcard(pattern);
  const matcher = wildcard ? globToRegExp(pattern) : undefined;
  const exact = matcher ? undefined : functions.byName.get(pattern);
  const matches = matcher ? functions.symbols.filter((symbol) => matcher.test(symbol.name)) : exact ? [exact] : [];
  if (matches.length === 0) {
    throw new SpecProblem(
      wildcard ? `no function of ${binary} matches "${pattern}"` : `${binary} has no function "${pattern}" (in .symtab or .dynsym)`,
      functionSpan,
    );
  }
  const sites: UprobeSite[] = [];
  const seen = new Set<number>();
  for (const symbol of matches) {
    // An IFUNC symbol is the resolver that picks an implementation once, at load: not the function that runs.
    if (symbol.ifunc) {
      if (!wildcard) {
        throw new SpecProblem(
          `${symbol.name} in ${binary} is an IFUNC (its resolver runs once, at load): probe the implementation it picks instead`,
          functionSpan,
        );
      }
      continue;
    }
    if (seen.has(symbol.address)) continue;
    seen.add(symbol.address);
    const fileOffset = virtualAddressToFileOffset(functions.loadSegments, symbol.address);
    if (fileOffset === undefined) continue;
    sites.push({ binary, symbol: symbol.name, fileOffset });
  }
  const limit = options.limit ?? MAX_ATTACH_POINTS;
  if (sites.length > limit) {
    throw new SpecProblem(
      `"${pattern}" matches ${sites.length.toLocaleString('en-US')} functions of ${binary}: at most ${limit.toLocaleString('en-US')} attach points`,
      functionSpan,
    );
  }
  return sites;
}

/** Kernel functions a kprobe can go on that match `pattern`, from tracefs' available_filter_functions. */
export function kernelFunctions(pattern: string): string[] {
  const text = readFileSync(path.join(requireTracefsRoot(), 'available_filter_functions'), 'utf8');
  const matcher = hasWildcard(pattern) ? globToRegExp(pattern) : undefined;
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (name && (matcher ? matcher.test(name) : name === pattern)) names.add(name);
  }
  return [...names];
}

/**
 * The file a probe's library names (`c`, `pthread`, `bash`, a path), as a spec
 * would resolve it, or undefined when there is none (for autocomplete).
 */
export function resolveProbeLibrary(library: string, pid?: number): string | undefined {
  try {
    return resolveLibrary(library, { start: 0, end: library.length }, pid);
  } catch (error) {
    if (error instanceof SpecProblem) return undefined;
    throw error;
  }
}
