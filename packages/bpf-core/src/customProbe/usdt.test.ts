import { describe, expect, it } from 'vitest';
import type { ElfFile } from '../symbols/elf.js';
import { parseUsdtArgs, ptRegsOffset, usdtProbes, usdtSites } from './usdt.js';

/** An NT_STAPSDT note as sys/sdt.h lays it out: pc, base, semaphore, then provider, name and arguments. */
function stapsdtNote(pc: number, base: number, semaphore: number, strings: string): Buffer {
  const description = Buffer.concat([Buffer.alloc(24), Buffer.from(`${strings}\0`, 'latin1')]);
  description.writeBigUInt64LE(BigInt(pc), 0);
  description.writeBigUInt64LE(BigInt(base), 8);
  description.writeBigUInt64LE(BigInt(semaphore), 16);
  const header = Buffer.alloc(12);
  header.writeUInt32LE(8, 0);
  header.writeUInt32LE(description.length, 4);
  header.writeUInt32LE(3, 8);
  const padding = Buffer.alloc((4 - (description.length % 4)) % 4);
  return Buffer.concat([header, Buffer.from('stapsdt\0', 'latin1'), description, padding]);
}

describe('USDT argument strings', () => {
  it('reads registers, memory at a register plus a displacement, and constants, with their size and sign', () => {
    expect(parseUsdtArgs('-4@%eax 8@-16(%rbp) 4@$5 -8@112(%rsp) 2@(%rdi) -4@$-3 8@0x10(%r12)')).toEqual([
      { kind: 'register', size: 4, signed: true, register: 'eax', text: '-4@%eax' },
      { kind: 'memory', size: 8, signed: false, register: 'rbp', displacement: -16, text: '8@-16(%rbp)' },
      { kind: 'constant', size: 4, signed: false, value: 5n, text: '4@$5' },
      { kind: 'memory', size: 8, signed: true, register: 'rsp', displacement: 112, text: '-8@112(%rsp)' },
      { kind: 'memory', size: 2, signed: false, register: 'rdi', displacement: 0, text: '2@(%rdi)' },
      { kind: 'constant', size: 4, signed: true, value: -3n, text: '-4@$-3' },
      { kind: 'memory', size: 8, signed: false, register: 'r12', displacement: 16, text: '8@0x10(%r12)' },
    ]);
  });

  it('keeps forms it does not read, to refuse them by their text when used', () => {
    expect(parseUsdtArgs('8@foo(%rip) 4@(%rax,%rbx,4) 3@%eax')).toEqual([
      { kind: 'unsupported', text: '8@foo(%rip)' },
      { kind: 'unsupported', text: '4@(%rax,%rbx,4)' },
      { kind: 'unsupported', text: '3@%eax' },
    ]);
    expect(parseUsdtArgs('')).toEqual([]);
  });

  it("finds each register's slot in x86_64's pt_regs by any of its names", () => {
    // Arguments are read on x86_64 only: elsewhere no register is known, and reading one is refused.
    if (process.arch !== 'x64') return expect(ptRegsOffset('rax')).toBeUndefined();
    expect(['rax', 'eax', 'ax', 'al'].map(ptRegsOffset)).toEqual([80, 80, 80, 80]);
    expect(['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9d', 'r15b', 'rbp', 'rsp'].map(ptRegsOffset)).toEqual([112, 104, 96, 88, 72, 64, 0, 32, 152]);
    expect(ptRegsOffset('ah')).toBeUndefined();
  });
});

describe('USDT sites from notes', () => {
  const elf = (baseAddress: number): ElfFile => ({
    loadSegments: [
      { fileOffset: 0x1000, virtualAddress: 0x401000, fileSize: 0x2000, executable: true },
      { fileOffset: 0x3000, virtualAddress: 0x404000, fileSize: 0x1000, executable: false },
    ],
    sections: [{ name: '.stapsdt.base', type: 1, flags: 2, address: baseAddress, offset: 0, size: 1, link: 0, entrySize: 0 }],
  });
  const notes = Buffer.concat([stapsdtNote(0x401100, 0x402000, 0x404010, 'demo\0tick\0-4@%eax 8@$7'), stapsdtNote(0x401200, 0x402000, 0, 'demo\0tock\0')]);

  it('gives each site its file offset, its semaphore and its arguments', () => {
    const [tick, tock] = usdtSites(notes, elf(0x402000));
    expect(tick).toMatchObject({ provider: 'demo', name: 'tick', address: 0x401100, fileOffset: 0x1100, semaphoreOffset: 0x3010 });
    expect(tick?.args.map((arg) => arg.text)).toEqual(['-4@%eax', '8@$7']);
    expect(tock).toMatchObject({ name: 'tock', fileOffset: 0x1200, semaphoreOffset: 0, args: [] });
  });

  it('moves sites and semaphores as far as .stapsdt.base moved (a prelinked image)', () => {
    const [tick] = usdtSites(notes, elf(0x402040));
    expect(tick).toMatchObject({ address: 0x401140, fileOffset: 0x1140, semaphoreOffset: 0x3050 });
  });

  it('lists each probe once, by provider then name, with its sites, semaphore and argument types', () => {
    const more = Buffer.concat([
      notes,
      stapsdtNote(0x401300, 0x402000, 0x404010, 'demo\0tick\0-4@%ecx 8@$9'),
      stapsdtNote(0x401400, 0x402000, 0, 'app\0start\0-2@-4(%rbp) 8@foo(%rip)'),
    ]);
    expect(usdtProbes(usdtSites(more, elf(0x402000)))).toEqual([
      { provider: 'app', name: 'start', sites: 1, semaphore: false, args: [{ type: 's16', text: '-2@-4(%rbp)' }, { text: '8@foo(%rip)' }] },
      {
        provider: 'demo',
        name: 'tick',
        sites: 2,
        semaphore: true,
        args: [
          { type: 's32', text: '-4@%eax' },
          { type: 'u64', text: '8@$7' },
        ],
      },
      { provider: 'demo', name: 'tock', sites: 1, semaphore: false, args: [] },
    ]);
  });
});
