// Helpers for tests of this package and the agent (imported as @bpfscope/bpf-core/testing): the running
// kernel's BPF programs, and fixture hosts that go on living.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * BPF tests need root (or CAP_BPF+CAP_PERFMON) and kernel BTF. They never skip:
 * a machine that cannot run them fails them, with the reason.
 */
export function requireBpf(): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('not running as root');
  if (!existsSync('/sys/kernel/btf/vmlinux')) problems.push('no kernel BTF at /sys/kernel/btf/vmlinux');
  if (problems.length > 0) {
    throw new Error(`BPF tests cannot run here (${problems.join(', ')}); run make test as root on a kernel with BTF`);
  }
}

interface BpftoolProgram {
  id: number;
  name?: string;
}

function kernelPrograms(): BpftoolProgram[] {
  return JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as BpftoolProgram[];
}

/** Ids of every BPF program loaded in the kernel right now, as bpftool sees them. */
export function kernelProgramIds(): Set<number> {
  return new Set(kernelPrograms().map((program) => program.id));
}

/** Names of every BPF program in the kernel (one entry per program). */
export function kernelProgramNames(): string[] {
  return kernelPrograms().map((program) => program.name ?? '');
}

/** Ids of every BPF link in the kernel right now. */
export function kernelLinkIds(): Set<number> {
  const output = execFileSync('bpftool', ['-j', 'link', 'show'], { encoding: 'utf8' });
  return new Set((JSON.parse(output) as Array<{ id: number }>).map((link) => link.id));
}

/** Every BPF link in the kernel right now, with the program it runs. */
export function kernelLinks(): Array<{ id: number; progId: number }> {
  const output = execFileSync('bpftool', ['-j', 'link', 'show'], { encoding: 'utf8' });
  return (JSON.parse(output) as Array<{ id: number; prog_id: number }>).map((link) => ({ id: link.id, progId: link.prog_id }));
}

/** A perf event (tracepoint, kprobe, uprobe) a process holds open with a BPF program on it, as `bpftool perf show` lists it. */
export interface KernelPerfEvent {
  pid: number;
  fd: number;
  progId: number;
  /** `tracepoint`, `raw_tracepoint`, `uprobe`, `kprobe`…, and what it is on. */
  type: string;
  on: string;
}

/** Every perf event with a BPF program attached, in any process. */
export function kernelPerfEvents(): KernelPerfEvent[] {
  const output = execFileSync('bpftool', ['-j', 'perf', 'show'], { encoding: 'utf8' });
  return (JSON.parse(output) as Array<Record<string, unknown>>).map((event) => ({
    pid: Number(event.pid),
    fd: Number(event.fd),
    progId: Number(event.prog_id),
    type: String(event.fd_type),
    on: String(event.tracepoint ?? event.func ?? event.filename ?? ''),
  }));
}

/** Kernel objects are freed after an RCU grace period: poll until `check` holds. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

export { AdvancingHostTree, advanceText, hostFixtures } from './hostTree.js';
