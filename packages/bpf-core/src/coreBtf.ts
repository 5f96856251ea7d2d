import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bpfObjectDirectory } from './paths.js';

const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';

export interface CoreBtfStatus {
  /** The minimized BTF that CO-RE relocation uses, or undefined to parse all of vmlinux. */
  path?: string;
  /** Why the full vmlinux BTF is used instead. */
  reason?: string;
}

let status: CoreBtfStatus | undefined;

function cacheDirectory(): string {
  if (process.env.BPFSCOPE_CACHE_DIR) return process.env.BPFSCOPE_CACHE_DIR;
  return process.getuid?.() === 0 ? '/var/cache/bpfscope' : path.join(os.tmpdir(), 'bpfscope-cache');
}

/**
 * A copy of the kernel's BTF cut down to the types our BPF objects relocate against
 * (bpftool's BTFGen), made once per kernel and set of objects and cached on disk.
 * Loading against it skips parsing the whole vmlinux BTF, which is most of a tool's
 * start time. Any failure here only costs speed: the loader falls back to vmlinux.
 */
export function coreBtf(): CoreBtfStatus {
  if (status) return status;
  if (process.env.BPFSCOPE_MIN_CORE_BTF === '0') return (status = { reason: 'disabled by BPFSCOPE_MIN_CORE_BTF=0' });
  try {
    if (!existsSync(VMLINUX_BTF)) return (status = { reason: `${VMLINUX_BTF} is missing` });
    const objects = readdirSync(bpfObjectDirectory)
      .filter((name) => name.endsWith('.bpf.o'))
      .sort()
      .map((name) => path.join(bpfObjectDirectory, name));
    const key = createHash('sha256').update(readFileSync(VMLINUX_BTF));
    for (const object of objects) {
      const { size, mtimeMs } = statSync(object);
      key.update(`${object}:${size}:${mtimeMs}`);
    }
    const directory = cacheDirectory();
    const file = path.join(directory, `core-${key.digest('hex').slice(0, 24)}.btf`);
    if (!existsSync(file)) {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.tmp`;
      execFileSync('bpftool', ['gen', 'min_core_btf', VMLINUX_BTF, temporary, ...objects], { stdio: 'pipe', timeout: 10_000 });
      renameSync(temporary, file);
    }
    return (status = { path: file });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return (status = { reason: `no minimized BTF (${message}); parsing all of vmlinux instead` });
  }
}
