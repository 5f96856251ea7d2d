// /proc/PID/maps: which file (or anonymous memory, or [vdso]) backs an address.

export interface Mapping {
  start: bigint;
  /** Exclusive. */
  end: bigint;
  /** `r-xp` and the like. */
  permissions: string;
  /** Offset in the file of the mapping's first byte. */
  offset: number;
  /** `major:minor` in hex, as the kernel prints it. */
  device: string;
  inode: number;
  /** File path (without the ` (deleted)` suffix), `[vdso]`, `[heap]`, `[anon:name]`, or '' for anonymous memory. */
  path: string;
  /** The file was deleted or replaced since it was mapped. */
  deleted: boolean;
}

const MAPS_LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/;
const DELETED_SUFFIX = ' (deleted)';

/** Parses the text of /proc/PID/maps; lines it does not understand are skipped. */
export function parseProcessMaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const match = MAPS_LINE.exec(line);
    if (match === null) continue;
    const [, start = '', end = '', permissions = '', offset = '', device = '', inode = '', rawPath = ''] = match;
    const deleted = rawPath.endsWith(DELETED_SUFFIX);
    mappings.push({
      start: BigInt(`0x${start}`),
      end: BigInt(`0x${end}`),
      permissions,
      offset: Number.parseInt(offset, 16),
      device,
      inode: Number(inode),
      path: deleted ? rawPath.slice(0, -DELETED_SUFFIX.length) : rawPath,
      deleted,
    });
  }
  // The kernel lists them in address order; sort anyway, lookups binary-search.
  return mappings.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** The mapping holding `address`; O(log n) over mappings sorted by start. */
export function findMapping<T extends Mapping>(mappings: readonly T[], address: bigint): T | undefined {
  let low = 0;
  let high = mappings.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const mapping = mappings[middle];
    if (mapping === undefined) return undefined;
    if (address < mapping.start) high = middle - 1;
    else if (address >= mapping.end) low = middle + 1;
    else return mapping;
  }
  return undefined;
}

/** Memory with no file behind it, where JIT compilers put code. */
export function isAnonymous(mapping: Mapping): boolean {
  const { path } = mapping;
  return path === '' || path.startsWith('[anon') || path.startsWith('//anon') || path.startsWith('/memfd:') || path === '[heap]' || path.startsWith('[stack');
}
