// Kernel stacks taken by bpf_get_stackid in a raw_tp/tp_btf program
// (offcputime at sched_switch, offwaketime's waker at sched_waking) begin with
// the tracer's own frames: the program, then the way the tracepoint called it:
// bpf_trace_run<N>, __bpf_trace_<event> unless it tail-calls that, and
// __traceiter_<event> only while the tracepoint has more than one probe (one
// probe is called straight through the static call). They are stripped here by
// name, after symbolization, not skipped in the kernel: their number changes at
// run time with every other probe attached to the same tracepoint.

/** Functions between a tracepoint and the BPF program it runs. */
const DISPATCH_FRAME = /^(bpf_trace_run\d+|__bpf_trace_\w+|__traceiter_\w+)$/;
/** BPF code: JIT images (bpf_prog_<tag>_<name>, trampolines, dispatchers) and the interpreter. */
const BPF_CODE_FRAME = /^(bpf_prog_\w+|bpf_trampoline_\w+|bpf_dispatcher_\w+|___bpf_prog_run|__bpf_prog_run\d+)$/;
/** BPF frames the dispatch is looked for behind (subprograms, the interpreter, a second copy of the program). */
const MAX_BPF_FRAMES = 8;

/** Frames of the tracer itself, by name (for checks; tracerFrameCount is what strips them). */
export function isTracerFrameName(name: string): boolean {
  return DISPATCH_FRAME.test(name) || BPF_CODE_FRAME.test(name);
}

/**
 * How many leaf frames of such a stack (leaf first) are the tracer's. The
 * first always is: the helper records its own return address, in the
 * program, so it is not even named (kallsyms may predate the program, or it
 * may be unloaded by now). Everything up to the first dispatch frame close
 * behind is BPF code, then come the dispatch frames. Without one, only BPF
 * code by name follows the program.
 */
export function tracerFrameCount(stack: readonly bigint[], nameOf: (address: bigint) => string): number {
  if (stack.length === 0) return 0;
  const isDispatch = (index: number) => DISPATCH_FRAME.test(nameOf(stack[index] as bigint));
  let count = 1;
  const window = Math.min(stack.length, 1 + MAX_BPF_FRAMES);
  while (count < window && !isDispatch(count)) count++;
  if (count === window) {
    count = 1;
    while (count < stack.length && BPF_CODE_FRAME.test(nameOf(stack[count] as bigint))) count++;
    return count;
  }
  while (count < stack.length && isDispatch(count)) count++;
  return count;
}
