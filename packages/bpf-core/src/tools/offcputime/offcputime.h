/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between offcputime.bpf.c and offcputime.ts. */
#ifndef __OFFCPUTIME_H
#define __OFFCPUTIME_H

#define TASK_COMM_LEN 16

/* Who blocked where (and, with a timeline, in which slot it came back): the key of the time totals. */
struct offcputime_key {
	__u32 pid;	     /* tgid */
	__u32 tid;	     /* 0 unless per thread */
	__s32 user_stack_id; /* STACK_NONE when not captured */
	__s32 kernel_stack_id;
	__u32 time_slot; /* 20 ms slot of CLOCK_MONOTONIC at switch-in; 0 without a timeline */
	char comm[TASK_COMM_LEN];
};

#endif /* __OFFCPUTIME_H */
