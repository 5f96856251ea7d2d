// The ELF reader on a binary we build (checked against readelf) and on
// garbage: truncated, corrupt, 32-bit and big-endian images must not throw.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSymbolsTarget } from '../../test/fixtures/symbolsTarget.js';
import { FunctionSymbolTableBuilder, bufferSource, fileOffsetToVirtualAddress, readElf } from './elf.js';

const buildDirectory = mkdtempSync(path.join(tmpdir(), 'bpfscope-elf-'));
const binary = path.join(buildDirectory, 'symbolsTarget');
let image: Buffer;

beforeAll(() => {
  buildSymbolsTarget(binary, 'no-pie');
  image = readFileSync(binary);
});
afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

function symbolsOf(buffer: Buffer) {
  const source = bufferSource(buffer);
  const elf = readElf(source);
  if (typeof elf === 'string') return { elf, table: undefined };
  const builder = new FunctionSymbolTableBuilder();
  builder.addElf(source, elf);
  return { elf, table: builder.build() };
}

describe('readElf and FunctionSymbolTable', () => {
  it('reads the program headers, build id and function symbols readelf shows', () => {
    const { elf, table } = symbolsOf(image);
    if (typeof elf === 'string' || table === undefined) throw new Error(elf as string);
    const buildId = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', binary], { encoding: 'utf8' }))?.[1];
    expect(elf.buildId).toBe(buildId);
    expect(elf.loadSegments[0]?.executable).toBe(true);

    const functions = execFileSync('readelf', ['--syms', '-W', binary], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === 'FUNC' && fields[6] !== 'UND' && /^symbols_target_|^main$/.test(fields[7] ?? ''));
    expect(functions).toHaveLength(4);
    for (const [, value = '', size = ''] of functions) {
      const start = Number.parseInt(value, 16);
      const name = functions.find((fields) => fields[1] === value)?.[7];
      expect(table.lookup(start)).toBe(name);
      expect(table.lookup(start + Number(size) - 1)).toBe(name);
    }
    // Non-PIE: the text segment's file offsets map to its link-time addresses.
    const text = elf.loadSegments[0];
    if (text === undefined) throw new Error('no executable segment');
    expect(fileOffsetToVirtualAddress(elf.loadSegments, text.fileOffset + 16)).toBe(text.virtualAddress + 16);
    expect(fileOffsetToVirtualAddress(elf.loadSegments, image.length + 4096)).toBeUndefined();
  });

  it('never throws on truncated images', () => {
    const lengths = [
      ...Array.from({ length: 600 }, (_, index) => index),
      ...Array.from({ length: 200 }, (_, index) => Math.floor((image.length * index) / 200)),
    ];
    for (const length of lengths) {
      const { elf, table } = symbolsOf(image.subarray(0, length));
      if (length < 64) expect(elf).toMatch(/not an ELF file/);
      expect(() => table?.lookup(0x401000)).not.toThrow();
    }
  });

  it('never throws on corrupt headers and random bytes', () => {
    const corruptions: Array<(buffer: Buffer) => void> = [
      (buffer) => buffer.writeUInt32LE(0xffffffff, 40), // section headers far past the end
      (buffer) => buffer.writeUInt16LE(0xffff, 60), // absurd section count
      (buffer) => buffer.writeUInt16LE(1, 58), // section header entries too small
      (buffer) => buffer.writeUInt16LE(0, 60), // extended numbering from a section 0 of zeros
      (buffer) => buffer.writeUInt16LE(0xfffe, 62), // section name table out of range
      (buffer) => buffer.writeUInt32LE(0xfffffff0, 32), // program headers far past the end
    ];
    for (const corrupt of corruptions) {
      const copy = Buffer.from(image);
      corrupt(copy);
      expect(() => symbolsOf(copy)).not.toThrow();
    }
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
    for (let round = 0; round < 50; round++) {
      const noise = Buffer.from(Array.from({ length: 4096 }, random));
      noise.writeUInt32LE(0x464c457f, 0);
      noise[4] = 2;
      noise[5] = 1;
      expect(() => symbolsOf(noise)).not.toThrow();
      // Random bytes through the symbol tables of a real image.
      const copy = Buffer.from(image);
      noise.copy(copy, 64 + ((round * 997) % Math.max(1, copy.length - 4200)));
      expect(() => symbolsOf(copy)).not.toThrow();
    }
  });

  it('reports ELF32, big-endian and non-ELF files as unsupported', () => {
    const elf32 = Buffer.from(image.subarray(0, 64));
    elf32[4] = 1;
    expect(readElf(bufferSource(elf32))).toBe('ELF32 is not supported');
    const bigEndian = Buffer.from(image.subarray(0, 64));
    bigEndian[5] = 2;
    expect(readElf(bufferSource(bigEndian))).toBe('big-endian ELF is not supported');
    expect(readElf(bufferSource(Buffer.from('#!/bin/sh\necho not an ELF file, but long enough to hold a header of 64 bytes\n')))).toBe('not an ELF file');
  });

  it('picks the containing symbol, the best alias, and the nearest preceding size-0 symbol', () => {
    // A hand-made ELF64 with one .symtab: [name, value, size, binding].
    const symbols: Array<[string, number, number, number]> = [
      ['outer', 0x1000, 0x100, 1],
      ['inner', 0x1010, 0x10, 0],
      ['__alias', 0x2000, 0x20, 1],
      ['alias', 0x2000, 0x20, 2],
      ['_start', 0x3000, 0, 1],
    ];
    const elf = handMadeElf(symbols);
    const { table } = symbolsOf(elf);
    expect(table?.lookup(0x1005)).toBe('outer');
    expect(table?.lookup(0x1015)).toBe('inner');
    expect(table?.lookup(0x1030)).toBe('outer');
    expect(table?.lookup(0x10ff)).toBe('outer');
    expect(table?.lookup(0x1100)).toBeUndefined();
    expect(table?.lookup(0x2010)).toBe('alias');
    expect(table?.lookup(0x3456)).toBe('_start');
    expect(table?.lookup(0xfff)).toBeUndefined();
  });
});

/** ELF header, one PT_LOAD, and sections: null, .symtab, .strtab, .shstrtab. */
function handMadeElf(symbols: Array<[string, number, number, number]>): Buffer {
  const strtab = Buffer.from(`\0${symbols.map(([name]) => `${name}\0`).join('')}`);
  const symtab = Buffer.alloc(24 * (symbols.length + 1));
  let nameOffset = 1;
  symbols.forEach(([name, value, size, binding], index) => {
    const at = 24 * (index + 1);
    symtab.writeUInt32LE(nameOffset, at);
    symtab[at + 4] = (binding << 4) | 2; // STT_FUNC
    symtab.writeUInt16LE(1, at + 6);
    symtab.writeBigUInt64LE(BigInt(value), at + 8);
    symtab.writeBigUInt64LE(BigInt(size), at + 16);
    nameOffset += name.length + 1;
  });
  const shstrtab = Buffer.from('\0.symtab\0.strtab\0.shstrtab\0');
  const header = Buffer.alloc(64);
  const programHeader = Buffer.alloc(56);
  const dataOffset = 64 + 56;
  const sectionsOffset = dataOffset + symtab.length + strtab.length + shstrtab.length;
  header.writeUInt32LE(0x464c457f, 0);
  header[4] = 2;
  header[5] = 1;
  header[6] = 1;
  header.writeBigUInt64LE(64n, 32);
  header.writeBigUInt64LE(BigInt(sectionsOffset), 40);
  header.writeUInt16LE(64, 52);
  header.writeUInt16LE(56, 54);
  header.writeUInt16LE(1, 56);
  header.writeUInt16LE(64, 58);
  header.writeUInt16LE(4, 60);
  header.writeUInt16LE(3, 62);
  programHeader.writeUInt32LE(1, 0);
  programHeader.writeUInt32LE(5, 4);
  programHeader.writeBigUInt64LE(0x10000n, 32);
  const section = (name: number, type: number, offset: number, size: number, link: number, entrySize: number) => {
    const buffer = Buffer.alloc(64);
    buffer.writeUInt32LE(name, 0);
    buffer.writeUInt32LE(type, 4);
    buffer.writeBigUInt64LE(BigInt(offset), 24);
    buffer.writeBigUInt64LE(BigInt(size), 32);
    buffer.writeUInt32LE(link, 40);
    buffer.writeBigUInt64LE(BigInt(entrySize), 56);
    return buffer;
  };
  return Buffer.concat([
    header,
    programHeader,
    symtab,
    strtab,
    shstrtab,
    Buffer.alloc(64),
    section(1, 2, dataOffset, symtab.length, 2, 24),
    section(9, 3, dataOffset + symtab.length, strtab.length, 0, 0),
    section(17, 3, dataOffset + symtab.length + strtab.length, shstrtab.length, 0, 0),
  ]);
}
