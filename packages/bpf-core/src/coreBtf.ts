import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { execFileSync } from 'node:child_process';
import type { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cacheDirectory, privateCacheDirectory, shortHash } from './cacheDirectory.js';
import { VMLINUX_BTF } from './capabilities/kernelBtf.js';
import { bpfObjectDirectory } from './paths.js';

const BOOT_ID = '/proc/sys/kernel/random/boot_id';
// node:crypto and node:child_process take milliseconds to load: only a new boot or new objects need them.
const require = createRequire(import.meta.url);

export interface CoreBtfStatus {
  /** The minimized BTF that CO-RE relocation uses, or undefined to parse all of vmlinux. */
  path?: string;
  /** Why the full vmlinux BTF is used instead. */
  reason?: string;
}

let status: CoreBtfStatus | undefined;

const cacheFileName = /^core-[0-9a-f]{24}\.btf$/;

function rememberedFile(memo: string, objects: string): string | undefined {
  if (!existsSync(memo)) return undefined;
  try {
    const remembered = JSON.parse(readFileSync(memo, 'utf8')) as { objects?: unknown; file?: unknown };
    return remembered.objects === objects && typeof remembered.file === 'string' && cacheFileName.test(remembered.file) ? remembered.file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cache file of the minimized BTF for the running kernel and these objects:
 * core-<sha256 of the kernel's BTF and each object's path, size and mtime>.btf. The
 * kernel's BTF cannot change without a reboot, so the name is remembered under the boot
 * id (and the objects' paths, for each installation its own): hashing 5 MB of vmlinux on
 * every start was most of a fresh process's time here.
 */
export function coreBtfFileName(directory: string, objects: readonly string[]): string {
  const signature = objects
    .map((object) => {
      const { size, mtimeMs } = statSync(object);
      return `${object}:${size}:${mtimeMs}`;
    })
    .join('\n');
  const bootId = readFileSync(BOOT_ID, 'utf8').trim();
  if (!/^[0-9a-f-]{36}$/.test(bootId)) throw new Error(`unexpected boot id ${JSON.stringify(bootId.slice(0, 40))}`);
  const memo = path.join(directory, `boot-${bootId}-${shortHash(objects.join('\n'))}.json`);
  const remembered = rememberedFile(memo, signature);
  if (remembered) return remembered;
  const crypto = require('node:crypto') as { createHash: typeof createHash };
  const file = `core-${crypto.createHash('sha256').update(readFileSync(VMLINUX_BTF)).update(signature).digest('hex').slice(0, 24)}.btf`;
  const temporary = `${memo}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ objects: signature, file }), { mode: 0o600 });
  renameSync(temporary, memo);
  // Earlier boots' names are of no use any more.
  for (const name of readdirSync(directory)) {
    const memoBoot = /^boot-([0-9a-f-]{36})-[0-9a-f]{8}\.json$/.exec(name)?.[1];
    if (memoBoot !== undefined && memoBoot !== bootId) rmSync(path.join(directory, name), { force: true });
  }
  return file;
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
    const directory = privateCacheDirectory();
    if (!directory) return (status = { reason: `no minimized BTF (${cacheDirectory()} is not this user's alone); parsing all of vmlinux instead` });
    const file = path.join(directory, coreBtfFileName(directory, objects));
    if (!existsSync(file)) {
      const temporary = `${file}.${process.pid}.tmp`;
      const childProcess = require('node:child_process') as { execFileSync: typeof execFileSync };
      childProcess.execFileSync('bpftool', ['gen', 'min_core_btf', VMLINUX_BTF, temporary, ...objects], { stdio: 'pipe', timeout: 10_000 });
      renameSync(temporary, file);
    }
    return (status = { path: file });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return (status = { reason: `no minimized BTF (${message}); parsing all of vmlinux instead` });
  }
}
