// USDT probes (systemtap's sys/sdt.h, DTRACE_PROBEn/STAP_PROBEn): each site is an
// ELF note in .note.stapsdt giving the probe's address, its semaphore and how
// to find each argument (`-4@%eax 8@-16(%rbp) 4@$5`). A site is a uprobe at its
// file offset; its semaphore is a counter the kernel raises while the uprobe is
// attached (ref_ctr_offset), so code guarded by it runs; its arguments are read
// from the saved registers or the memory they point at.
import { elfNotes, sectionData, virtualAddressToFileOffset } from '../symbols/elf.js';
import type { ByteSource, ElfFile } from '../symbols/elf.js';
import { withElfFile } from '../symbols/elfSymbols.js';

const NT_STAPSDT = 3;
/** sys/sdt.h allows 12 arguments. */
export const USDT_MAX_ARGS = 12;

/** How a site passes one argument: in a register, in memory at a register plus a displacement, or as a constant. */
export type UsdtArg =
  | { kind: 'register'; size: number; signed: boolean; register: string; text: string }
  | { kind: 'memory'; size: number; signed: boolean; register: string; displacement: number; text: string }
  | { kind: 'constant'; size: number; signed: boolean; value: bigint; text: string }
  /** A form not read (a symbol's address, an index register): reading it is refused with its text. */
  | { kind: 'unsupported'; text: string };

export interface UsdtSite {
  provider: string;
  name: string;
  /** The site's address, adjusted for a prelinked image (.stapsdt.base), and where it is in the file. */
  address: number;
  fileOffset: number;
  /** The semaphore's file offset (the uprobe's ref_ctr_offset), 0 when the probe has none. */
  semaphoreOffset: number;
  args: UsdtArg[];
}

/**
 * One `[-]size@operand` of a note's argument string, as GNU as writes x86_64
 * operands: `%reg`, `disp(%reg)`, `$constant`.
 */
export function parseUsdtArg(text: string): UsdtArg {
  const match = /^(-?)(1|2|4|8)@(.+)$/.exec(text);
  if (!match) return { kind: 'unsupported', text };
  const signed = match[1] === '-';
  const size = Number(match[2]);
  const operand = match[3] as string;
  const register = /^%([a-z0-9]+)$/.exec(operand);
  if (register) return { kind: 'register', size, signed, register: register[1] as string, text };
  const memory = /^(-?(?:0x[0-9a-f]+|\d+))?\(%([a-z0-9]+)\)$/i.exec(operand);
  if (memory) return { kind: 'memory', size, signed, register: memory[2] as string, displacement: Number(memory[1] ?? 0), text };
  const constant = /^\$(-?(?:0x[0-9a-f]+|\d+))$/i.exec(operand);
  if (constant) {
    const raw = constant[1] as string;
    const value = raw.startsWith('-') ? -BigInt(raw.slice(1)) : BigInt(raw);
    return { kind: 'constant', size, signed, value, text };
  }
  return { kind: 'unsupported', text };
}

/** A note's argument string: operands separated by spaces. */
export function parseUsdtArgs(text: string): UsdtArg[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((part) => part !== '')
    .slice(0, USDT_MAX_ARGS)
    .map(parseUsdtArg);
}

/**
 * Offsets in x86_64's struct pt_regs (arch/x86/include/asm/ptrace.h, a fixed
 * ABI) of each register, by every name of it or of its lower part.
 */
const X86_64_REGISTERS: ReadonlyArray<[number, readonly string[]]> = [
  [0, ['r15', 'r15d', 'r15w', 'r15b']],
  [8, ['r14', 'r14d', 'r14w', 'r14b']],
  [16, ['r13', 'r13d', 'r13w', 'r13b']],
  [24, ['r12', 'r12d', 'r12w', 'r12b']],
  [32, ['rbp', 'ebp', 'bp', 'bpl']],
  [40, ['rbx', 'ebx', 'bx', 'bl']],
  [48, ['r11', 'r11d', 'r11w', 'r11b']],
  [56, ['r10', 'r10d', 'r10w', 'r10b']],
  [64, ['r9', 'r9d', 'r9w', 'r9b']],
  [72, ['r8', 'r8d', 'r8w', 'r8b']],
  [80, ['rax', 'eax', 'ax', 'al']],
  [88, ['rcx', 'ecx', 'cx', 'cl']],
  [96, ['rdx', 'edx', 'dx', 'dl']],
  [104, ['rsi', 'esi', 'si', 'sil']],
  [112, ['rdi', 'edi', 'di', 'dil']],
  [128, ['rip', 'eip']],
  [152, ['rsp', 'esp', 'sp', 'spl']],
];
const registerOffsets = new Map<string, number>(X86_64_REGISTERS.flatMap(([offset, names]) => names.map((name) => [name, offset] as [string, number])));

/** Where a register is saved in struct pt_regs (x86_64), undefined for one that is not read (%ah, segment registers). */
export function ptRegsOffset(register: string): number | undefined {
  return process.arch === 'x64' ? registerOffsets.get(register) : undefined;
}

/** The NT_STAPSDT notes of an image, each a probe site. */
export function usdtSites(data: Buffer | null, elf: ElfFile): UsdtSite[] {
  if (data === null) return [];
  // A prelinked image moved; .stapsdt.base's address now and the base the note recorded say by how much.
  const base = elf.sections.find((section) => section.name === '.stapsdt.base');
  const sites: UsdtSite[] = [];
  for (const { name: owner, type, description } of elfNotes(data)) {
    if (type !== NT_STAPSDT || owner !== 'stapsdt' || description.length < 24) continue;
    const readAddress = (offset: number) => Number(description.readBigUInt64LE(offset));
    let address = readAddress(0);
    let semaphore = readAddress(16);
    if (base !== undefined && base.address !== 0) {
      const shift = base.address - readAddress(8);
      address += shift;
      if (semaphore !== 0) semaphore += shift;
    }
    const strings = description.toString('latin1', 24).split('\0');
    const [provider = '', name = '', args = ''] = strings;
    const fileOffset = virtualAddressToFileOffset(elf.loadSegments, address);
    if (fileOffset === undefined) continue;
    const semaphoreOffset = semaphore === 0 ? 0 : (virtualAddressToFileOffset(elf.loadSegments, semaphore) ?? 0);
    sites.push({ provider, name, address, fileOffset, semaphoreOffset, args: parseUsdtArgs(args) });
  }
  return sites;
}

/** The sites of an image's .note.stapsdt. */
function noteSites(source: ByteSource, elf: ElfFile): UsdtSite[] {
  return usdtSites(
    sectionData(
      source,
      elf.sections.find((section) => section.name === '.note.stapsdt'),
    ),
    elf,
  );
}

/** Every USDT site of a binary (absolute); ToolError INVALID_PARAMS as withElfFile says when it cannot be read. */
export function readUsdtSites(binary: string): UsdtSite[] {
  return withElfFile(binary, (source, elf) => noteSites(source, elf));
}

/** A USDT probe as a probe builder lists it: its name, how many sites fire it, and what it passes. */
export interface UsdtProbe {
  provider: string;
  name: string;
  /** Places in the file that fire it (a probe in an inlined function has one per copy). */
  sites: number;
  /** Has a semaphore: the program may skip the probe's work unless a tracer is attached. */
  semaphore: boolean;
  /** Its arguments (arg1, arg2, ...) as its first site passes them: `s32`, `u64` from the note's size and sign; no type for a form not read. */
  args: Array<{ type?: string; text: string }>;
}

/** The probes of a binary's sites, one per provider:name, sorted by provider then name. */
export function usdtProbes(sites: readonly UsdtSite[]): UsdtProbe[] {
  const probes = new Map<string, UsdtProbe>();
  for (const site of sites) {
    const known = probes.get(`${site.provider}:${site.name}`);
    if (known) {
      known.sites++;
      known.semaphore ||= site.semaphoreOffset !== 0;
      continue;
    }
    probes.set(`${site.provider}:${site.name}`, {
      provider: site.provider,
      name: site.name,
      sites: 1,
      semaphore: site.semaphoreOffset !== 0,
      args: site.args.map((arg) => (arg.kind === 'unsupported' ? { text: arg.text } : { type: `${arg.signed ? 's' : 'u'}${arg.size * 8}`, text: arg.text })),
    });
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...probes.values()].sort((a, b) => order(a.provider, b.provider) || order(a.name, b.name));
}

/** The USDT probes of the ELF file at `binary` (absolute); ToolError INVALID_PARAMS when it cannot be read (see withElfFile). */
export function readUsdtProbes(binary: string): UsdtProbe[] {
  return withElfFile(binary, (source, elf) => usdtProbes(noteSites(source, elf)));
}
