// /proc/meminfo: `Name:   value kB` lines.

/** Every /proc/meminfo field by its kernel name (MemTotal, MemAvailable, SReclaimable…): kB, except the HugePages_* counts. */
export type Meminfo = Readonly<Record<string, number>>;

export function parseMeminfo(text: string): Meminfo {
  const fields: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([^:\s]+):\s+(\d+)/.exec(line);
    if (match) fields[match[1] as string] = Number(match[2]);
  }
  if (fields.MemTotal === undefined) throw new Error('/proc/meminfo: no MemTotal line');
  return fields;
}
