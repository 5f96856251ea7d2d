// Whether BPF programs were loaded since some earlier moment, cheaply: what the
// symbolizer asks before re-reading /proc/kallsyms (5 MB) for a JIT address.
import { native } from './native.js';

let highestProgramId = 0;
let programIdsListable = true;
let loadsHere = 0;

/** BpfObject.load() counts here: the fallback where the kernel will not list program ids. */
export function countBpfProgramLoad(): void {
  loadsHere++;
}

/**
 * A number that grows whenever a BPF program is loaded: the kernel's highest
 * program id (ids are handed out in increasing order, one syscall when nothing
 * is new), or without CAP_SYS_ADMIN to list them, the loads of this process.
 */
export function bpfProgramsVersion(): number {
  if (!programIdsListable) return loadsHere;
  for (;;) {
    const next = native.nextBpfProgramId(highestProgramId);
    if (next === 0) return highestProgramId;
    if (next < 0) {
      programIdsListable = false;
      return loadsHere;
    }
    highestProgramId = next;
  }
}
