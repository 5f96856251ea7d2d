/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between offcpu.bpf.h (offcputime, offwaketime) and src/stacks/offcpu.ts. */
#ifndef __BPFSCOPE_OFFCPU_H
#define __BPFSCOPE_OFFCPU_H

#define TASK_COMM_LEN 16
/* Threads blocked at once that can be timed (and wakers remembered). */
#define OFFCPU_MAX_BLOCKED 32768

/* A thread that switched out, kept until it switches in again. */
struct blocked_task {
	__u64 start_ns; /* CLOCK_MONOTONIC at switch-out */
	__u32 pid;	/* tgid */
	__u32 tid;
	__s32 user_stack_id; /* STACK_NONE when not captured */
	__s32 kernel_stack_id;
	char comm[TASK_COMM_LEN];
};

#endif /* __BPFSCOPE_OFFCPU_H */
