import { existsSync } from 'node:fs';
import os from 'node:os';
import { countBpfProgramLoad } from './bpfPrograms.js';
import { coreBtf } from './coreBtf.js';
import { sumPerCpu } from './encode.js';
import { ToolError } from './errors.js';
import { native } from './native.js';
import type {
  NativeBpfObject,
  NativeMapEntries,
  NativeMapInfo,
  NativePerfEventOptions,
  NativeProgramInfo,
  NativeProgramStats,
  NativeRingBuffer,
  NativeUprobeTarget,
} from './native.js';

export interface UprobeTarget {
  binaryPath: string;
  functionName: string;
  /** -1 for every process that maps the binary. */
  pid?: number;
  retprobe?: boolean;
}

/** A uprobe (or uretprobe) at a file offset of an ELF binary; `refCtrOffset`: a USDT semaphore's file offset. */
export interface UprobeAtTarget {
  binaryPath: string;
  fileOffset: number;
  pid?: number;
  retprobe?: boolean;
  refCtrOffset?: number;
}

function checkedUprobeTarget(target: UprobeAtTarget): NativeUprobeTarget {
  if (!Number.isSafeInteger(target.fileOffset) || target.fileOffset < 0)
    throw new RangeError(`uprobe offset must be a non-negative integer, got ${target.fileOffset}`);
  const refCtrOffset = target.refCtrOffset ?? 0;
  if (!Number.isSafeInteger(refCtrOffset) || refCtrOffset < 0) throw new RangeError(`semaphore offset must be a non-negative integer, got ${refCtrOffset}`);
  const pid = target.pid ?? -1;
  if (!Number.isInteger(pid) || pid < -1) throw new RangeError(`uprobe pid must be -1 or a process id, got ${pid}`);
  return { binaryPath: target.binaryPath, fileOffset: target.fileOffset, pid, retprobe: target.retprobe ?? false, refCtrOffset };
}

/**
 * Whether a kernel release has bpf_mem_alloc (Linux 6.1), under which tracing programs' hash maps may allocate
 * safely (before it the verifier warns in the kernel log). By release, not by BTF: parsing vmlinux's BTF costs a
 * fresh process 10 ms; a backport reads as absent, which only keeps the map preallocated.
 */
export function tracingMayAllocate(release: string = os.release()): boolean {
  const [major = 0, minor = 0] = release.split('.', 2).map((part) => Number.parseInt(part, 10));
  return major > 6 || (major === 6 && minor >= 1);
}

/**
 * One BPF object file, from open through load and attach to close. The native
 * handle stays private; every argument is checked here before it reaches C++.
 */
export class BpfObject {
  readonly #native: NativeBpfObject;
  readonly #ringBuffers = new Set<RingBufferReader>();
  #closed = false;

  private constructor(
    nativeObject: NativeBpfObject,
    readonly path: string,
  ) {
    this.#native = nativeObject;
  }

  /**
   * Opens an object file. CO-RE relocations use the minimized kernel BTF when one
   * could be made (much faster loads), unless `fullKernelBtf` asks for vmlinux.
   */
  static open(path: string, options: { fullKernelBtf?: boolean } = {}): BpfObject {
    if (!existsSync(path)) {
      throw new ToolError('OBJECT_MISSING', `BPF object ${path} is missing: build bpf-core (make) first`);
    }
    // libbpf resolves tracepoints and uprobe events through tracefs.
    native.mountTracefs();
    const btfPath = options.fullKernelBtf ? undefined : coreBtf().path;
    return new BpfObject(btfPath ? new native.NativeBpfObject(path, btfPath) : new native.NativeBpfObject(path), path);
  }

  get closed(): boolean {
    return this.#closed;
  }

  programs(): NativeProgramInfo[] {
    return this.#native.programs();
  }

  maps(): NativeMapInfo[] {
    return this.#native.maps();
  }

  map(name: string): NativeMapInfo {
    const info = this.maps().find((map) => map.name === name);
    if (!info) throw new ToolError('OBJECT_MISSING', `BPF object ${this.path} has no map ${name}`);
    return info;
  }

  /** Only these programs are loaded; the others (fallbacks for other kernels) are switched off. */
  selectPrograms(names: readonly string[]): void {
    const wanted = new Set(names);
    const present = new Set(this.programs().map((program) => program.name));
    for (const name of present) this.#native.setAutoload(name, wanted.has(name));
    for (const name of wanted) {
      if (!present.has(name)) {
        throw new ToolError('OBJECT_MISSING', `BPF object ${this.path} has no program ${name}`);
      }
    }
  }

  /** The programs that load: those selected, less any a tool's configure left out. */
  selectedPrograms(): string[] {
    return this.programs()
      .filter((program) => program.autoload)
      .map((program) => program.name);
  }

  setGlobal(name: string, bytes: Buffer): void {
    this.#native.setGlobal(name, bytes);
  }

  setMapMaxEntries(map: string, entries: number): void {
    if (!Number.isInteger(entries) || entries <= 0) throw new RangeError(`map size must be a positive integer, got ${entries}`);
    this.#native.setMapMaxEntries(map, entries);
  }

  /**
   * A hash map whose elements are allocated as they are added (BPF_F_NO_PREALLOC), not all created and zeroed
   * with the map: a large one (execsnoop's 8 MB) was a quarter of a start. Only where BPF has its own allocator
   * (Linux 6.1), which tracing programs may call anywhere; before it the map stays preallocated. Says which.
   */
  allocateOnUpdate(map: string): boolean {
    if (!tracingMayAllocate()) return false;
    this.#native.allocateOnUpdate(map);
    return true;
  }

  load(): void {
    this.#native.load();
    countBpfProgramLoad();
  }

  attach(program: string): void {
    this.#native.attach(program);
  }

  attachUprobe(program: string, target: UprobeTarget): void {
    this.#native.attachUprobe(program, target.binaryPath, target.functionName, target.pid ?? -1, target.retprobe ?? false);
  }

  /**
   * Attaches a program to a classic tracepoint with a BPF cookie (bpf_get_attach_cookie), so one program attached
   * many times can tell its attachments apart.
   */
  attachTracepoint(program: string, target: { category: string; name: string; cookie?: number }): void {
    this.#native.attachTracepoint(program, target.category, target.name, checkedCookie(target.cookie));
  }

  /**
   * Attaches a uprobe (or uretprobe) at a file offset of an ELF binary, with a BPF cookie;
   * `refCtrOffset`: the file offset of a USDT semaphore the kernel raises while it is attached.
   */
  attachUprobeAt(program: string, target: UprobeAtTarget & { cookie?: number }): void {
    const checked = checkedUprobeTarget(target);
    this.#native.attachUprobeAt(
      program,
      checked.binaryPath,
      checked.fileOffset,
      checked.pid,
      checked.retprobe,
      checkedCookie(target.cookie),
      checked.refCtrOffset,
    );
  }

  /**
   * Before load: opens these uprobes' perf events on a native thread while the
   * verifier runs (each registration waits out an RCU grace period), for
   * attachUprobeAt to take. Returns false where the kernel has no uprobe PMU;
   * events no attach takes are closed with the object.
   */
  openUprobeEvents(targets: readonly UprobeAtTarget[]): boolean {
    return this.#native.openUprobeEvents(targets.map(checkedUprobeTarget));
  }

  /** Attaches a kprobe (or kretprobe) on a kernel function, with a BPF cookie. */
  attachKprobe(program: string, target: { functionName: string; retprobe?: boolean; cookie?: number }): void {
    this.#native.attachKprobe(program, target.functionName, target.retprobe ?? false, checkedCookie(target.cookie));
  }

  /** Attaches to one perf event per online CPU; returns how many. */
  attachPerfEvent(program: string, options: NativePerfEventOptions): number {
    return this.#native.attachPerfEvent(program, options);
  }

  /** Attaches a BPF iterator program (iter/task…); returns its link, for readIter. */
  attachIter(program: string): number {
    return this.#native.attachIter(program);
  }

  /** One full pass of an iterator into `buffer`; returns the bytes written (BpfError ENOSPC when it does not fit). */
  readIter(link: number, buffer: Buffer): number {
    return this.#native.readIter(link, buffer);
  }

  /** Kernel ids of the loaded programs (for audits and leak tests). */
  programIds(): number[] {
    return this.programs()
      .map((program) => program.id)
      .filter((id) => id >= 0);
  }

  linkIds(): number[] {
    return this.#native.linkIds().filter((id) => id >= 0);
  }

  /** Run time and runs of each loaded program, as the kernel counts them while BPF statistics are on (see enableBpfStats). */
  programStats(): NativeProgramStats[] {
    return this.#native.programStats();
  }

  lookup(map: string, key: Buffer): Buffer | null {
    return this.#native.mapLookup(map, key);
  }

  update(map: string, key: Buffer, value: Buffer): void {
    this.#native.mapUpdate(map, key, value);
  }

  delete(map: string, key: Buffer): boolean {
    return this.#native.mapDelete(map, key);
  }

  /** Every entry of a map; with clear, each is removed (hash) or zeroed (array) as it is read. */
  entries(map: string, options: { clear?: boolean; limit?: number } = {}): Array<{ key: Buffer; value: Buffer }> {
    const packed: NativeMapEntries = this.#native.mapEntries(map, options.clear ?? false, options.limit);
    const result: Array<{ key: Buffer; value: Buffer }> = [];
    for (let i = 0; i < packed.count; i++) {
      result.push({
        key: packed.keys.subarray(i * packed.keySize, (i + 1) * packed.keySize),
        value: packed.values.subarray(i * packed.valueSize, (i + 1) * packed.valueSize),
      });
    }
    return result;
  }

  /** Sum of a per-CPU u64 counter at key 0 (e.g. the `drops` map every tool has). */
  sumPerCpuCounter(map: string): number {
    const value = this.lookup(map, Buffer.alloc(4));
    return value ? (sumPerCpu(value, 1)[0] ?? 0) : 0;
  }

  openRingBuffer(map: string, onBatch: (records: Buffer[]) => void): RingBufferReader {
    const reader = new RingBufferReader(this.#native, map, onBatch, () => this.#ringBuffers.delete(reader));
    this.#ringBuffers.add(reader);
    return reader;
  }

  /** Detaches every link and frees every map and program; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const reader of [...this.#ringBuffers]) reader.close();
    this.#native.close();
  }

  /** close() without blocking the JS thread while the kernel waits out RCU grace periods. */
  closeAsync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const reader of [...this.#ringBuffers]) reader.close();
    return new Promise((resolve, reject) => this.#native.closeAsync((error) => (error ? reject(error) : resolve())));
  }
}

/** Cookies are u64 in the kernel; ours are small indexes, passed to C++ as numbers. */
function checkedCookie(cookie = 0): number {
  if (!Number.isSafeInteger(cookie) || cookie < 0) throw new RangeError(`BPF cookie must be a non-negative integer, got ${cookie}`);
  return cookie;
}

/**
 * A ring buffer consumed through libuv: the native side wakes on the ring's epoll
 * fd and calls back once per batch of records.
 */
export class RingBufferReader {
  readonly #native: NativeRingBuffer;
  readonly #onClose: () => void;
  #closed = false;

  constructor(object: NativeBpfObject, map: string, onBatch: (records: Buffer[]) => void, onClose: () => void) {
    this.#onClose = onClose;
    this.#native = new native.NativeRingBuffer(object, map, (batch, count) => onBatch(splitBatch(batch, count)));
  }

  /** Delivers whatever is in the ring now, synchronously. */
  drain(): number {
    return this.#closed ? 0 : this.#native.drain();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close();
    this.#onClose();
  }
}

/** Splits a native batch ([u32 length][4 pad][payload padded to 8]...) into views, no copies. */
export function splitBatch(batch: Buffer, count: number): Buffer[] {
  const records: Buffer[] = new Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = batch.readUInt32LE(offset);
    records[i] = batch.subarray(offset + 8, offset + 8 + length);
    offset += 8 + ((length + 7) & ~7);
  }
  return records;
}
