/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Stack capture for the stack tools: one stack-trace map holding user and
 * kernel stacks (ids are shared by every key that has the same stack), and a
 * per-CPU counter of stacks the map could not store, so user space reports
 * them instead of showing a shorter profile.
 */
#ifndef __BPFSCOPE_STACKS_BPF_H
#define __BPFSCOPE_STACKS_BPF_H

#include <bpf/bpf_core_read.h>
#include "bpfscope.bpf.h"
#include "stacks.h"

#define EFAULT	   14
#define PF_KTHREAD 0x00200000 /* include/linux/sched.h */

/* Whose stacks a stack tool takes (stackTargetParams in user space), the same for every stack tool. */
const volatile __u32 targ_tgid = 0;	 /* only this process when non-zero */
const volatile __u32 targ_tid = 0;	 /* only this thread when non-zero */
const volatile __u64 targ_cgroup_id = 0; /* only tasks of this cgroup v2 when non-zero */
const volatile bool targ_per_thread = false;
const volatile bool targ_user_stacks = true;
const volatile bool targ_kernel_stacks = true;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, DEFAULT_MAX_STACKS); /* resized by user space (maxStacks) */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, STACK_DEPTH * sizeof(__u64));
} stack_traces SEC(".maps");

/* bpf_get_stackid() failures: hash collisions (-EEXIST) and a full map (-ENOMEM). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_stacks SEC(".maps");

static __always_inline void count_lost_stack(void)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&lost_stacks, &zero);

	if (count)
		*count += 1;
}

/*
 * Stores the current task's stack (kernel, or user with BPF_F_USER_STACK) and
 * returns its id, or STACK_NONE. -EFAULT means there is no such stack here (a
 * sample taken in user mode has no kernel stack, an exiting task no user
 * memory): nothing was lost. Every other failure is counted. Collisions are not
 * resolved by BPF_F_REUSE_STACKID, which would silently give older keys the
 * newer stack.
 */
static __always_inline __s32 capture_stack(void *ctx, __u64 flags)
{
	long id = bpf_get_stackid(ctx, &stack_traces, flags);

	if (id >= 0)
		return id;
	if (id != -EFAULT)
		count_lost_stack();
	return STACK_NONE;
}

/* Kernel threads have no user stack to walk. */
static __always_inline bool is_kernel_thread(const struct task_struct *task)
{
	return BPF_CORE_READ(task, flags) & PF_KTHREAD;
}

/* The current task, thread tid of process tgid, is one the tool was pointed at (pid, tid, cgroup). */
static __always_inline bool current_is_target(__u32 tgid, __u32 tid)
{
	if (targ_tgid && tgid != targ_tgid)
		return false;
	if (targ_tid && tid != targ_tid)
		return false;
	if (targ_cgroup_id && bpf_get_current_cgroup_id() != targ_cgroup_id)
		return false;
	return true;
}

/* The current task's user and kernel stacks, each only when asked for (a kernel thread has no user stack). */
static __always_inline void capture_stacks(void *ctx, bool kernel_thread, __s32 *user_stack_id,
					   __s32 *kernel_stack_id)
{
	*user_stack_id = targ_user_stacks && !kernel_thread ? capture_stack(ctx, BPF_F_USER_STACK)
							    : STACK_NONE;
	*kernel_stack_id = targ_kernel_stacks ? capture_stack(ctx, 0) : STACK_NONE;
}

/*
 * Adds `value` to the total of `key` in the aggregation hash `map`. A full map
 * is counted in `drops`: user space reports those as dropped samples.
 */
static __always_inline void add_to_total(void *map, const void *key, __u64 value)
{
	__u64 *total = bpf_map_lookup_elem(map, key);

	if (total) {
		__sync_fetch_and_add(total, value);
		return;
	}
	if (!bpf_map_update_elem(map, key, &value, BPF_NOEXIST))
		return;
	/* Another CPU added the key since the lookup (-EEXIST): add to it; else the map is full. */
	total = bpf_map_lookup_elem(map, key);
	if (total)
		__sync_fetch_and_add(total, value);
	else
		count_drop();
}

/* Which 20 ms slot of CLOCK_MONOTONIC `now` falls in; user space makes it relative to the capture. */
static __always_inline __u32 time_slot_of(__u64 now)
{
	return now / TIME_SLOT_NS;
}

#endif /* __BPFSCOPE_STACKS_BPF_H */
