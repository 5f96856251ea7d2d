// Block device names and numbers as the kernel encodes them in BPF (MKDEV: major << 20 | minor).
import { readFileSync } from 'node:fs';

const MINOR_BITS = 20;

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
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(name)) return undefined;
  try {
    const [major, minor] = readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim().split(':').map(Number);
    if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return undefined;
    return kernelDev(major, minor);
  } catch {
    return undefined;
  }
}
