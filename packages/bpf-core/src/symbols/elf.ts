// A small ELF reader, just enough to name addresses: program headers (to turn a
// file offset into a virtual address), the function symbols of .symtab and
// .dynsym, the build id and .gnu_debuglink (to find separate debug files).
// ELF64 little-endian only (x86_64, aarch64, riscv64...). Other classes, byte
// orders and truncated or corrupt files give a reason string or an empty table,
// never an exception: stacks are symbolized best effort.
import { readSync } from 'node:fs';
import { readU64 } from '../encode.js';

/** Random access to the bytes of an ELF image: a file, or a buffer (the vdso, tests). */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes at `offset`, or null when they are not all there. */
  read(offset: number, length: number): Buffer | null;
}

/** Larger sections than this are corrupt for our purpose (and would not fit a Buffer). */
const MAX_READ_BYTES = 512 * 1024 * 1024;

function isReadableRange(offset: number, length: number, size: number): boolean {
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && length <= MAX_READ_BYTES && offset + length <= size;
}

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: (offset, length) => (isReadableRange(offset, length, buffer.length) ? buffer.subarray(offset, offset + length) : null),
  };
}

/** Reads an open file with pread; the caller owns (and closes) the descriptor. */
export function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      if (!isReadableRange(offset, length, size)) return null;
      const buffer = Buffer.allocUnsafe(length);
      try {
        let done = 0;
        while (done < length) {
          const count = readSync(fd, buffer, done, length - done, offset + done);
          if (count === 0) return null;
          done += count;
        }
      } catch {
        return null;
      }
      return buffer;
    },
  };
}

export interface LoadSegment {
  fileOffset: number;
  virtualAddress: number;
  fileSize: number;
  executable: boolean;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  /** Where it is loaded (sh_addr), 0 when it is not. */
  address: number;
  offset: number;
  size: number;
  link: number;
  entrySize: number;
}

export interface ElfFile {
  /** PT_LOAD program headers, executable ones first (they are the ones stacks point into). */
  loadSegments: LoadSegment[];
  sections: ElfSection[];
  /** NT_GNU_BUILD_ID as lowercase hex. */
  buildId?: string;
  /** File name from .gnu_debuglink. */
  debugLink?: string;
}

const ELF_MAGIC = 0x464c457f; // "\x7fELF" read little-endian
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const PT_LOAD = 1;
const PT_NOTE = 4;
const PF_X = 1;
const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const SHF_COMPRESSED = 0x800;
const SHN_UNDEF = 0;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const NT_GNU_BUILD_ID = 3;
const HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;
const SECTION_HEADER_SIZE = 64;
const SYMBOL_SIZE = 24;

function cString(buffer: Buffer, offset: number): string {
  if (offset >= buffer.length) return '';
  const end = buffer.indexOf(0, offset);
  return buffer.toString('utf8', offset, end < 0 ? buffer.length : end);
}

/** Parses the headers of an ELF image; returns why not when it cannot. */
export function readElf(source: ByteSource): ElfFile | string {
  try {
    return readElfHeaders(source);
  } catch (error) {
    // Reads are range-checked, so this is a bug or a corrupt field we did not foresee.
    return `corrupt ELF (${error instanceof Error ? error.message : String(error)})`;
  }
}

function readElfHeaders(source: ByteSource): ElfFile | string {
  const header = source.read(0, HEADER_SIZE);
  if (header === null || header.length < 6) return 'not an ELF file (too short)';
  if (header.readUInt32LE(0) !== ELF_MAGIC) return 'not an ELF file';
  const elfClass = header[4];
  if (elfClass === ELFCLASS32) return 'ELF32 is not supported';
  if (elfClass !== ELFCLASS64) return `unknown ELF class ${String(elfClass)}`;
  if (header[5] !== ELFDATA2LSB) return 'big-endian ELF is not supported';

  const programHeaderOffset = readU64(header, 32);
  const sectionHeaderOffset = readU64(header, 40);
  const programHeaderEntrySize = header.readUInt16LE(54);
  let programHeaderCount = header.readUInt16LE(56);
  const sectionHeaderEntrySize = header.readUInt16LE(58);
  let sectionHeaderCount = header.readUInt16LE(60);
  let sectionNamesIndex = header.readUInt16LE(62);

  // Extended numbering: the real counts live in section header 0.
  if (sectionHeaderOffset > 0 && sectionHeaderEntrySize >= SECTION_HEADER_SIZE) {
    const first = source.read(sectionHeaderOffset, SECTION_HEADER_SIZE);
    if (first !== null) {
      if (sectionHeaderCount === 0) sectionHeaderCount = readU64(first, 32);
      if (sectionNamesIndex === SHN_XINDEX) sectionNamesIndex = first.readUInt32LE(40);
      if (programHeaderCount === PN_XNUM) programHeaderCount = first.readUInt32LE(44);
    }
  }

  const loadSegments: LoadSegment[] = [];
  const noteSegments: Array<{ offset: number; size: number }> = [];
  if (programHeaderEntrySize >= PROGRAM_HEADER_SIZE && programHeaderCount > 0) {
    const table = source.read(programHeaderOffset, programHeaderEntrySize * programHeaderCount);
    for (let index = 0; table !== null && index < programHeaderCount; index++) {
      const at = index * programHeaderEntrySize;
      const type = table.readUInt32LE(at);
      if (type === PT_LOAD) {
        loadSegments.push({
          fileOffset: readU64(table, at + 8),
          virtualAddress: readU64(table, at + 16),
          fileSize: readU64(table, at + 32),
          executable: (table.readUInt32LE(at + 4) & PF_X) !== 0,
        });
      } else if (type === PT_NOTE) {
        noteSegments.push({ offset: readU64(table, at + 8), size: readU64(table, at + 32) });
      }
    }
  }
  loadSegments.sort((a, b) => Number(b.executable) - Number(a.executable));

  const sections: ElfSection[] = [];
  if (sectionHeaderEntrySize >= SECTION_HEADER_SIZE && sectionHeaderCount > 0) {
    const table = source.read(sectionHeaderOffset, sectionHeaderEntrySize * sectionHeaderCount);
    const nameOffsets: number[] = [];
    for (let index = 0; table !== null && index < sectionHeaderCount; index++) {
      const at = index * sectionHeaderEntrySize;
      nameOffsets.push(table.readUInt32LE(at));
      sections.push({
        name: '',
        type: table.readUInt32LE(at + 4),
        flags: table.readUInt32LE(at + 8),
        address: readU64(table, at + 16),
        offset: readU64(table, at + 24),
        size: readU64(table, at + 32),
        link: table.readUInt32LE(at + 40),
        entrySize: readU64(table, at + 56),
      });
    }
    const names = sectionData(source, sections[sectionNamesIndex]);
    if (names !== null) {
      sections.forEach((section, index) => {
        section.name = cString(names, nameOffsets[index] ?? names.length);
      });
    }
  }

  const elf: ElfFile = { loadSegments, sections };
  const notes = sections.filter((section) => section.type === SHT_NOTE);
  const buildId =
    findBuildId(notes.map((section) => sectionData(source, section))) ?? findBuildId(noteSegments.map((segment) => source.read(segment.offset, segment.size)));
  if (buildId !== undefined) elf.buildId = buildId;
  const debugLink = sectionData(
    source,
    sections.find((section) => section.name === '.gnu_debuglink'),
  );
  if (debugLink !== null && debugLink.length > 0) {
    const name = cString(debugLink, 0);
    if (name !== '') elf.debugLink = name;
  }
  return elf;
}

export function sectionData(source: ByteSource, section: ElfSection | undefined): Buffer | null {
  if (section === undefined || section.type === SHT_NOBITS || (section.flags & SHF_COMPRESSED) !== 0) return null;
  return source.read(section.offset, section.size);
}

/** An ELF note: its owner's name (NUL removed), its type and its description bytes. */
export interface ElfNote {
  name: string;
  type: number;
  description: Buffer;
}

/** The notes of a note section or segment, up to the first that runs past its end. */
export function elfNotes(notes: Buffer): ElfNote[] {
  const found: ElfNote[] = [];
  let at = 0;
  while (at + 12 <= notes.length) {
    const nameSize = notes.readUInt32LE(at);
    const descriptionSize = notes.readUInt32LE(at + 4);
    const type = notes.readUInt32LE(at + 8);
    const nameStart = at + 12;
    const descriptionStart = nameStart + align4(nameSize);
    const next = descriptionStart + align4(descriptionSize);
    if (next > notes.length) break;
    const name = notes.toString('latin1', nameStart, nameStart + nameSize).replace(/\0+$/, '');
    found.push({ name, type, description: notes.subarray(descriptionStart, descriptionStart + descriptionSize) });
    at = next;
  }
  return found;
}

function findBuildId(noteBlocks: Array<Buffer | null>): string | undefined {
  for (const notes of noteBlocks) {
    if (notes === null) continue;
    const buildId = elfNotes(notes).find((note) => note.type === NT_GNU_BUILD_ID && note.name === 'GNU');
    if (buildId) return buildId.description.toString('hex');
  }
  return undefined;
}

const align4 = (value: number) => (value + 3) & ~3;

/**
 * The names of the functions an image defines, in .symtab and .dynsym both (a uprobe on a
 * symbol resolves either), each once, unsorted. Bounded by `maxNames` (a corrupt table of
 * millions of entries must not take the agent's memory).
 */
export function functionSymbolNames(source: ByteSource, elf: ElfFile, maxNames = 1_000_000): Set<string> {
  const names = new Set<string>();
  for (const section of elf.sections) {
    if (section.type !== SHT_SYMTAB && section.type !== SHT_DYNSYM) continue;
    const entrySize = section.entrySize === 0 ? SYMBOL_SIZE : section.entrySize;
    if (entrySize < SYMBOL_SIZE) continue;
    const symbols = sectionData(source, section);
    const strings = sectionData(source, elf.sections[section.link]);
    if (symbols === null || strings === null) continue;
    for (let at = 0; at + SYMBOL_SIZE <= symbols.length && names.size < maxNames; at += entrySize) {
      const type = (symbols[at + 4] ?? 0) & 0xf;
      if (type !== STT_FUNC && type !== STT_GNU_IFUNC) continue;
      if (symbols.readUInt16LE(at + 6) === SHN_UNDEF) continue;
      const nameOffset = symbols.readUInt32LE(at);
      if (nameOffset === 0 || nameOffset >= strings.length) continue;
      names.add(cString(strings, nameOffset));
    }
  }
  return names;
}

/** The virtual address a file offset is loaded at, from the PT_LOAD segment holding it. */
export function fileOffsetToVirtualAddress(segments: readonly LoadSegment[], fileOffset: number): number | undefined {
  for (const segment of segments) {
    if (fileOffset >= segment.fileOffset && fileOffset < segment.fileOffset + segment.fileSize) {
      return fileOffset - segment.fileOffset + segment.virtualAddress;
    }
  }
  return undefined;
}

/**
 * Function symbols sorted by address, one per address (the best of its
 * aliases), names decoded on lookup from the string tables kept as read.
 */
export class FunctionSymbolTable {
  static readonly empty = new FunctionSymbolTable(new Float64Array(0), new Float64Array(0), new Uint32Array(0), new Uint16Array(0), []);

  constructor(
    private readonly addresses: Float64Array,
    private readonly sizes: Float64Array,
    private readonly nameOffsets: Uint32Array,
    private readonly stringTableIndexes: Uint16Array,
    private readonly stringTables: readonly Buffer[],
  ) {}

  get size(): number {
    return this.addresses.length;
  }

  /** The function containing `virtualAddress`, else the nearest preceding size-0 one; O(log n). */
  lookup(virtualAddress: number): string | undefined {
    let low = 0;
    let high = this.addresses.length - 1;
    let preceding = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if ((this.addresses[middle] ?? Infinity) <= virtualAddress) {
        preceding = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (preceding < 0) return undefined;
    // A few symbols back may still contain the address (nested or overlapping symbols).
    for (let index = preceding; index >= 0 && index > preceding - 8; index--) {
      const size = this.sizes[index] ?? 0;
      if (size > 0 && virtualAddress < (this.addresses[index] ?? 0) + size) return this.nameAt(index);
    }
    return this.sizes[preceding] === 0 ? this.nameAt(preceding) : undefined;
  }

  private nameAt(index: number): string {
    const table = this.stringTables[this.stringTableIndexes[index] ?? 0];
    return table === undefined ? '' : cString(table, this.nameOffsets[index] ?? table.length);
  }
}

/** Collects function symbols from one or more ELF images (a binary and its debug file). */
export class FunctionSymbolTableBuilder {
  private readonly addresses: number[] = [];
  private readonly sizes: number[] = [];
  private readonly nameOffsets: number[] = [];
  private readonly stringTableIndexes: number[] = [];
  private readonly bindings: number[] = [];
  private readonly stringTables: Buffer[] = [];

  /**
   * Adds the functions of the image's .symtab, or of its .dynsym when it has
   * none (stripped): .dynsym is a subset of .symtab, reading both would only
   * double the work.
   */
  addElf(source: ByteSource, elf: ElfFile): { symtabFunctions: number; dynsymFunctions: number } {
    const counts = { symtabFunctions: 0, dynsymFunctions: 0 };
    for (const section of elf.sections) {
      if (section.type === SHT_SYMTAB) counts.symtabFunctions += this.addSymbolSection(source, section, elf.sections[section.link]);
    }
    if (counts.symtabFunctions > 0) return counts;
    for (const section of elf.sections) {
      if (section.type === SHT_DYNSYM) counts.dynsymFunctions += this.addSymbolSection(source, section, elf.sections[section.link]);
    }
    return counts;
  }

  private addSymbolSection(source: ByteSource, section: ElfSection, stringSection: ElfSection | undefined): number {
    const entrySize = section.entrySize === 0 ? SYMBOL_SIZE : section.entrySize;
    if (entrySize < SYMBOL_SIZE || this.stringTables.length >= 0xffff) return 0;
    const symbols = sectionData(source, section);
    const strings = sectionData(source, stringSection);
    if (symbols === null || strings === null) return 0;
    const tableIndex = this.stringTables.push(strings) - 1;
    let added = 0;
    for (let at = 0; at + SYMBOL_SIZE <= symbols.length; at += entrySize) {
      const info = symbols[at + 4] ?? 0;
      const type = info & 0xf;
      if (type !== STT_FUNC && type !== STT_GNU_IFUNC) continue;
      const nameOffset = symbols.readUInt32LE(at);
      if (nameOffset === 0 || nameOffset >= strings.length) continue;
      if (symbols.readUInt16LE(at + 6) === SHN_UNDEF) continue;
      // User-space addresses fit in 2^53; anything larger is not a function we can be asked about.
      if (symbols.readUInt32LE(at + 12) >= 2 ** 21 || symbols.readUInt32LE(at + 20) >= 2 ** 21) continue;
      const address = readU64(symbols, at + 8);
      if (address === 0) continue;
      this.addresses.push(address);
      this.sizes.push(readU64(symbols, at + 16));
      this.nameOffsets.push(nameOffset);
      this.stringTableIndexes.push(tableIndex);
      this.bindings.push(info >> 4);
      added++;
    }
    return added;
  }

  build(): FunctionSymbolTable {
    const order = this.sortedIndexes();
    const kept: number[] = [];
    for (const index of order) {
      const last = kept[kept.length - 1];
      if (last !== undefined && this.addresses[last] === this.addresses[index]) {
        if (this.isBetterAlias(index, last)) kept[kept.length - 1] = index;
      } else {
        kept.push(index);
      }
    }
    const addresses = new Float64Array(kept.length);
    const sizes = new Float64Array(kept.length);
    const nameOffsets = new Uint32Array(kept.length);
    const stringTableIndexes = new Uint16Array(kept.length);
    kept.forEach((index, position) => {
      addresses[position] = this.addresses[index] ?? 0;
      sizes[position] = this.sizes[index] ?? 0;
      nameOffsets[position] = this.nameOffsets[index] ?? 0;
      stringTableIndexes[position] = this.stringTableIndexes[index] ?? 0;
    });
    return new FunctionSymbolTable(addresses, sizes, nameOffsets, stringTableIndexes, this.stringTables);
  }

  /** Symbol indexes by address, then by the order they were added. */
  private sortedIndexes(): ArrayLike<number> & Iterable<number> {
    const count = this.addresses.length;
    const indexBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
    const highest = this.addresses.reduce((highestSoFar, address) => Math.max(highestSoFar, address), 0);
    if (highest * 2 ** indexBits < 2 ** 53) {
      // Address and index packed in one exact double: a native numeric sort, several times faster than a comparator.
      const keys = new Float64Array(count);
      for (let index = 0; index < count; index++) keys[index] = (this.addresses[index] ?? 0) * 2 ** indexBits + index;
      keys.sort();
      const order = new Uint32Array(count);
      for (let position = 0; position < count; position++) order[position] = (keys[position] ?? 0) % 2 ** indexBits;
      return order;
    }
    const addresses = this.addresses;
    return Array.from({ length: count }, (_, index) => index).sort((a, b) => (addresses[a] ?? 0) - (addresses[b] ?? 0) || a - b);
  }

  /**
   * Which of two symbols at one address to show: sized over unsized, exported
   * over local, then the fewest leading underscores (glibc's `getpid` over its
   * `__getpid` alias: the name people call), global over weak, then the
   * shortest (libm's `cbrt` over `cbrtf64`).
   */
  private isBetterAlias(candidate: number, current: number): boolean {
    const candidateSized = (this.sizes[candidate] ?? 0) > 0;
    const currentSized = (this.sizes[current] ?? 0) > 0;
    if (candidateSized !== currentSized) return candidateSized;
    const candidateExported = this.bindings[candidate] !== STB_LOCAL;
    const currentExported = this.bindings[current] !== STB_LOCAL;
    if (candidateExported !== currentExported) return candidateExported;
    const candidateUnderscores = this.leadingUnderscores(candidate);
    const currentUnderscores = this.leadingUnderscores(current);
    if (candidateUnderscores !== currentUnderscores) return candidateUnderscores < currentUnderscores;
    const candidateGlobal = this.bindings[candidate] === STB_GLOBAL;
    const currentGlobal = this.bindings[current] === STB_GLOBAL;
    if (candidateGlobal !== currentGlobal) return candidateGlobal;
    return this.nameLength(candidate) < this.nameLength(current);
  }

  private leadingUnderscores(index: number): number {
    const table = this.stringTables[this.stringTableIndexes[index] ?? 0];
    const start = this.nameOffsets[index] ?? 0;
    let at = start;
    while (table !== undefined && table[at] === 0x5f) at++;
    return at - start;
  }

  private nameLength(index: number): number {
    const table = this.stringTables[this.stringTableIndexes[index] ?? 0];
    const start = this.nameOffsets[index] ?? 0;
    const end = table === undefined ? -1 : table.indexOf(0, start);
    return end < 0 ? Infinity : end - start;
  }
}

/** A function symbol by name, for probes: where it is, and whether it is an IFUNC resolver rather than the function. */
export interface NamedFunctionSymbol {
  name: string;
  address: number;
  size: number;
  ifunc: boolean;
}

/**
 * Every defined function symbol of the image, from .symtab and .dynsym (a
 * stripped library has only the latter), each name once, in file order. For
 * uprobes, which are placed by name, where the symbolizer looks up by address.
 */
export function functionSymbolsByName(source: ByteSource, elf: ElfFile): NamedFunctionSymbol[] {
  const byName = new Map<string, NamedFunctionSymbol>();
  for (const type of [SHT_SYMTAB, SHT_DYNSYM]) {
    for (const section of elf.sections) {
      if (section.type !== type) continue;
      const entrySize = section.entrySize === 0 ? SYMBOL_SIZE : section.entrySize;
      if (entrySize < SYMBOL_SIZE) continue;
      const symbols = sectionData(source, section);
      const strings = sectionData(source, elf.sections[section.link]);
      if (symbols === null || strings === null) continue;
      for (let at = 0; at + SYMBOL_SIZE <= symbols.length; at += entrySize) {
        const info = symbols[at + 4] ?? 0;
        const symbolType = info & 0xf;
        if (symbolType !== STT_FUNC && symbolType !== STT_GNU_IFUNC) continue;
        if (symbols.readUInt16LE(at + 6) === SHN_UNDEF) continue;
        const nameOffset = symbols.readUInt32LE(at);
        if (nameOffset === 0 || nameOffset >= strings.length) continue;
        if (symbols.readUInt32LE(at + 12) >= 2 ** 21) continue;
        const address = readU64(symbols, at + 8);
        if (address === 0) continue;
        const name = cString(strings, nameOffset);
        if (!byName.has(name)) byName.set(name, { name, address, size: readU64(symbols, at + 16), ifunc: symbolType === STT_GNU_IFUNC });
      }
    }
  }
  return [...byName.values()];
}

/** The file offset a virtual address is loaded from (what a uprobe is placed at), from the PT_LOAD segment holding it. */
export function virtualAddressToFileOffset(segments: readonly LoadSegment[], virtualAddress: number): number | undefined {
  for (const segment of segments) {
    if (virtualAddress >= segment.virtualAddress && virtualAddress < segment.virtualAddress + segment.fileSize) {
      return virtualAddress - segment.virtualAddress + segment.fileOffset;
    }
  }
  return undefined;
}
