// The kernel's BPF run-time statistics (each program's run_time_ns and run_cnt)
// cost two clock reads per program run, so the kernel keeps them off unless asked.
// A BPF_ENABLE_STATS descriptor asks for as long as it is open, as bpftop does: the
// kernel counts its holders, so closing it (or dying) never turns off what
// kernel.bpf_stats_enabled or another tool turned on.
import { closeSync } from 'node:fs';
import os from 'node:os';
import { BpfError } from './errors.js';
import { native } from './native.js';
import type { NativeProgramStats } from './native.js';

/** A session's programs as the kernel counted them while statistics were on. */
export interface ProgramStats {
  /** Sums over the programs. */
  runTimeNs: number;
  runCount: number;
  recursionMisses: number;
  programs: NativeProgramStats[];
}

export function sumProgramStats(programs: NativeProgramStats[]): ProgramStats {
  let runTimeNs = 0;
  let runCount = 0;
  let recursionMisses = 0;
  for (const program of programs) {
    runTimeNs += program.runTimeNs;
    runCount += program.runCount;
    recursionMisses += program.recursionMisses;
  }
  return { runTimeNs, runCount, recursionMisses, programs };
}

/** Statistics stay on while this is open; close() is idempotent. */
export class BpfStatsHandle {
  #fd: number | undefined;

  constructor(fd: number) {
    this.#fd = fd;
  }

  get closed(): boolean {
    return this.#fd === undefined;
  }

  close(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

/** Turns BPF run-time statistics on until the handle is closed; BpfError when the kernel refuses (EPERM, EINVAL before 5.8). */
export function enableBpfStats(): BpfStatsHandle {
  const fd = native.enableBpfStats();
  if (fd < 0) {
    const name = Object.entries(os.constants.errno).find(([, value]) => value === -fd)?.[0] ?? `errno ${-fd}`;
    throw new BpfError(`cannot turn BPF statistics on (BPF_ENABLE_STATS): ${name}`, name, -fd);
  }
  return new BpfStatsHandle(fd);
}
