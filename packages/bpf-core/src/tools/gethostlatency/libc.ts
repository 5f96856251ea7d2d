// Finding the C library whose functions uprobes attach to. A uprobe is set on a
// file (its inode), so it must be the very file processes map, not a copy.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

// Where distributions put libc: Debian/Ubuntu multiarch, Fedora/RHEL/SUSE lib64,
// Arch /usr/lib, Alpine musl. Wrong-architecture files are filtered out by ELF machine.
const MULTIARCH_TUPLES = [
  'x86_64-linux-gnu',
  'aarch64-linux-gnu',
  'arm-linux-gnueabihf',
  'powerpc64le-linux-gnu',
  's390x-linux-gnu',
  'riscv64-linux-gnu',
  'i386-linux-gnu',
];
const MUSL_ARCHES = ['x86_64', 'aarch64', 'armhf', 'ppc64le', 's390x', 'riscv64', 'i386'];
const STANDARD_LIBC_PATHS: readonly string[] = [
  ...MULTIARCH_TUPLES.flatMap((tuple) => [`/lib/${tuple}/libc.so.6`, `/usr/lib/${tuple}/libc.so.6`]),
  '/lib64/libc.so.6',
  '/usr/lib64/libc.so.6',
  '/lib/libc.so.6',
  '/usr/lib/libc.so.6',
  // musl's libc is its dynamic loader; libc.musl-*.so.1 is a symlink to it.
  ...MUSL_ARCHES.map((arch) => `/lib/ld-musl-${arch}.so.1`),
];

const LDCONFIG_PATHS = ['/sbin/ldconfig', '/usr/sbin/ldconfig'];

/** A mapped file that is a C library: glibc's libc.so.6 (or old libc-2.x.so), or musl. */
const LIBC_FILE = /\/(libc\.so\.6|libc-[\d.]+\.so|ld-musl-[\w]+\.so\.1|libc\.musl-[\w]+\.so\.1)$/;

/** libc.so.6 paths in `ldconfig -p` output, in its order (all architectures it lists). */
export function libcPathsFromLdconfig(output: string): string[] {
  const paths: string[] = [];
  for (const match of output.matchAll(/^\s*libc\.so\.6 \([^)]*\) => (\/\S.*?)\s*$/gm)) paths.push(match[1] as string);
  return paths;
}

/** The libc a process has mapped, from its /proc/<pid>/maps text (paths as that process sees them). */
export function libcPathFromMaps(maps: string): string | undefined {
  for (const line of maps.split('\n')) {
    // address perms offset dev inode path; " (deleted)": the file was replaced since, not attachable by path.
    const path = /^\S+ \S+ \S+ \S+ \d+\s+(\/.*)$/.exec(line)?.[1];
    if (path && !path.endsWith(' (deleted)') && LIBC_FILE.test(path)) return path;
  }
  return undefined;
}

/** ELF e_machine of a file, or undefined when it is not an ELF file (or cannot be read). */
export function elfMachine(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const header = Buffer.alloc(20);
    if (readSync(fd, header, 0, header.length, 0) < header.length) return undefined;
    if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
    // EI_DATA (byte 5): 1 little-endian, 2 big-endian.
    return header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A file this process's architecture can be probed in: a regular ELF file for our machine. */
function usableLibc(file: string): boolean {
  if (!isRegularFile(file)) return false;
  const machine = elfMachine(file);
  const ours = elfMachine('/proc/self/exe');
  return machine !== undefined && (ours === undefined || machine === ours);
}

function ldconfigOutput(): string {
  for (const ldconfig of LDCONFIG_PATHS) {
    if (!existsSync(ldconfig)) continue;
    try {
      return execFileSync(ldconfig, ['-p'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // A musl system's ldconfig stub fails; try the next source.
    }
  }
  return '';
}

function readMaps(pid: number | 'self'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The system's libc: the one the dynamic linker's cache names, else the first of
 * the usual paths, else the one this process runs on. Undefined when none is found.
 */
export function findSystemLibc(): string | undefined {
  const candidates = [...libcPathsFromLdconfig(ldconfigOutput()), ...STANDARD_LIBC_PATHS];
  const own = libcPathFromMaps(readMaps('self') ?? '');
  if (own) candidates.push(own);
  return candidates.find(usableLibc);
}

export type ProcessLibc = { kind: 'found'; path: string } | { kind: 'noProcess' } | { kind: 'noLibc' };

/**
 * The libc process `pid` has mapped, as a path in our mount namespace: through
 * /proc/<pid>/root when the process has another root (a container).
 */
export function findProcessLibc(pid: number): ProcessLibc {
  const maps = readMaps(pid);
  if (maps === undefined) return { kind: 'noProcess' };
  const path = libcPathFromMaps(maps);
  if (!path) return { kind: 'noLibc' };
  let sameRoot = false;
  try {
    const theirs = statSync(`/proc/${pid}/root`);
    const ours = statSync('/');
    sameRoot = theirs.dev === ours.dev && theirs.ino === ours.ino;
  } catch {
    return { kind: 'noProcess' };
  }
  return { kind: 'found', path: sameRoot ? path : `/proc/${pid}/root${path}` };
}
