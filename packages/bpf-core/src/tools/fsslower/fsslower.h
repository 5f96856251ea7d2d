/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between fsslower.bpf.c and fsslower.ts: keep both in step. */
#ifndef __FSSLOWER_H
#define __FSSLOWER_H

#define TASK_COMM_LEN	  16
#define FS_NAME_LEN	  16 /* file_system_type::name, NUL included */
#define FILE_NAME_LEN	  64 /* the dentry's name; longer names are cut */
#define FSSLOWER_MAX_KEYS 16

/* The operations timed, as bcc's T column names them: R, W, O, F. */
enum fs_op {
	FS_OP_READ = 0,
	FS_OP_WRITE = 1,
	FS_OP_OPEN = 2,
	FS_OP_FSYNC = 3,
};

/* One operation at least targ_min_ns long. */
struct fs_op_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() when it returned */
	__u64 latency_ns;
	__s64 size;   /* bytes read or written (-errno on failure); 0 for open and fsync */
	__s64 offset; /* file position where it started, bytes; 0 for open and fsync */
	__u32 pid;    /* tgid */
	__u32 op;     /* enum fs_op */
	char comm[TASK_COMM_LEN];
	char file_name[FILE_NAME_LEN];
};

/* Histogram key: one log2 histogram of latency (microseconds) per operation. */
struct fsslower_key {
	__u32 op; /* enum fs_op */
};

#endif /* __FSSLOWER_H */
