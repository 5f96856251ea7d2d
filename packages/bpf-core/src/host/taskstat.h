/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* One record per task (thread) from the taskstat iterator; taskstat.ts decodes it. */
#ifndef TASKSTAT_H
#define TASKSTAT_H

#define TASKSTAT_COMM_LEN 16

struct taskstat_record {
	__u32 pid;
	__u32 tgid;
	__u64 sum_exec_runtime; /* ns on a CPU: se.sum_exec_runtime */
	__u64 utime; /* raw ns ticked in user mode (the ratio split of /proc's cputime_adjust) */
	__u64 stime;
	__u64 gtime;
	__u64 run_delay;      /* ns waited on a run queue: /proc/<pid>/schedstat's 2nd field */
	__u64 start_boottime; /* ns after boot the thread group started (its leader's) */
	/* The thread group's exited threads (signal_struct), on the leader's record only; else 0. */
	__u64 dead_sum_exec_runtime;
	__u64 dead_utime;
	__u64 dead_stime;
	__u64 dead_gtime;
	__u32 cpu;
	__u32 state;
	char comm[TASKSTAT_COMM_LEN];
};

#endif
