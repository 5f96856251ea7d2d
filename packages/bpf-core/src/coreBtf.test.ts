import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VMLINUX_BTF } from './capabilities/kernelBtf.js';
import { coreBtfFileName } from './coreBtf.js';

const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

describe('the minimized BTF cache file for this kernel and these objects', () => {
  it("is named by the kernel BTF's and the objects' hash, worked out once a boot and then read back", () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-cache-'));
    const object = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-objects-')), 'tool.bpf.o');
    writeFileSync(object, 'object');
    writeFileSync(path.join(directory, 'boot-00000000-0000-0000-0000-000000000000-0123abcd.json'), '{}');
    // Another installation's memo of this boot stays.
    const otherInstallation = `boot-${bootId}-0123abcd.json`;
    writeFileSync(path.join(directory, otherInstallation), '{}');
    const signature = () => `${object}:${statSync(object).size}:${statSync(object).mtimeMs}`;
    const expected = () => `core-${createHash('sha256').update(readFileSync(VMLINUX_BTF)).update(signature()).digest('hex').slice(0, 24)}.btf`;

    const file = coreBtfFileName(directory, [object]);
    expect(file).toBe(expected());
    // An earlier boot's memo is gone; this boot's are kept.
    const memos = readdirSync(directory).filter((name) => name !== otherInstallation);
    expect(memos).toEqual([expect.stringMatching(new RegExp(`^boot-${bootId}-[0-9a-f]{8}\\.json$`))]);
    const memo = path.join(directory, memos[0] as string);
    // Read back, not hashed again: what the memo says is what is used.
    writeFileSync(memo, JSON.stringify({ objects: signature(), file: `core-${'a'.repeat(24)}.btf` }));
    expect(coreBtfFileName(directory, [object])).toBe(`core-${'a'.repeat(24)}.btf`);
    // A name that is not a cache file's is never used.
    writeFileSync(memo, JSON.stringify({ objects: signature(), file: '../../etc/passwd' }));
    expect(coreBtfFileName(directory, [object])).toBe(file);
    // A rebuilt object is another set of objects.
    appendFileSync(object, ' rebuilt');
    expect(coreBtfFileName(directory, [object])).toBe(expected());
    expect(expected()).not.toBe(file);
  });
});
