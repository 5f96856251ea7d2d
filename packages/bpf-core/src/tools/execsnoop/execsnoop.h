/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between execsnoop.bpf.c and execsnoop.ts: keep both in step. */
#ifndef __EXECSNOOP_H
#define __EXECSNOOP_H

#define TASK_COMM_LEN 16
/* Same limits as bcc's execsnoop: 128 bytes an argument, --max-args default 20. */
#define ARG_SIZE	 128
#define DEFAULT_MAX_ARGS 20
#define MAX_ARGS_LIMIT	 60
#define ARGS_BUFFER_SIZE (MAX_ARGS_LIMIT * ARG_SIZE)
#define NO_UID_FILTER	 0xffffffff

#define EXEC_FLAG_ARGS_TRUNCATED 1

struct exec_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() at exec return */
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 retval;	  /* 0, or the negative errno of a failed exec */
	__u32 args_count; /* strings in args, the file name first */
	__u32 args_size;  /* bytes used in args, each string NUL-terminated */
	__u32 flags;	  /* EXEC_FLAG_* */
	__u32 pad;
	char comm[TASK_COMM_LEN];
	char args[ARGS_BUFFER_SIZE];
};

/* Bytes of struct exec_event before args: only the used part of args is sent. */
#define EXEC_EVENT_HEADER_SIZE 56

#endif /* __EXECSNOOP_H */
