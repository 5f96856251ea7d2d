// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * offwaketime: off-CPU time like offcputime, each block merged in the kernel
 * with the stacks of whoever woke the thread, as bcc's offwaketime does. The
 * waker is taken at sched_waking, which fires in try_to_wake_up() in the
 * waker's own context; sched_wakeup would not do: for a wakee on an idle CPU it
 * fires there, from the IPI, where current is the idle task.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "offcpu.bpf.h"
#include "offwaketime.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPU_MAX_BLOCKED);
	__type(key, __u32); /* wakee tid */
	__type(value, struct waker);
} wakers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_STACKS); /* resized by user space (maxStacks) */
	__type(key, struct offwaketime_key);
	__type(value, __u64); /* nanoseconds off-CPU */
} offwake_ns SEC(".maps");

static __always_inline void record_waker(void *ctx, const struct task_struct *wakee)
{
	__u32 tid = BPF_CORE_READ(wakee, pid);
	const struct task_struct *current = (const struct task_struct *)bpf_get_current_task();
	struct waker waker = {};

	/* Walking stacks is the expensive part: only for threads being timed. */
	if (!bpf_map_lookup_elem(&blocked, &tid))
		return;
	waker.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&waker.comm, sizeof(waker.comm));
	capture_stacks(ctx, is_kernel_thread(current), &waker.user_stack_id,
		       &waker.kernel_stack_id);
	if (bpf_map_update_elem(&wakers, &tid, &waker, BPF_ANY))
		count_drop(); /* the block will be counted without its waker */
}

static __always_inline void handle_switch(void *ctx, const struct task_struct *prev,
					  const struct task_struct *next)
{
	struct offwaketime_key key = {};
	struct blocked_task task;
	struct waker *waker;
	__u64 now, off_cpu_ns;
	__u32 tid;
	bool timed;

	record_switch_out(ctx, prev);

	now = bpf_ktime_get_ns();
	tid = BPF_CORE_READ(next, pid);
	timed = take_blocked(next, now, &task, &off_cpu_ns);
	/* The waker is for this block only, counted or not. */
	waker = bpf_map_lookup_elem(&wakers, &tid);
	if (waker && timed) {
		key.has_waker = 1;
		key.waker_pid = waker->pid;
		key.waker_user_stack_id = waker->user_stack_id;
		key.waker_kernel_stack_id = waker->kernel_stack_id;
		__builtin_memcpy(key.waker_comm, waker->comm, sizeof(key.waker_comm));
	}
	if (waker)
		bpf_map_delete_elem(&wakers, &tid);
	if (!timed)
		return;
	if (!key.has_waker) {
		key.waker_user_stack_id = STACK_NONE;
		key.waker_kernel_stack_id = STACK_NONE;
	}
	key.pid = task.pid;
	key.tid = targ_per_thread ? task.tid : 0;
	key.user_stack_id = task.user_stack_id;
	key.kernel_stack_id = task.kernel_stack_id;
	if (targ_timeline)
		key.time_slot = time_slot_of(now);
	__builtin_memcpy(key.comm, task.comm, sizeof(key.comm));
	add_to_total(&offwake_ns, &key, off_cpu_ns);
}

SEC("tp_btf/sched_waking")
int BPF_PROG(offwaketime_waking_btf, struct task_struct *p)
{
	record_waker(ctx, p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(offwaketime_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	handle_switch(ctx, prev, next);
	return 0;
}

SEC("raw_tp/sched_waking")
int BPF_PROG(offwaketime_waking_raw, struct task_struct *p)
{
	record_waker(ctx, p);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(offwaketime_switch_raw, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	handle_switch(ctx, prev, next);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
