// /proc/<pid>/stat and /proc/<pid>/schedstat: what pidstat reads of each process.

export interface PidStat {
  pid: number;
  /** The command name (at most 15 bytes: the kernel's TASK_COMM_LEN - 1), as in /proc/<pid>/comm. */
  comm: string;
  /** R running, S sleeping, D uninterruptible (disk) sleep, Z zombie, T stopped, I idle kernel thread… */
  state: string;
  ppid: number;
  minflt: number;
  majflt: number;
  /** USER_HZ ticks in user mode, guest time included; summed over the process's threads. */
  utime: number;
  stime: number;
  numThreads: number;
  /** USER_HZ ticks after boot when the process started: with pid, what tells a reused PID apart. */
  starttime: number;
  /** The CPU it last ran on. */
  processor: number;
  /** USER_HZ ticks of block I/O delay (0 without delay accounting). */
  delayacctBlkioTicks: number;
  /** USER_HZ ticks running a virtual CPU for a guest (Linux 2.6.24+; 0 before). */
  guestTime: number;
}

/** Parses /proc/<pid>/stat. The comm is everything between the first `(` and the last `)`: it may hold either. */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close < open) throw new Error(`/proc/<pid>/stat: no (comm) in ${JSON.stringify(text.slice(0, 60))}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 of proc(5).
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    return Number.isFinite(value) ? value : 0;
  };
  if (rest.length < 20) throw new Error(`/proc/<pid>/stat: only ${rest.length + 2} fields`);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    minflt: field(10),
    majflt: field(12),
    utime: field(14),
    stime: field(15),
    numThreads: field(20),
    starttime: field(22),
    processor: field(39),
    delayacctBlkioTicks: field(42),
    guestTime: field(43),
  };
}

/** /proc/<pid>/schedstat: `time on CPU (ns)  time waiting on a run queue (ns)  timeslices run`; the wait, in ns. */
export function parseSchedstatRunDelay(text: string): number {
  const delay = Number(text.trim().split(/\s+/)[1]);
  if (!Number.isFinite(delay)) throw new Error(`/proc/<pid>/schedstat: unexpected ${JSON.stringify(text.trim())}`);
  return delay;
}
