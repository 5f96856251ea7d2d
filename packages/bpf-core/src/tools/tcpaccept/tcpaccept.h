/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between tcpaccept.bpf.c and tcpaccept.ts: keep both in step. */
#ifndef __TCPACCEPT_H
#define __TCPACCEPT_H

#define TASK_COMM_LEN	 16
#define MAX_PORT_FILTERS 8

struct accept_event {
	__u8 laddr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 raddr[16];
	__u64 timestamp_ns; /* bpf_ktime_get_ns() when accept returned */
	__u32 pid;
	__u16 lport;  /* host order */
	__u16 rport;  /* host order */
	__u16 family; /* AF_INET or AF_INET6 */
	__u8 pad[6];
	char comm[TASK_COMM_LEN];
};

#endif /* __TCPACCEPT_H */
