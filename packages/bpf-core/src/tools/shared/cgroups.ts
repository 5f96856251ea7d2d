// cgroup v2 targets for the stack tools: users name a cgroup by its path, the
// BPF programs compare bpf_get_current_cgroup_id() with its id.
import { readFileSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { ToolError } from '../../errors.js';

const CGROUP2_SUPER_MAGIC = 0x63677270;

/** Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid system. */
export function cgroupV2Mount(): string | undefined {
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, mountPoint, type] = line.split(' ');
    // /proc/mounts writes a space in a path as \040.
    if (type === 'cgroup2' && mountPoint) return mountPoint.replace(/\\040/g, ' ');
  }
  return undefined;
}

/**
 * The id bpf_get_current_cgroup_id() gives the tasks of the cgroup at
 * `cgroupPath`: its directory's inode number on the cgroup2 file system. The
 * path is absolute, or relative to the cgroup2 mount ("system.slice/nginx.service").
 */
function cgroupV2Id(cgroupPath: string): { id: bigint } | { error: string } {
  const mount = cgroupV2Mount();
  if (!mount) return { error: 'no cgroup v2 file system is mounted, and cgroup targets need one' };
  const full = path.resolve(mount, cgroupPath);
  try {
    if (statfsSync(full).type !== CGROUP2_SUPER_MAGIC) return { error: `"${cgroupPath}" is not on the cgroup v2 file system (mounted at ${mount})` };
    const stats = statSync(full, { bigint: true });
    if (!stats.isDirectory()) return { error: `"${cgroupPath}" is a file, not a cgroup` };
    return { id: stats.ino };
  } catch {
    return { error: `no cgroup "${cgroupPath}" (looked for ${full})` };
  }
}

/** The cgroup id a tool's programs filter on, 0 for every task; a typed error when the path names no cgroup. */
export function cgroupTargetId(tool: string, cgroupPath: string | undefined): bigint {
  if (cgroupPath === undefined) return 0n;
  const found = cgroupV2Id(cgroupPath);
  if ('error' in found) throw new ToolError('INVALID_PARAMS', `invalid params for ${tool}: cgroup: ${found.error}`);
  return found.id;
}
