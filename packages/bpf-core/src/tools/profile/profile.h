/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between profile.bpf.c and profile.ts. */
#ifndef __PROFILE_H
#define __PROFILE_H

#define TASK_COMM_LEN 16

/* What was running where, in which time slot: the key of the sample counts. */
struct profile_key {
	__u32 pid;	     /* tgid */
	__u32 tid;	     /* 0 unless per thread */
	__s32 user_stack_id; /* STACK_NONE when not captured */
	__s32 kernel_stack_id;
	__u32 time_slot; /* 20 ms slot of CLOCK_MONOTONIC; 0 without a timeline */
	char comm[TASK_COMM_LEN];
};

#endif /* __PROFILE_H */
