// Programs of an attach method left out before load, as libbpf-tools does with
// bpf_program__set_autoload(prog, false): those only some kernels can attach
// (syscalls an architecture lacks, such as open and creat on arm64; functions
// renamed between releases), or that the params turn off. The session attaches
// the rest.
import type { BpfObject } from '../../bpfObject.js';
import { hasKernelFunction, hasTracepoint } from '../../capabilities/capabilities.js';

/** What an optional program needs: a tracepoint (`category:name`) or a kernel function. */
export type ProgramNeed = { tracepoint: string } | { kernelFunction: string };

export function kernelHas(need: ProgramNeed): boolean {
  if ('tracepoint' in need) {
    const [category = '', name = ''] = need.tracepoint.split(':');
    return hasTracepoint(category, name);
  }
  return hasKernelFunction(need.kernelFunction);
}

/** Leaves out, of the programs selected for loading, those `drop` names. Returns them. */
export function leaveOut(object: BpfObject, drop: (program: string) => boolean): string[] {
  const selected = object.selectedPrograms();
  const left = selected.filter(drop);
  if (left.length > 0) object.selectPrograms(selected.filter((name) => !left.includes(name)));
  return left;
}

/** Leaves out the programs in `optional` whose need this kernel does not meet. Returns their names. */
export function leaveOutUnsupported(
  object: BpfObject,
  optional: Readonly<Record<string, ProgramNeed>>,
  has: (need: ProgramNeed) => boolean = kernelHas,
): string[] {
  return leaveOut(object, (program) => {
    const need = optional[program];
    return need !== undefined && !has(need);
  });
}
