// /proc/pressure/{cpu,memory,io}: pressure stall information (PSI, Linux 4.20+, CONFIG_PSI, not booted with psi=0).

export interface PressureLine {
  /** Percent of wall time some (or all) non-idle tasks stalled, averaged over 10, 60 and 300 s. */
  avg10: number;
  avg60: number;
  avg300: number;
  /** Microseconds stalled since boot. */
  total: number;
}

export interface Pressure {
  some: PressureLine;
  /** Absent from cpu before Linux 5.13 (where it is all zeros at system level since). */
  full: PressureLine | null;
}

export type PressureResource = 'cpu' | 'memory' | 'io';
export const PRESSURE_RESOURCES: readonly PressureResource[] = ['cpu', 'memory', 'io'];

export function parsePressure(text: string, file = '/proc/pressure'): Pressure {
  const lines = new Map<string, PressureLine>();
  for (const line of text.split('\n')) {
    const match = /^(some|full)\s+avg10=([\d.]+)\s+avg60=([\d.]+)\s+avg300=([\d.]+)\s+total=(\d+)/.exec(line.trim());
    if (match) lines.set(match[1] as string, { avg10: Number(match[2]), avg60: Number(match[3]), avg300: Number(match[4]), total: Number(match[5]) });
  }
  const some = lines.get('some');
  if (some === undefined) throw new Error(`${file}: no "some" line`);
  return { some, full: lines.get('full') ?? null };
}

/** One PSI line for an interval: the kernel's running averages, and the share of the interval itself stalled. */
export interface PressureFigures {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Percent of the interval stalled, from the increase of total: finer than avg10 at 1 s. Null on the first reading. */
  interval: number | null;
}

export interface PressureReport {
  available: true;
  some: PressureFigures;
  full: PressureFigures | null;
}

export interface PressureUnavailable {
  available: false;
  /** Why: no such file (kernel before 4.20 or without CONFIG_PSI), psi=0 on the kernel command line, no permission… */
  reason: string;
}

function figures(curr: PressureLine, prev: PressureLine | null | undefined, seconds: number | null): PressureFigures {
  const interval = prev && seconds && seconds > 0 && curr.total >= prev.total ? Math.min(100, (curr.total - prev.total) / (seconds * 1e4)) : null;
  return { avg10: curr.avg10, avg60: curr.avg60, avg300: curr.avg300, interval };
}

/** PSI for one resource; `prev` and `seconds` are the previous reading and the time since, if there is one. */
export function computePressure(curr: Pressure, prev: Pressure | null, seconds: number | null): PressureReport {
  return { available: true, some: figures(curr.some, prev?.some, seconds), full: curr.full ? figures(curr.full, prev?.full, seconds) : null };
}
