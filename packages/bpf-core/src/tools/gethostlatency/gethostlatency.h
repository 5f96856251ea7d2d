/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between gethostlatency.bpf.c and gethostlatency.ts: keep both in step. */
#ifndef __GETHOSTLATENCY_H
#define __GETHOSTLATENCY_H

#define TASK_COMM_LEN 16
/* A DNS name is at most 253 characters: 256 holds any with its NUL. */
#define HOST_NAME_LEN 256

/* Which libc function a lookup went through; also the histogram key. */
#define LOOKUP_GETADDRINFO    0
#define LOOKUP_GETHOSTBYNAME  1
#define LOOKUP_GETHOSTBYNAME2 2

#define LOOKUP_FLAG_FAILED 1 /* getaddrinfo() != 0, or gethostbyname*() == NULL */

struct host_lookup_key {
	__u32 function; /* LOOKUP_* */
};

struct host_lookup_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() when the function returned */
	__u64 latency_ns;
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 function; /* LOOKUP_* */
	__u32 flags;	/* LOOKUP_FLAG_* */
	char comm[TASK_COMM_LEN];
	char host[HOST_NAME_LEN]; /* NUL-terminated, cut at HOST_NAME_LEN - 1 bytes */
};

#endif /* __GETHOSTLATENCY_H */
