// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * offcputime: time threads spend off-CPU (blocked, or preempted when every state
 * is asked for), summed in the kernel by process, thread, comm and the user and
 * kernel stacks where they blocked, as bcc's offcputime does. sched_switch does
 * it all: prev's stacks and the time at switch-out, next's delta at switch-in.
 * tp_btf gets task pointers typed; raw_tp is the fallback.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "offcpu.bpf.h"
#include "offcputime.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_STACKS); /* resized by user space (maxStacks) */
	__type(key, struct offcputime_key);
	__type(value, __u64); /* nanoseconds off-CPU */
} offcpu_ns SEC(".maps");

static __always_inline void handle_switch(void *ctx, const struct task_struct *prev,
					  const struct task_struct *next)
{
	struct offcputime_key key = {};
	struct blocked_task task;
	__u64 now, off_cpu_ns;

	record_switch_out(ctx, prev);

	now = bpf_ktime_get_ns();
	if (!take_blocked(next, now, &task, &off_cpu_ns))
		return;
	key.pid = task.pid;
	key.tid = targ_per_thread ? task.tid : 0;
	key.user_stack_id = task.user_stack_id;
	key.kernel_stack_id = task.kernel_stack_id;
	if (targ_timeline)
		key.time_slot = time_slot_of(now);
	__builtin_memcpy(key.comm, task.comm, sizeof(key.comm));
	add_to_total(&offcpu_ns, &key, off_cpu_ns);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(offcputime_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	handle_switch(ctx, prev, next);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(offcputime_switch_raw, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	handle_switch(ctx, prev, next);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
