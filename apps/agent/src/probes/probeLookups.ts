// What the probe builder asks the host while a user writes a probe: the kernel's
// tracepoints and each one's fields (tracefs), the binaries a process maps, and a
// binary's functions and USDT probes. Read on demand, bounded, nothing attached.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  namesContaining,
  namesWithPrefix,
  parseProcessMaps,
  resolveProbeLibrary,
  readAvailableEvents,
  readFunctionNames,
  readTracepointFormat,
  readUsdtProbes,
} from '@bpfscope/bpf-core';
import type { TracepointField, TracepointName, UsdtProbe } from '@bpfscope/bpf-core';

/** A binary a process maps executable code of: where a uprobe can go. */
export interface MappedBinary {
  path: string;
  /** The process's executable (/proc/PID/exe), not a library. */
  main: boolean;
  /** Deleted or replaced since it was mapped (a library upgrade): a uprobe on the path would miss this process. */
  deleted: boolean;
}

/** A process a uprobe can be put in: one with an executable (kernel threads have none). */
export interface ProbeProcess {
  pid: number;
  comm: string;
}

export class LookupNotFoundError extends Error {
  override readonly name = 'LookupNotFoundError';
}

/** Files whose function names are kept (an LRU): the builder asks again at each keystroke. */
const KEPT_SYMBOL_FILES = 8;
/** Most binaries listed for a process (a JVM maps a few hundred). */
const MAX_BINARIES = 1000;

export interface ProbeLookupsOptions {
  /** Where procfs is mounted (--procfs). */
  procfs: string;
  /** A tracefs tree (tests); by default the mounted one. */
  tracefsRoot?: string;
}

export class ProbeLookups {
  readonly #procfs: string;
  readonly #tracefsRoot: string | undefined;
  readonly #symbolFiles = new Map<string, { identity: string; names: string[] }>();

  constructor(options: ProbeLookupsOptions) {
    this.#procfs = options.procfs;
    this.#tracefsRoot = options.tracefsRoot;
  }

  /** Tracepoints whose `category:name` starts with `prefix`, sorted, at most `limit`, and how many match. */
  tracepoints(input: { prefix?: string; limit: number }): { tracepoints: TracepointName[]; total: number } {
    const prefix = input.prefix ?? '';
    const events = readAvailableEvents(this.#tracefsOptions()).filter((event) => `${event.category}:${event.name}`.startsWith(prefix));
    return { tracepoints: events.slice(0, input.limit), total: events.length };
  }

  /** A tracepoint's fields as its program sees them (common_* fields marked), with its id. */
  tracepointFields(input: { category: string; name: string }): { category: string; name: string; id: number; fields: TracepointField[] } {
    const format = readTracepointFormat(input.category, input.name, this.#tracefsOptions());
    return { category: input.category, name: input.name, id: format.id, fields: format.fields };
  }

  /**
   * Processes with an executable (not kernel threads) whose comm holds `query` (any case) or whose pid starts with
   * it, by comm then pid, at most `limit`, and how many match.
   */
  processes(input: { query?: string; limit: number }): { processes: ProbeProcess[]; total: number } {
    const query = (input.query ?? '').trim().toLowerCase();
    const found: ProbeProcess[] = [];
    for (const entry of readdirSync(this.#procfs)) {
      if (!/^\d+$/.test(entry)) continue;
      const directory = path.join(this.#procfs, entry);
      let comm: string;
      try {
        readlinkSync(path.join(directory, 'exe'));
        comm = readFileSync(path.join(directory, 'comm'), 'utf8').trim();
      } catch {
        continue; // a kernel thread, or gone since the listing
      }
      if (query === '' || comm.toLowerCase().includes(query) || entry.startsWith(query)) found.push({ pid: Number(entry), comm });
    }
    found.sort((a, b) => (a.comm === b.comm ? a.pid - b.pid : a.comm < b.comm ? -1 : 1));
    return { processes: found.slice(0, input.limit), total: found.length };
  }

  /** The files a process maps executable code from, its own executable first. */
  binaries(pid: number): { pid: number; comm: string; binaries: MappedBinary[] } {
    const directory = path.join(this.#procfs, String(pid));
    let maps: string;
    let comm: string;
    try {
      maps = readFileSync(path.join(directory, 'maps'), 'utf8');
      comm = readFileSync(path.join(directory, 'comm'), 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') throw new LookupNotFoundError(`no process ${pid}`);
      throw error;
    }
    let exe: string | undefined;
    try {
      exe = readlinkSync(path.join(directory, 'exe')).replace(/ \(deleted\)$/, '');
    } catch {
      exe = undefined; // a kernel thread, or gone
    }
    const binaries = new Map<string, MappedBinary>();
    for (const mapping of parseProcessMaps(maps)) {
      if (!mapping.path.startsWith('/') || !mapping.permissions.includes('x') || binaries.size >= MAX_BINARIES) continue;
      const known = binaries.get(mapping.path);
      if (known) known.deleted ||= mapping.deleted;
      else binaries.set(mapping.path, { path: mapping.path, main: mapping.path === exe, deleted: mapping.deleted });
    }
    const list = [...binaries.values()].sort((a, b) => Number(b.main) - Number(a.main));
    return { pid, comm, binaries: list };
  }

  /**
   * Functions of the ELF file at `path` (or of the library a spec names so: `c`, `pthread`, found as the spec would
   * be, in process `pid` when given) whose names start with `prefix` (`match: 'contains'`: hold it, those starting
   * with it first), sorted, at most `limit`, and how many match.
   */
  symbols(input: { path: string; pid?: number; prefix?: string; match?: 'prefix' | 'contains'; limit: number }): {
    path: string;
    symbols: string[];
    total: number;
  } {
    const file = this.#libraryFile(input.path, input.pid);
    const all = this.#functionNames(file);
    const { names, total } = (input.match === 'contains' ? namesContaining : namesWithPrefix)(all, input.prefix ?? '', input.limit);
    return { path: file, symbols: names, total };
  }

  /**
   * The USDT probes of the ELF file at `path` (or of a library named as a spec names it, found as `symbols` finds
   * it) whose `provider:name` holds `query`, sorted, at most `limit`, and how many match.
   */
  usdt(input: { path: string; pid?: number; query?: string; limit: number }): { path: string; probes: UsdtProbe[]; total: number } {
    const file = this.#libraryFile(input.path, input.pid);
    const query = input.query ?? '';
    const probes = readUsdtProbes(file).filter((probe) => `${probe.provider}:${probe.name}`.includes(query));
    return { path: file, probes: probes.slice(0, input.limit), total: probes.length };
  }

  #libraryFile(name: string, pid: number | undefined): string {
    const file = name.startsWith('/') ? name : resolveProbeLibrary(name, pid);
    if (file === undefined) throw new LookupNotFoundError(`no library ${name} found (as a spec's p:${name}:function would look for it)`);
    return file;
  }

  #functionNames(file: string): string[] {
    const kept = this.#symbolFiles.get(file);
    if (kept && kept.identity === identityOf(file)) {
      // Most recently used last.
      this.#symbolFiles.delete(file);
      this.#symbolFiles.set(file, kept);
      return kept.names;
    }
    const read = readFunctionNames(file);
    this.#symbolFiles.delete(file);
    this.#symbolFiles.set(file, read);
    while (this.#symbolFiles.size > KEPT_SYMBOL_FILES) this.#symbolFiles.delete(this.#symbolFiles.keys().next().value as string);
    return read.names;
  }

  #tracefsOptions(): { root?: string } {
    return this.#tracefsRoot === undefined ? {} : { root: this.#tracefsRoot };
  }
}

/** The same identity readFunctionNames gives, from a stat (which never blocks, whatever the file). */
function identityOf(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}
