// Block device names and numbers as the kernel encodes them in BPF (MKDEV: major << 20 | minor).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ToolError } from '../../errors.js';

const MINOR_BITS = 20;
/** A name as in /sys/block, and nothing that could leave that directory. */
const DISK_NAME = /^[A-Za-z0-9._-]{1,32}$/;

export function kernelDev(major: number, minor: number): number {
  return ((major << MINOR_BITS) | minor) >>> 0;
}

export function splitKernelDev(dev: number): { major: number; minor: number } {
  return { major: dev >>> MINOR_BITS, minor: dev & ((1 << MINOR_BITS) - 1) };
}

const names = new Map<number, string>();

/** "vda" for the kernel's dev number of /dev/vda, else "major:minor" (a disk that went away). */
export function blockDeviceName(dev: number): string {
  const cached = names.get(dev);
  if (cached) return cached;
  const { major, minor } = splitKernelDev(dev);
  let name = `${major}:${minor}`;
  try {
    const uevent = readFileSync(`/sys/dev/block/${major}:${minor}/uevent`, 'utf8');
    name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1] ?? name;
  } catch {
    // Gone or never there: the numbers are still an honest label.
  }
  names.set(dev, name);
  return name;
}

/** The kernel dev number of a disk by name (vda, nvme0n1), or undefined when there is no such disk. */
export function blockDeviceByName(name: string): number | undefined {
  if (!DISK_NAME.test(name)) return undefined;
  try {
    const [major, minor] = readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim().split(':').map(Number);
    if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return undefined;
    return kernelDev(major, minor);
  } catch {
    return undefined;
  }
}

/** The disk filter of the block tools (bcc's -d): a disk name. */
export function diskParam(description: string) {
  return z.string().regex(DISK_NAME, 'a disk name such as sda or nvme0n1').optional().describe(description);
}

/** The dev number a tool's programs filter on (targ_dev), 0 for every disk; a typed error when there is no such disk. */
export function diskTargetDev(tool: string, disk: string | undefined): number {
  if (disk === undefined) return 0;
  const dev = blockDeviceByName(disk);
  if (dev === undefined) throw new ToolError('INVALID_PARAMS', `invalid params for ${tool}: disk: no block device named "${disk}"`);
  return dev;
}
