// /proc/stat: CPU time per CPU and in total, context switches, interrupts, forks, run queue.

/** Time spent in each mode since boot, in USER_HZ ticks (1/100 s), the fields of a `cpu` line in order. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  /** Already counted in user (the kernel adds guest time to both). */
  guest: number;
  /** Already counted in nice. */
  guestNice: number;
}

export interface ProcStat {
  /** The `cpu` line: every online CPU summed. */
  total: CpuTimes;
  /** One per `cpuN` line, by CPU number; an offline CPU has no line. */
  cpus: { cpu: number; times: CpuTimes }[];
  /** Context switches since boot. */
  ctxt: number;
  /** Interrupts serviced since boot (the first number of the `intr` line). */
  intr: number;
  /** Boot time, seconds since the epoch. */
  btime: number;
  /** Forks since boot. */
  processes: number;
  /** Tasks runnable now (running or on a run queue). */
  procsRunning: number;
  /** Tasks in uninterruptible sleep waiting for I/O now. */
  procsBlocked: number;
  /** Softirqs serviced since boot; null before Linux 2.6.31. */
  softirq: number | null;
}

const CPU_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const;

export const ZERO_CPU_TIMES: Readonly<CpuTimes> = Object.freeze(Object.fromEntries(CPU_FIELDS.map((field) => [field, 0])) as unknown as CpuTimes);

/** Fields a kernel does not print yet (iowait before 2.6, steal before 2.6.11, guest_nice before 2.6.33) read 0, as sysstat reads them. */
function cpuTimes(values: string[], where: string): CpuTimes {
  const times = { ...ZERO_CPU_TIMES };
  if (values.length < 4) throw new Error(`${where}: expected at least 4 CPU times, got ${values.length}`);
  CPU_FIELDS.forEach((field, i) => {
    const value = values[i];
    if (value === undefined) return;
    const number = Number(value);
    if (!Number.isFinite(number)) throw new Error(`${where}: ${field} is ${JSON.stringify(value)}`);
    times[field] = number;
  });
  return times;
}

export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cpus: ProcStat['cpus'] = [];
  const scalars = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (key === undefined || key === '') continue;
    if (key === 'cpu') total = cpuTimes(values, '/proc/stat cpu');
    else if (/^cpu\d+$/.test(key)) cpus.push({ cpu: Number(key.slice(3)), times: cpuTimes(values, `/proc/stat ${key}`) });
    else if (values[0] !== undefined) scalars.set(key, Number(values[0]));
  }
  if (total === undefined) throw new Error('/proc/stat: no cpu line');
  const scalar = (key: string): number => {
    const value = scalars.get(key);
    if (value === undefined || !Number.isFinite(value)) throw new Error(`/proc/stat: no ${key} line`);
    return value;
  };
  const softirq = scalars.get('softirq');
  return {
    total,
    cpus: cpus.sort((a, b) => a.cpu - b.cpu),
    ctxt: scalar('ctxt'),
    intr: scalar('intr'),
    btime: scalar('btime'),
    processes: scalar('processes'),
    procsRunning: scalar('procs_running'),
    procsBlocked: scalar('procs_blocked'),
    softirq: softirq !== undefined && Number.isFinite(softirq) ? softirq : null,
  };
}

/** /proc/uptime: seconds since boot (the first of its two numbers), in the 1/100 s the kernel prints. */
export function parseUptime(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s/.exec(text);
  if (!match) throw new Error(`/proc/uptime: expected seconds, got ${JSON.stringify(text.slice(0, 40))}`);
  return Number(match[1]);
}
