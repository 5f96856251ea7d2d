// Start-up times against a peer: a child process timed until it prints what says it is
// ready, and bpftrace running the execsnoop one-liner, which every start figure stands beside.
import { spawn } from 'node:child_process';

/**
 * Time until `pattern` appears on the child's stderr or stdout, then stop it with
 * `signal`; rejected when `refused` appears first.
 */
export function timeUntilOutput(
  command: string,
  args: string[],
  pattern: RegExp,
  options: { signal?: NodeJS.Signals; refused?: RegExp } = {},
): Promise<number> {
  const { signal = 'SIGINT', refused } = options;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (refused?.test(seen) && !pattern.test(seen)) {
        child.kill('SIGKILL');
        reject(new Error(`${command}: ${refused}: ${seen.slice(0, 500)}`));
      } else if (pattern.test(seen)) {
        const elapsed = performance.now() - started;
        // A child that ends by itself (node -e) may be gone already.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(elapsed);
        child.kill(signal);
        child.once('exit', () => resolve(elapsed));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!pattern.test(seen)) reject(new Error(`${command} exited (${code}) before ${pattern}: ${seen.slice(0, 500)}`));
    });
  });
}

// bpftrace block-buffers a pipe (-B line shows its lines as they come); it may miss a
// SIGINT that lands while it attaches, and its probes are fd-owned, so SIGKILL is clean.
// A probe it cannot attach, it may skip with a warning and start anyway (biosnoop.bt's
// kprobes on a kernel without them): such a run traces nothing, and does not count.
export const bpftraceStart = (args: readonly string[], begins: RegExp): Promise<number> =>
  timeUntilOutput('bpftrace', ['-B', 'line', ...args], begins, { signal: 'SIGKILL', refused: /could not attach probe/ });

/** What a one-liner's BEGIN prints once every probe is attached. */
export const oneLinerBegins = /^ready$/m;

/** execsnoop in bpftrace on the syscall tracepoints bpfscope's execsnoop uses, saying "ready" from BEGIN. */
export const execsnoopOneLiner =
  'BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_enter_execve { @args[tid] = str(args->filename); } ' +
  'tracepoint:syscalls:sys_exit_execve /@args[tid] != ""/ { printf("%-6d %-16s %3d %s\\n", pid, comm, args->ret, @args[tid]); delete(@args[tid]); }';

/** bpftrace's start with the execsnoop one-liner, until it is attached. */
export const bpftraceExecsnoopStart = (): Promise<number> => bpftraceStart(['-e', execsnoopOneLiner], oneLinerBegins);

/** A bare `node -e` start, until it prints: the floor under any fresh node process. */
export const bareNodeStart = (): Promise<number> => timeUntilOutput(process.execPath, ['-e', 'console.log("up")'], /^up$/m);
