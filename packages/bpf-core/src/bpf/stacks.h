/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The ABI shared by the stack tools (profile, offcputime, offwaketime) and
 * src/stacks/stackTraces.ts: stack-trace map geometry and the time slots.
 */
#ifndef __BPFSCOPE_STACKS_H
#define __BPFSCOPE_STACKS_H

/* Frames kept per stack: the kernel's PERF_MAX_STACK_DEPTH. A stack this deep was cut. */
#define STACK_DEPTH 127
/* Stack id of a stack not captured (not asked for, none there, or lost). */
#define STACK_NONE (-1)
/* Width of a time slot (FlameScope's sub-second columns): 20 ms. */
#define TIME_SLOT_NS 20000000ULL
/* Default size of the stack-trace map and of the aggregation map. */
#define DEFAULT_MAX_STACKS 16384

#endif /* __BPFSCOPE_STACKS_H */
