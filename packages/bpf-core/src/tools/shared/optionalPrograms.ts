// Programs of an attach method that only some kernels can attach: syscalls an
// architecture lacks (open and creat on arm64), functions renamed between
// releases. Left out before load where missing, as libbpf-tools does with
// bpf_program__set_autoload(prog, false).
import type { BpfObject } from '../../bpfObject.js';
import { hasKernelFunction, hasTracepoint } from '../../capabilities/capabilities.js';
import type { AttachMethod } from '../types.js';

/** What an optional program needs: a tracepoint (`category:name`) or a kernel function. */
export type ProgramNeed = { tracepoint: string } | { kernelFunction: string };

export function kernelHas(need: ProgramNeed): boolean {
  if ('tracepoint' in need) {
    const [category = '', name = ''] = need.tracepoint.split(':');
    return hasTracepoint(category, name);
  }
  return hasKernelFunction(need.kernelFunction);
}

/**
 * Of the programs selected for loading, switches off those in `optional` whose
 * need this kernel does not meet. Returns the names left out.
 */
export function leaveOutUnsupported(
  object: BpfObject,
  optional: Readonly<Record<string, ProgramNeed>>,
  has: (need: ProgramNeed) => boolean = kernelHas,
): string[] {
  const selected = object
    .programs()
    .filter((program) => program.autoload)
    .map((program) => program.name);
  const left = selected.filter((name) => optional[name] !== undefined && !has(optional[name]));
  if (left.length > 0) object.selectPrograms(selected.filter((name) => !left.includes(name)));
  return left;
}

/** Attaches the method's programs that were loaded (the default attach, minus those left out). */
export function attachLoaded(object: BpfObject, method: AttachMethod): void {
  const loaded = new Set(
    object
      .programs()
      .filter((program) => program.autoload)
      .map((program) => program.name),
  );
  for (const program of method.programs) if (loaded.has(program)) object.attach(program);
}
