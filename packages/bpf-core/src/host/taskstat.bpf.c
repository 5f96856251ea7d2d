// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * taskstat: pidstat's per-task CPU figures in one read. A task iterator visits
 * every task and writes one fixed-size record each to the seq file, so the agent
 * reads the whole process table once a second instead of formatting ~200
 * /proc/<pid>/stat and schedstat files (do_task_stat walks every thread).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "taskstat.h"

/* Architectures whose task_struct holds cpu itself rather than in thread_info. */
struct task_struct___cpu {
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_cpu_of(const struct task_struct *task)
{
	if (bpf_core_field_exists(task->thread_info.cpu))
		return BPF_CORE_READ(task, thread_info.cpu);
	return BPF_CORE_READ((struct task_struct___cpu *)task, cpu);
}

SEC("iter/task")
int taskstat(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct taskstat_record record = {};

	if (!task) /* the end of the iteration */
		return 0;
	record.pid = BPF_CORE_READ(task, pid);
	record.tgid = BPF_CORE_READ(task, tgid);
	record.sum_exec_runtime = BPF_CORE_READ(task, se.sum_exec_runtime);
	record.utime = BPF_CORE_READ(task, utime);
	record.stime = BPF_CORE_READ(task, stime);
	record.gtime = BPF_CORE_READ(task, gtime);
	record.run_delay = BPF_CORE_READ(task, sched_info.run_delay);
	record.start_boottime = BPF_CORE_READ(task, group_leader, start_boottime);
	if (record.pid == record.tgid) {
		record.dead_sum_exec_runtime = BPF_CORE_READ(task, signal, sum_sched_runtime);
		record.dead_utime = BPF_CORE_READ(task, signal, utime);
		record.dead_stime = BPF_CORE_READ(task, signal, stime);
		record.dead_gtime = BPF_CORE_READ(task, signal, gtime);
	}
	record.cpu = task_cpu_of(task);
	record.state = task_state(task);
	BPF_CORE_READ_STR_INTO(&record.comm, task, comm);
	bpf_seq_write(seq, &record, sizeof(record));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
