/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between offwaketime.bpf.c and offwaketime.ts. */
#ifndef __OFFWAKETIME_H
#define __OFFWAKETIME_H

#define TASK_COMM_LEN 16

/* Who woke a blocked thread, and from where: kept by the wakee's tid until it runs. */
struct waker {
	__u32 pid; /* tgid of the task current at the wakeup (0: an idle CPU's interrupt) */
	__s32 user_stack_id; /* STACK_NONE when not captured */
	__s32 kernel_stack_id;
	char comm[TASK_COMM_LEN];
};

/* The blocked thread's stacks merged with its waker's: the key of the time totals. */
struct offwaketime_key {
	__u32 pid; /* tgid of the blocked thread */
	__u32 tid; /* 0 unless per thread */
	__s32 user_stack_id;
	__s32 kernel_stack_id;
	__u32 time_slot; /* 20 ms slot of CLOCK_MONOTONIC at switch-in; 0 without a timeline */
	__u32 has_waker; /* 0: back on the CPU without a wakeup (it was preempted) */
	__u32 waker_pid;
	__s32 waker_user_stack_id;
	__s32 waker_kernel_stack_id;
	char comm[TASK_COMM_LEN];
	char waker_comm[TASK_COMM_LEN];
};

#endif /* __OFFWAKETIME_H */
