/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between opensnoop.bpf.c and opensnoop.ts: keep both in step. */
#ifndef __OPENSNOOP_H
#define __OPENSNOOP_H

#define TASK_COMM_LEN 16
/* PATH_MAX: a path the kernel accepts is never cut; only its used bytes are sent. */
#define PATH_SIZE     4096
#define NO_UID_FILTER 0xffffffff

/* An open in progress, from syscall entry to exit, keyed by thread id. */
struct open_args {
	__u64 path; /* user pointer to the path as passed */
	__s32 flags;
	__u32 mode;
};

struct open_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() at syscall exit */
	__u32 pid;	    /* tgid, as bcc prints PID */
	__u32 tid;
	__u32 uid;
	__s32 ret;	 /* the fd, or a negative errno */
	__s32 flags;	 /* open flags as passed */
	__u32 mode;	 /* mode as passed (meaningful with O_CREAT or O_TMPFILE) */
	__u32 path_size; /* bytes of path, its NUL included */
	__u32 pad;
	char comm[TASK_COMM_LEN];
	char path[PATH_SIZE];
};

/* Bytes of struct open_event before path: only the used part of path is sent. */
#define OPEN_EVENT_HEADER_SIZE 56

#endif /* __OPENSNOOP_H */
