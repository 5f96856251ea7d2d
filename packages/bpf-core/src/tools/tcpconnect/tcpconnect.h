/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between tcpconnect.bpf.c and tcpconnect.ts: keep both in step. */
#ifndef __TCPCONNECT_H
#define __TCPCONNECT_H

#define TASK_COMM_LEN	     16
#define MAX_PORT_FILTERS     8
#define MAX_PENDING_CONNECTS 16384
#define MAX_FLOWS	     10240
#define NO_UID_FILTER	     0xffffffff

/* How an attempt ended: the handshake completed, the kernel gave up with sk_err, or the socket was closed first. */
#define CONNECT_ESTABLISHED 0
#define CONNECT_FAILED	    1
#define CONNECT_CLOSED	    2

struct connect_event {
	__u8 laddr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 raddr[16];
	__u64 timestamp_ns; /* bpf_ktime_get_ns() when the SYN was sent */
	__u64 outcome_ns;   /* when the attempt ended */
	__u32 pid;
	__u32 uid;
	__u16 lport;   /* host order */
	__u16 rport;   /* host order */
	__u16 family;  /* AF_INET or AF_INET6 */
	__u16 outcome; /* CONNECT_* */
	__u32 error;   /* sk_err (ECONNREFUSED, ETIMEDOUT...) when CONNECT_FAILED, else 0 */
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

/* Count mode (bcc -c): attempts per flow, counted as they end, in a map of __u64. */
struct connect_flow {
	__u8 laddr[16];
	__u8 raddr[16];
	__u16 rport;
	__u16 family;
};

#endif /* __TCPCONNECT_H */
