// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * profile: samples what runs on every CPU at a fixed frequency (a perf event per
 * CPU, attached by user space) and counts each (process, thread, comm, user
 * stack, kernel stack, time slot) in the kernel, as bcc's profile does. Only the
 * counts and the stack-trace map cross to user space, whatever the rate.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "stacks.bpf.h"
#include "profile.h"

const volatile bool targ_include_idle = false;
const volatile bool targ_timeline = true;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_STACKS); /* resized by user space (maxStacks) */
	__type(key, struct profile_key);
	__type(value, __u64); /* samples */
} samples SEC(".maps");

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u32 tid = (__u32)pid_tgid;
	const struct task_struct *task = (const struct task_struct *)bpf_get_current_task();
	struct profile_key key = {};

	/* Thread 0 is each CPU's idle task: samples of an idle CPU. */
	if (!tid && !targ_include_idle)
		return 0;
	if (!current_is_target(tgid, tid))
		return 0;

	key.pid = tgid;
	key.tid = targ_per_thread ? tid : 0;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	capture_stacks(ctx, is_kernel_thread(task), &key.user_stack_id, &key.kernel_stack_id);
	if (targ_timeline)
		key.time_slot = time_slot_of(bpf_ktime_get_ns());

	add_to_total(&samples, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
