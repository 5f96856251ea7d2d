// /proc/loadavg: `1.00 0.50 0.25 2/125 6839`.

export interface Loadavg {
  /** Runnable plus uninterruptible tasks, exponentially averaged over 1, 5 and 15 minutes. */
  load1: number;
  load5: number;
  load15: number;
  /** Tasks runnable now (the reader among them). */
  running: number;
  /** Tasks (threads) that exist now. */
  threads: number;
  /** The most recently created PID. */
  lastPid: number;
}

export function parseLoadavg(text: string): Loadavg {
  const match = /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\/(\d+)\s+(\d+)/.exec(text);
  if (!match) throw new Error(`/proc/loadavg: unexpected ${JSON.stringify(text.trim())}`);
  const [, load1, load5, load15, running, threads, lastPid] = match.map(Number) as number[];
  return {
    load1: load1 as number,
    load5: load5 as number,
    load15: load15 as number,
    running: running as number,
    threads: threads as number,
    lastPid: lastPid as number,
  };
}
