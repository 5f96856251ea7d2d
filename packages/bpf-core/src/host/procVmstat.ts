// /proc/vmstat: `name value` lines of virtual memory event counters (pgfault, pgmajfault, pswpin, oom_kill…).

/** Every /proc/vmstat counter by its kernel name; pgpgin and pgpgout count kB, the pg* and pswp* counters pages. */
export type ProcVmstat = Readonly<Record<string, number>>;

export function parseProcVmstat(text: string): ProcVmstat {
  const fields: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(\w+)\s+(-?\d+)$/.exec(line.trim());
    if (match) fields[match[1] as string] = Number(match[2]);
  }
  if (Object.keys(fields).length === 0) throw new Error('/proc/vmstat: no counters');
  return fields;
}
