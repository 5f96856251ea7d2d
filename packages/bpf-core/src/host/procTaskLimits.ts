// /proc/sys/kernel/threads-max and /proc/sys/kernel/pid_max: the kernel's limits on tasks. Past either, fork() and
// clone() fail with EAGAIN: Gregg's USE checklist calls it the task capacity of the scheduler.

export interface TaskLimits {
  /** kernel.threads-max: threads the kernel allows in all. */
  threadsMax: number;
  /** kernel.pid_max: every thread takes a PID below it. */
  pidMax: number;
}

/** Tasks in use against the nearer of the two limits. */
export interface TaskUsage {
  /** Threads that exist now (/proc/loadavg's nr_threads): each holds a PID too. */
  tasks: number;
  /** The nearer limit, and which one it is. */
  limit: number;
  limitName: 'threads-max' | 'pid_max';
  /** tasks / limit, in %. */
  percent: number;
}

/** One number in a /proc/sys file, as sysctl prints it. */
export function parseKernelLimit(text: string, source = '/proc/sys/kernel'): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value <= 0)
    throw new Error(`${source}: expected a positive number, got ${JSON.stringify(text.trim())}`);
  return value;
}

/** The share of the nearer limit the tasks use: threads-max on a small-memory host, pid_max (32768 by default) on most. */
export function computeTaskUsage(tasks: number, limits: TaskLimits): TaskUsage {
  const byThreads = (tasks / limits.threadsMax) * 100;
  const byPids = (tasks / limits.pidMax) * 100;
  return byPids >= byThreads
    ? { tasks, limit: limits.pidMax, limitName: 'pid_max', percent: byPids }
    : { tasks, limit: limits.threadsMax, limitName: 'threads-max', percent: byThreads };
}
