import { describe, expect, it } from 'vitest';
import { parseUsdtArgs, ptRegsOffset } from './usdt.js';

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
