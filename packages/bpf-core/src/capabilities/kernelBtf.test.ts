import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BTF_HEADER_SIZE, btfHeaderProblem, VMLINUX_BTF, vmlinuxBtfProblem } from './kernelBtf.js';

/** A struct btf_header: 24-byte header, 100 bytes of types, then 50 of strings. */
function header(options: { bigEndian?: boolean; magic?: number; version?: number; typeLength?: number } = {}): Buffer {
  const bytes = Buffer.alloc(BTF_HEADER_SIZE);
  const u32 = (value: number, offset: number) => (options.bigEndian ? bytes.writeUInt32BE(value, offset) : bytes.writeUInt32LE(value, offset));
  if (options.bigEndian) bytes.writeUInt16BE(options.magic ?? 0xeb9f, 0);
  else bytes.writeUInt16LE(options.magic ?? 0xeb9f, 0);
  bytes.writeUInt8(options.version ?? 1, 2);
  u32(BTF_HEADER_SIZE, 4);
  u32(0, 8);
  u32(options.typeLength ?? 100, 12);
  u32(100, 16);
  u32(50, 20);
  return bytes;
}
const fileSize = BTF_HEADER_SIZE + 150;

describe('BTF header check', () => {
  it('accepts a header whose sections fit the file, in either byte order', () => {
    expect(btfHeaderProblem(header(), fileSize)).toBeUndefined();
    expect(btfHeaderProblem(header({ bigEndian: true }), fileSize)).toBeUndefined();
  });

  it('says what is wrong with what is not BTF', () => {
    expect(btfHeaderProblem(header({ magic: 0x7f45 }), fileSize)).toBe('magic 0x7f45, not 0xeb9f');
    expect(btfHeaderProblem(header({ version: 2 }), fileSize)).toBe('BTF version 2, not 1');
    expect(btfHeaderProblem(header({ typeLength: 0 }), fileSize)).toBe('no types or no strings');
    expect(btfHeaderProblem(header(), fileSize - 1)).toBe(`sections end at byte ${fileSize} of ${fileSize - 1}`);
    expect(btfHeaderProblem(header().subarray(0, 10), fileSize)).toBe('10 bytes, shorter than a BTF header');
  });

  it("reads a file's header, and throws the file's error for a missing one", () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-btf-'));
    const good = path.join(directory, 'good');
    writeFileSync(good, Buffer.concat([header(), Buffer.alloc(150)]));
    expect(vmlinuxBtfProblem(good)).toBeUndefined();
    const elf = path.join(directory, 'elf');
    writeFileSync(elf, readFileSync(process.execPath).subarray(0, 4096));
    expect(vmlinuxBtfProblem(elf)).toMatch(/^magic 0x/);
    expect(() => vmlinuxBtfProblem(path.join(directory, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('finds the running kernel has BTF', () => {
    expect(statSync(VMLINUX_BTF).size).toBeGreaterThan(BTF_HEADER_SIZE);
    expect(vmlinuxBtfProblem()).toBeUndefined();
  });
});
