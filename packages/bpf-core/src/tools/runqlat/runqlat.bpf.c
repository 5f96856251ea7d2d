// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * runqlat: how long runnable tasks wait for a CPU, from wakeup (or preemption)
 * to running, as log2 histograms in the kernel. sched_wakeup / sched_wakeup_new
 * stamp the task; sched_switch stamps a preempted prev and closes next's wait.
 * tp_btf gets task pointers typed; raw_tp (any BTF kernel, 4.17+) is the fallback
 * and reads the same pointers with CO-RE.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "histogram.bpf.h"
#include "runqlat.h"

#define TASK_RUNNING 0

const volatile bool targ_per_process = false;
const volatile bool targ_per_thread = false;
const volatile bool targ_milliseconds = false;
const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RUNQLAT_MAX_KEYS);
	__type(key, __u32);   /* tid */
	__type(value, __u64); /* when it became runnable, ns */
} enqueued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RUNQLAT_MAX_KEYS);
	__type(key, struct runqlat_key);
	__type(value, struct named_histogram);
} histograms SEC(".maps");

static __always_inline void mark_runnable(const struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);
	__u64 now;

	if (!tid) /* the idle task never waits */
		return;
	if (targ_tgid && BPF_CORE_READ(task, tgid) != targ_tgid)
		return;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&enqueued, &tid, &now, BPF_ANY);
}

static __always_inline void handle_switch(const struct task_struct *prev,
					  const struct task_struct *next)
{
	struct runqlat_key key = {};
	const struct task_struct *leader;
	const char *name = NULL;
	__u32 tid;
	__u64 *since, delta;

	/* Preempted while runnable: it waits again from now. */
	if (task_state(prev) == TASK_RUNNING)
		mark_runnable(prev);

	tid = BPF_CORE_READ(next, pid);
	since = bpf_map_lookup_elem(&enqueued, &tid);
	if (!since)
		return;
	delta = bpf_ktime_get_ns() - *since;
	bpf_map_delete_elem(&enqueued, &tid);
	if ((__s64)delta < 0)
		return;
	delta /= targ_milliseconds ? 1000000 : 1000;
	if (targ_per_process) {
		key.id = BPF_CORE_READ(next, tgid);
		/* Named as ps names a process, after its main thread (next itself, most often: one read less). */
		leader = key.id == tid ? next : BPF_CORE_READ(next, group_leader);
		name = leader->comm;
	} else if (targ_per_thread) {
		key.id = tid;
		name = next->comm;
	}
	named_histogram_add(&histograms, &key, delta, name);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(runqlat_wakeup_btf, struct task_struct *task)
{
	mark_runnable(task);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(runqlat_wakeup_new_btf, struct task_struct *task)
{
	mark_runnable(task);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(runqlat_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	handle_switch(prev, next);
	return 0;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(runqlat_wakeup_raw, struct task_struct *task)
{
	mark_runnable(task);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(runqlat_wakeup_new_raw, struct task_struct *task)
{
	mark_runnable(task);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(runqlat_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	handle_switch(prev, next);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
