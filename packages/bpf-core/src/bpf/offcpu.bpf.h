/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Off-CPU timing shared by offcputime and offwaketime. Only sched_switch is
 * available everywhere (no kprobe on finish_task_switch), and there current is
 * prev: so prev's stacks are taken at switch-out, in its own context, and kept
 * with the time it left the CPU until it is next's turn to switch in.
 */
#ifndef __BPFSCOPE_OFFCPU_BPF_H
#define __BPFSCOPE_OFFCPU_BPF_H

#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "stacks.bpf.h"
#include "offcpu.h"

#define TASK_DEAD 0x0080 /* include/linux/sched.h */

const volatile bool targ_include_kernel_threads = false;
/* Only blocks in these states (TASK_INTERRUPTIBLE 1, TASK_UNINTERRUPTIBLE 2); 0: any, preemption included. */
const volatile __u32 targ_state_mask = 0;
const volatile __u64 targ_min_block_ns = 1000;
const volatile __u64 targ_max_block_ns = ~0ULL;
const volatile bool targ_timeline = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPU_MAX_BLOCKED);
	__type(key, __u32); /* tid */
	__type(value, struct blocked_task);
} blocked SEC(".maps");

/* sched_switch, prev leaving the CPU (it is still current): when and where it blocked. */
static __always_inline void record_switch_out(void *ctx, const struct task_struct *prev)
{
	struct blocked_task entry = {};
	__u32 tid = BPF_CORE_READ(prev, pid);
	__u32 tgid = BPF_CORE_READ(prev, tgid);
	bool kernel_thread;
	long state;

	if (!tid) /* the idle task is never off-CPU, it is what runs instead */
		return;
	/* prev is still current: its cgroup is the current one. */
	if (!current_is_target(tgid, tid))
		return;
	kernel_thread = is_kernel_thread(prev);
	if (kernel_thread && !targ_include_kernel_threads)
		return;
	state = task_state(prev);
	/* An exiting task never switches in again: its entry would stay forever. */
	if (state & TASK_DEAD)
		return;
	if (targ_state_mask && !(state & targ_state_mask))
		return;

	entry.pid = tgid;
	entry.tid = tid;
	bpf_get_current_comm(&entry.comm, sizeof(entry.comm));
	capture_stacks(ctx, kernel_thread, &entry.user_stack_id, &entry.kernel_stack_id);
	entry.start_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&blocked, &tid, &entry, BPF_ANY))
		count_drop(); /* too many threads blocked at once: this block goes untimed */
}

/*
 * sched_switch, next coming back: copies out and forgets where it blocked, and
 * says how long it was off-CPU. False when it was not timed or the time is out
 * of [min, max].
 */
static __always_inline bool take_blocked(const struct task_struct *next, __u64 now,
					 struct blocked_task *task, __u64 *off_cpu_ns)
{
	__u32 tid = BPF_CORE_READ(next, pid);
	struct blocked_task *found = bpf_map_lookup_elem(&blocked, &tid);
	__u64 delta;

	if (!found)
		return false;
	*task = *found;
	bpf_map_delete_elem(&blocked, &tid);
	delta = now - task->start_ns;
	if ((__s64)delta < 0 || delta < targ_min_block_ns || delta > targ_max_block_ns)
		return false;
	*off_cpu_ns = delta;
	return true;
}

#endif /* __BPFSCOPE_OFFCPU_BPF_H */
