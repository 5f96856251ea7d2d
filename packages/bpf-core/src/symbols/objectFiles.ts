// The ELF files behind a process's executable mappings, and their function
// symbols: the very file mapped where /proc still shows it (map_files, the
// process's root), else the host's path if it is the same file; for stripped
// binaries, a separate debug file (build id, .gnu_debuglink); the vdso from the
// process's memory. Each file is parsed once, however many processes map it.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { type FunctionSymbolTable, FunctionSymbolTableBuilder, bufferSource, fileOffsetToVirtualAddress, fileSource, readElf } from './elf.js';
import type { ByteSource, ElfFile, LoadSegment } from './elf.js';
import type { Mapping } from './processMaps.js';

/** What a mapped file contributes: where its segments load and its functions. */
export interface ObjectSymbols {
  loadSegments: readonly LoadSegment[];
  symbols: FunctionSymbolTable;
}

export interface ObjectFileStats {
  /** ELF images whose symbol tables were read (each file once, however many processes map it). */
  elfFilesParsed: number;
  /** Mapped files that are not ELF64 little-endian (ELF32, big endian, not ELF, corrupt). */
  elfFilesUnsupported: number;
  /** Separate debug files (build id or .gnu_debuglink) used for stripped binaries. */
  debugFilesUsed: number;
}

/** The kernel maps a vdso of one or two pages; anything much larger is not one. */
const MAX_VDSO_BYTES = 1024 * 1024;

/** Symbol tables of mapped files, cached by file identity; nothing throws, null is "no usable symbols". */
export class ObjectFiles {
  readonly stats: ObjectFileStats = { elfFilesParsed: 0, elfFilesUnsupported: 0, debugFilesUsed: 0 };
  /** By `device:inode:size:mtime` of the file, or the vdso's content hash. */
  private readonly objects = new Map<string, ObjectSymbols | null>();

  /** `debugDirectories`: roots of separate debug files (`.build-id/xx/rest.debug`, debuglink). */
  constructor(private readonly debugDirectories: readonly string[]) {}

  /** The symbols of the file `mapping` maps in process `pid`, opened the most faithful way that works; `gone`: /proc/PID is no more. */
  mapped(pid: number, gone: boolean, mapping: Mapping): ObjectSymbols | null {
    const rootPrefix = `/proc/${pid}/root`;
    const candidates: Array<{ file: string; checkInode: boolean }> = [];
    if (!gone) {
      // map_files opens the very file mapped, even deleted or replaced since (library upgrades).
      candidates.push({ file: `/proc/${pid}/map_files/${mapping.start.toString(16)}-${mapping.end.toString(16)}`, checkInode: false });
      // The process's own view of the file system: containers.
      candidates.push({ file: rootPrefix + mapping.path, checkInode: false });
    }
    // The host's path: right only if it is still the same file.
    candidates.push({ file: mapping.path, checkInode: true });
    for (const { file, checkInode } of candidates) {
      const opened = this.openObject(file, checkInode ? mapping.inode : undefined, mapping.path, gone ? [''] : [rootPrefix, '']);
      if (opened !== undefined) return opened;
    }
    return null;
  }

  /** The vdso's symbols, read from the process's memory (all processes of one kernel share one image: parsed once). */
  vdso(pid: number, mapping: Mapping): ObjectSymbols | null {
    const length = Number(mapping.end - mapping.start);
    if (length <= 0 || length > MAX_VDSO_BYTES) return null;
    let image: Buffer;
    let fd: number | undefined;
    try {
      fd = openSync(`/proc/${pid}/mem`, 'r');
      image = Buffer.alloc(length);
      if (readSync(fd, image, 0, length, Number(mapping.start)) !== length) return null;
    } catch {
      return null;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const key = `vdso:${createHash('sha1').update(image).digest('hex')}`;
    let object = this.objects.get(key);
    if (object === undefined) {
      object = this.parseObject(bufferSource(image), undefined, []);
      this.objects.set(key, object);
    }
    return object;
  }

  /** undefined when the file cannot be opened (try the next path); null when it has no usable symbols. */
  private openObject(file: string, expectedInode: number | undefined, mappedPath: string, rootPrefixes: string[]): ObjectSymbols | null | undefined {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return undefined;
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return undefined;
      if (expectedInode !== undefined && expectedInode !== 0 && stat.ino !== expectedInode) return undefined;
      const key = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      let object = this.objects.get(key);
      if (object === undefined) {
        object = this.parseObject(fileSource(fd, stat.size), mappedPath, rootPrefixes);
        this.objects.set(key, object);
      }
      return object;
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  private parseObject(source: ByteSource, mappedPath: string | undefined, rootPrefixes: string[]): ObjectSymbols | null {
    const elf = readElf(source);
    if (typeof elf === 'string') {
      this.stats.elfFilesUnsupported++;
      return null;
    }
    this.stats.elfFilesParsed++;
    const builder = new FunctionSymbolTableBuilder();
    const { symtabFunctions } = builder.addElf(source, elf);
    // Stripped (distribution packages): the full .symtab may be in a separate debug file.
    if (symtabFunctions === 0 && mappedPath !== undefined) this.addDebugFile(builder, elf, mappedPath, rootPrefixes);
    return { loadSegments: elf.loadSegments, symbols: builder.build() };
  }

  private addDebugFile(builder: FunctionSymbolTableBuilder, elf: ElfFile, mappedPath: string, rootPrefixes: string[]): void {
    const directory = path.dirname(mappedPath);
    const relativeCandidates: string[] = [];
    if (elf.buildId !== undefined && elf.buildId.length > 2) {
      for (const debugDirectory of this.debugDirectories) {
        relativeCandidates.push(path.join(debugDirectory, '.build-id', elf.buildId.slice(0, 2), `${elf.buildId.slice(2)}.debug`));
      }
    }
    if (elf.debugLink !== undefined) {
      if (elf.debugLink !== path.basename(mappedPath)) relativeCandidates.push(path.join(directory, elf.debugLink));
      relativeCandidates.push(path.join(directory, '.debug', elf.debugLink));
      for (const debugDirectory of this.debugDirectories) relativeCandidates.push(path.join(debugDirectory, directory, elf.debugLink));
    }
    for (const rootPrefix of rootPrefixes) {
      for (const candidate of relativeCandidates) {
        if (this.addDebugCandidate(builder, elf, rootPrefix + candidate)) return;
      }
    }
  }

  private addDebugCandidate(builder: FunctionSymbolTableBuilder, elf: ElfFile, file: string): boolean {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return false;
    }
    try {
      const source = fileSource(fd, fstatSync(fd).size);
      const debugElf = readElf(source);
      if (typeof debugElf === 'string') return false;
      // A debug file of another build would name the wrong functions.
      if (elf.buildId !== undefined && debugElf.buildId !== undefined && elf.buildId !== debugElf.buildId) return false;
      if (builder.addElf(source, debugElf).symtabFunctions === 0) return false;
      this.stats.debugFilesUsed++;
      return true;
    } catch {
      return false;
    } finally {
      closeSync(fd);
    }
  }
}

/** The function at a file offset of a mapped object, undefined when none covers it. */
export function lookupFileOffset(object: ObjectSymbols, fileOffset: number): string | undefined {
  const virtualAddress = fileOffsetToVirtualAddress(object.loadSegments, fileOffset);
  if (virtualAddress === undefined) return undefined;
  const name = object.symbols.lookup(virtualAddress);
  return name === '' ? undefined : name;
}
