import { createRequire } from 'node:module';
import { BpfError } from './errors.js';

export interface NativeProgramInfo {
  name: string;
  section: string;
  type: string;
  autoload: boolean;
  /** Kernel program id once loaded, else -1. */
  id: number;
}

/** What the kernel counted for one loaded program while BPF statistics were on. */
export interface NativeProgramStats {
  name: string;
  id: number;
  /** Total time in the program, ns (exact up to 2^53). */
  runTimeNs: number;
  /** Times the program ran. */
  runCount: number;
  /** Runs skipped because the program was already running on that CPU (tracing programs). */
  recursionMisses: number;
}

export interface NativeMapInfo {
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  /** Bytes of one lookup result: valueSize, or one 8-byte-aligned slot per possible CPU. */
  valueBufferSize: number;
  maxEntries: number;
}

export interface NativeMapEntries {
  keys: Buffer;
  values: Buffer;
  count: number;
  keySize: number;
  valueSize: number;
}

export interface NativePerfEventOptions {
  type: number;
  config: number;
  frequency?: number;
  period?: number;
}

export interface NativeUprobeTarget {
  binaryPath: string;
  fileOffset: number;
  pid: number;
  retprobe: boolean;
  refCtrOffset: number;
}

export interface NativeBpfObject {
  programs(): NativeProgramInfo[];
  programStats(): NativeProgramStats[];
  maps(): NativeMapInfo[];
  setAutoload(program: string, autoload: boolean): void;
  setGlobal(name: string, bytes: Buffer): void;
  setMapMaxEntries(map: string, entries: number): void;
  allocateOnUpdate(map: string): void;
  load(): void;
  attach(program: string): number;
  attachUprobe(program: string, binaryPath: string, functionName: string, pid: number, retprobe: boolean): number;
  attachTracepoint(program: string, category: string, name: string, cookie: number): number;
  attachUprobeAt(program: string, binaryPath: string, fileOffset: number, pid: number, retprobe: boolean, cookie: number, refCtrOffset?: number): number;
  attachKprobe(program: string, functionName: string, retprobe: boolean, cookie: number): number;
  openUprobeEvents(targets: NativeUprobeTarget[]): boolean;
  attachPerfEvent(program: string, options: NativePerfEventOptions): number;
  attachIter(program: string): number;
  readIter(link: number, buffer: Buffer): number;
  linkIds(): number[];
  mapLookup(map: string, key: Buffer): Buffer | null;
  mapUpdate(map: string, key: Buffer, value: Buffer): void;
  mapDelete(map: string, key: Buffer): boolean;
  mapEntries(map: string, clear: boolean, limit?: number): NativeMapEntries;
  close(): void;
  closeAsync(callback: (error?: Error) => void): void;
}

export interface NativeRingBuffer {
  drain(): number;
  close(): void;
}

export interface NativeAddon {
  NativeBpfObject: new (path: string, btfCustomPath?: string) => NativeBpfObject;
  NativeRingBuffer: new (
    object: NativeBpfObject,
    mapName: string,
    onBatch: (batch: Buffer, count: number) => void,
    maxBatchEvents?: number,
  ) => NativeRingBuffer;
  setErrorClass(ctor: typeof BpfError): void;
  probeMapType(name: string): number;
  probeProgramType(name: string): number;
  vmlinuxHasType(kind: 'func' | 'struct' | 'typedef' | 'enum', name: string): boolean;
  perfEventOpenErrno(type: number, config: number): number;
  mountTracefs(): number;
  numPossibleCpus(): number;
  libbpfVersion(): string;
  /** The lowest program id above `afterId`, 0 when there is none, or a negative errno. */
  nextBpfProgramId(afterId: number): number;
  /** A descriptor keeping BPF run-time statistics on until closed, or a negative errno. */
  enableBpfStats(): number;
  /** Gives malloc's free pages back to the system (glibc's malloc_trim); whether any went. */
  releaseFreeMemory(): boolean;
}

const require = createRequire(import.meta.url);
// src/ and dist/ both sit one level below the package root, beside native/.
const addon = require('../native/build/Release/bpfscope_native.node') as NativeAddon;
addon.setErrorClass(BpfError);

export const native: NativeAddon = addon;
