// Names the instruction pointers of kernel and user stacks, as perf and bcc do:
// kernel addresses from /proc/kallsyms (read again when BPF programs were
// loaded since, for an address outside the kernel image); user addresses
// through /proc/PID/maps to the mapped ELF file or the process's vdso
// (objectFiles.ts), or a JIT's /tmp/perf-PID.map.
// Everything is cached (frames per process, symbol tables per ELF file) and
// nothing throws: what cannot be named becomes `module+0xoffset` or `[unknown]`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bpfProgramsVersion } from '../bpfPrograms.js';
import type { Frame } from '../stacks/types.js';
import type { FrameSymbolizer } from './fold.js';
import { UNKNOWN_FRAME_NAME, isUnknownFrame, offsetFrameName } from './frameNames.js';
import { KERNEL_MODULE, KernelSymbolTable } from './kallsyms.js';
import { ObjectFiles, lookupFileOffset } from './objectFiles.js';
import type { ObjectFileStats, ObjectSymbols } from './objectFiles.js';
import { PerfMap } from './perfMap.js';
import { findMapping, isAnonymous, parseProcessMaps } from './processMaps.js';
import type { Mapping } from './processMaps.js';

export interface SymbolizerOptions {
  /** Default /proc/kallsyms. */
  kallsymsPath?: string;
  /**
   * A number that changes when BPF programs are loaded: with a new one, an
   * address outside the kernel image re-reads kallsyms (it may be a program
   * loaded since). Default: the kernel's (src/bpfPrograms.ts) for
   * /proc/kallsyms, constant for any other file.
   */
  bpfProgramsVersion?: () => number;
  /** Where JIT runtimes write perf-PID.map; default /tmp. */
  perfMapDirectory?: string;
  /** Roots of separate debug files (`.build-id/xx/rest.debug`, debuglink); default /usr/lib/debug. */
  debugDirectories?: string[];
  /**
   * A miss (address in no known mapping, JIT address not in the perf map)
   * re-reads /proc/PID/maps or the perf map, at most this often per process:
   * garbage addresses from frame-pointer-less code must not re-read them each time.
   * Kallsyms, when BPF programs were loaded since, is read again at most this often too. Default 250.
   */
  refreshIntervalMs?: number;
  /** Cached frames beyond this drop the frame caches (not the symbol tables). Default 1,000,000. */
  maxCachedFrames?: number;
}

export interface SymbolizerStats extends ObjectFileStats {
  /** Lookups answered from the frame caches. */
  cacheHits: number;
  cacheMisses: number;
  /** Lookups that returned `[unknown]` or `module+0xoffset`. */
  unknownFrames: number;
  /** Processes with cached state. */
  processes: number;
  /** /proc/PID/maps reads. */
  mapsReads: number;
  /** /proc/kallsyms reads: the first, then one per batch of BPF programs loaded since that a stack ran into. */
  kernelSymbolReads: number;
  kernelSymbols: number;
  /** kptr_restrict hides kernel addresses (kallsyms shows zeros): kernel frames are `[unknown]`. */
  kernelAddressesHidden: boolean;
  /** Why /proc/kallsyms could not be read, if it could not. */
  kernelSymbolsError?: string;
}

interface ProcessState {
  pid: number;
  mappings: Mapping[];
  mapsText: string;
  /** performance.now() of the last attempt to read maps. */
  mapsReadAt: number;
  /** /proc/PID is gone: what we cached is all we will know. */
  gone: boolean;
  frames: Map<bigint, Frame>;
  /** By `device:inode:path` of the mapping. */
  objects: Map<string, ObjectSymbols | null>;
  vdso?: ObjectSymbols | null;
  perfMaps?: PerfMap[];
}

interface Resolution {
  frame: Frame;
  /** False when a later refresh (maps, perf map) may name it. */
  cacheable: boolean;
}

export class Symbolizer implements FrameSymbolizer {
  private readonly kallsymsPath: string;
  private readonly perfMapDirectory: string;
  private readonly refreshIntervalMs: number;
  private readonly maxCachedFrames: number;
  private readonly bpfProgramsVersion: () => number;

  private kernelTable: KernelSymbolTable | undefined;
  /** bpfProgramsVersion() just before kernelTable was read. */
  private kernelTableVersion = 0;
  /** When bpfProgramsVersion() was last compared with it. */
  private kernelVersionCheckedAt = -Infinity;
  /** When kallsyms was last read again because programs were loaded (the first read does not count). */
  private kernelReloadedAt = -Infinity;
  private kernelFrames = new Map<bigint, Frame>();
  private readonly processes = new Map<number, ProcessState>();
  private readonly objectFiles: ObjectFiles;
  private cachedFrames = 0;
  private readonly counters: Omit<SymbolizerStats, keyof ObjectFileStats | 'processes' | 'kernelSymbols' | 'kernelAddressesHidden' | 'kernelSymbolsError'> = {
    cacheHits: 0,
    cacheMisses: 0,
    unknownFrames: 0,
    mapsReads: 0,
    kernelSymbolReads: 0,
  };
  private kernelSymbolsError: string | undefined;

  constructor(options: SymbolizerOptions = {}) {
    this.kallsymsPath = options.kallsymsPath ?? '/proc/kallsyms';
    this.perfMapDirectory = options.perfMapDirectory ?? '/tmp';
    this.objectFiles = new ObjectFiles(options.debugDirectories ?? ['/usr/lib/debug']);
    this.refreshIntervalMs = options.refreshIntervalMs ?? 250;
    this.maxCachedFrames = options.maxCachedFrames ?? 1_000_000;
    this.bpfProgramsVersion = options.bpfProgramsVersion ?? (this.kallsymsPath === '/proc/kallsyms' ? bpfProgramsVersion : () => 0);
  }

  /** Names a kernel instruction pointer: `{ name: 'schedule', module: '[kernel]' }` or a module's name. */
  kernel(address: bigint): Frame {
    const cached = this.kernelFrames.get(address);
    const stale = this.kernelSymbolsStale(address, cached !== undefined);
    if (cached !== undefined && !stale) {
      this.counters.cacheHits++;
      return this.counted(cached);
    }
    this.counters.cacheMisses++;
    if (stale) this.reloadKernelSymbols();
    const symbol = this.kernelSymbols().lookup(address);
    const frame: Frame = symbol
      ? { name: symbol.name, module: symbol.module, kernel: true, address }
      : { name: UNKNOWN_FRAME_NAME, module: KERNEL_MODULE, kernel: true, address };
    this.remember(this.kernelFrames, address, frame);
    return this.counted(frame);
  }

  /** Names a user instruction pointer of process `pid` (its tgid). */
  user(pid: number, address: bigint): Frame {
    const state = this.process(pid);
    const cached = state.frames.get(address);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return this.counted(cached);
    }
    this.counters.cacheMisses++;
    let resolution: Resolution;
    try {
      resolution = this.resolveUser(state, address);
    } catch {
      // Every read is guarded; this is for the case we did not think of.
      resolution = { frame: unknownUserFrame(address, UNKNOWN_FRAME_NAME), cacheable: false };
    }
    if (resolution.cacheable) this.remember(state.frames, address, resolution.frame);
    return this.counted(resolution.frame);
  }

  /**
   * Reads a process's mappings and the symbols of its executable files now, so
   * its stacks can still be named after it exits. False when it is already gone.
   */
  loadProcess(pid: number): boolean {
    const state = this.process(pid);
    if (!this.refreshMaps(state, false)) return state.mappings.length > 0;
    for (const mapping of state.mappings) {
      if (!mapping.permissions.includes('x')) continue;
      if (mapping.path === '[vdso]') this.vdsoFor(state, mapping);
      else if (!isAnonymous(mapping) && !mapping.path.startsWith('[')) this.objectFor(state, mapping);
    }
    return true;
  }

  /** Drops what is cached about a process (it exited and its pid may be reused). */
  forgetProcess(pid: number): void {
    const state = this.processes.get(pid);
    if (state === undefined) return;
    this.cachedFrames -= state.frames.size;
    this.processes.delete(pid);
  }

  /** Re-reads kallsyms on the next kernel lookup (modules or BPF programs loaded since). */
  reloadKernelSymbols(): void {
    this.kernelTable = undefined;
    this.kernelSymbolsError = undefined;
    this.cachedFrames -= this.kernelFrames.size;
    this.kernelFrames = new Map();
  }

  stats(): SymbolizerStats {
    const table = this.kernelTable;
    const stats: SymbolizerStats = {
      ...this.counters,
      ...this.objectFiles.stats,
      processes: this.processes.size,
      kernelSymbols: table?.size ?? 0,
      kernelAddressesHidden: table?.addressesHidden ?? false,
    };
    if (this.kernelSymbolsError !== undefined) stats.kernelSymbolsError = this.kernelSymbolsError;
    return stats;
  }

  private counted(frame: Frame): Frame {
    if (isUnknownFrame(frame)) this.counters.unknownFrames++;
    return frame;
  }

  private remember(cache: Map<bigint, Frame>, address: bigint, frame: Frame): void {
    if (this.cachedFrames >= this.maxCachedFrames) {
      this.kernelFrames.clear();
      for (const state of this.processes.values()) state.frames.clear();
      this.cachedFrames = 0;
    }
    cache.set(address, frame);
    this.cachedFrames++;
  }

  /**
   * Whether the kallsyms snapshot may not know `address`: it lies outside the
   * kernel image (module or BPF JIT memory) and BPF programs were loaded since
   * the snapshot was read. Asking costs one syscall: on every miss, for a
   * cached frame (its program may have been replaced) at most once per refresh
   * interval; and kallsyms is re-read at most once per interval.
   */
  private kernelSymbolsStale(address: bigint, cached: boolean): boolean {
    const table = this.kernelSymbols();
    if (table.addressesHidden || table.inKernelImage(address)) return false;
    const now = performance.now();
    if (now - this.kernelReloadedAt < this.refreshIntervalMs) return false;
    if (cached && now - this.kernelVersionCheckedAt < this.refreshIntervalMs) return false;
    this.kernelVersionCheckedAt = now;
    if (this.bpfProgramsVersion() === this.kernelTableVersion) return false;
    this.kernelReloadedAt = now;
    return true;
  }

  private kernelSymbols(): KernelSymbolTable {
    if (this.kernelTable === undefined) {
      // Taken before the read: a program loaded in between is in the text, and only costs one more read later.
      this.kernelTableVersion = this.bpfProgramsVersion();
      this.kernelVersionCheckedAt = performance.now();
      this.counters.kernelSymbolReads++;
      try {
        this.kernelTable = KernelSymbolTable.parse(readFileSync(this.kallsymsPath, 'utf8'));
      } catch (error) {
        this.kernelSymbolsError = error instanceof Error ? error.message : String(error);
        this.kernelTable = KernelSymbolTable.empty;
      }
    }
    return this.kernelTable;
  }

  private process(pid: number): ProcessState {
    let state = this.processes.get(pid);
    if (state === undefined) {
      state = { pid, mappings: [], mapsText: '', mapsReadAt: -Infinity, gone: false, frames: new Map(), objects: new Map() };
      this.processes.set(pid, state);
      this.refreshMaps(state, false);
    }
    return state;
  }

  /** Re-reads /proc/PID/maps; on a miss only once per refresh interval. True when it read them. */
  private refreshMaps(state: ProcessState, onMiss: boolean): boolean {
    const now = performance.now();
    if (state.gone || (onMiss && now - state.mapsReadAt < this.refreshIntervalMs)) return false;
    state.mapsReadAt = now;
    let text: string;
    try {
      text = readFileSync(`/proc/${state.pid}/maps`, 'utf8');
      this.counters.mapsReads++;
    } catch {
      state.gone = true;
      return false;
    }
    // A zombie has no mappings left: keep the ones we knew.
    if (text === '' || text === state.mapsText) return text !== '';
    state.mapsText = text;
    state.mappings = parseProcessMaps(text);
    // Addresses may now belong to other mappings (dlclose, then dlopen).
    this.cachedFrames -= state.frames.size;
    state.frames.clear();
    return true;
  }

  private resolveUser(state: ProcessState, address: bigint): Resolution {
    let mapping = findMapping(state.mappings, address);
    // Libraries loaded (dlopen) since we read the maps.
    if (mapping === undefined && this.refreshMaps(state, true)) mapping = findMapping(state.mappings, address);
    if (mapping === undefined) {
      // The process may be gone with its perf map still there.
      const jitFrame = this.perfMapFrame(state, address);
      return jitFrame ? { frame: jitFrame, cacheable: true } : { frame: unknownUserFrame(address, UNKNOWN_FRAME_NAME), cacheable: state.gone };
    }
    if (mapping.path === '[vdso]') return { frame: this.vdsoFrame(state, mapping, address), cacheable: true };
    if (isAnonymous(mapping) || mapping.path.startsWith('[')) {
      const jitFrame = this.perfMapFrame(state, address);
      if (jitFrame) return { frame: jitFrame, cacheable: true };
      return { frame: unknownUserFrame(address, mapping.path === '' ? '[anon]' : mapping.path), cacheable: state.gone };
    }
    const fileOffset = Number(address - mapping.start) + mapping.offset;
    const object = this.objectFor(state, mapping);
    const name = object ? lookupFileOffset(object, fileOffset) : undefined;
    return {
      frame: { name: name ?? offsetFrameName(mapping.path, fileOffset), module: mapping.path, kernel: false, address },
      cacheable: true,
    };
  }

  private vdsoFrame(state: ProcessState, mapping: Mapping, address: bigint): Frame {
    // The vdso is mapped whole from offset 0: its file offsets are offsets in the mapping.
    const offset = Number(address - mapping.start);
    const object = this.vdsoFor(state, mapping);
    const name = object ? lookupFileOffset(object, offset) : undefined;
    return { name: name ?? offsetFrameName('[vdso]', offset), module: '[vdso]', kernel: false, address };
  }

  private perfMapFrame(state: ProcessState, address: bigint): Frame | undefined {
    for (const perfMap of this.perfMapsFor(state)) {
      const name = perfMap.lookup(address);
      if (name !== undefined) return { name, module: perfMap.path, kernel: false, address };
    }
    return undefined;
  }

  private perfMapsFor(state: ProcessState): PerfMap[] {
    if (state.perfMaps === undefined) {
      state.perfMaps = [new PerfMap(path.join(this.perfMapDirectory, `perf-${state.pid}.map`), this.refreshIntervalMs)];
      // A containerized JIT writes /tmp/perf-<its own pid>.map inside its mount namespace.
      const namespacePid = state.gone ? undefined : innermostNamespacePid(state.pid);
      if (namespacePid !== undefined && namespacePid !== state.pid) {
        state.perfMaps.push(new PerfMap(`/proc/${state.pid}/root/tmp/perf-${namespacePid}.map`, this.refreshIntervalMs));
      }
    }
    return state.perfMaps;
  }

  /** The vdso's symbols, once per process. */
  private vdsoFor(state: ProcessState, mapping: Mapping): ObjectSymbols | null {
    // null once tried: a vdso that could not be read is not read again.
    if (state.vdso === undefined) state.vdso = state.gone ? null : this.objectFiles.vdso(state.pid, mapping);
    return state.vdso;
  }

  /** The symbols of a mapped file, once per process and mapped file. */
  private objectFor(state: ProcessState, mapping: Mapping): ObjectSymbols | null {
    const processKey = `${mapping.device}:${mapping.inode}:${mapping.path}`;
    let object = state.objects.get(processKey);
    if (object === undefined) {
      object = this.objectFiles.mapped(state.pid, state.gone, mapping);
      state.objects.set(processKey, object);
    }
    return object;
  }
}

function unknownUserFrame(address: bigint, module: string): Frame {
  return { name: UNKNOWN_FRAME_NAME, module, kernel: false, address };
}

/** The process's pid in its own (innermost) pid namespace, from NSpid in /proc/PID/status. */
function innermostNamespacePid(pid: number): number | undefined {
  try {
    const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    const last = line?.trim().split(/\s+/).pop();
    return last === undefined ? undefined : Number(last);
  } catch {
    return undefined;
  }
}
