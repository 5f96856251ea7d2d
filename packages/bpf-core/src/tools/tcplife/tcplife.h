/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between tcplife.bpf.c and tcplife.ts: keep both in step. */
#ifndef __TCPLIFE_H
#define __TCPLIFE_H

#define TASK_COMM_LEN	 16
#define MAX_PORT_FILTERS 8

struct tcp_session_event {
	__u8 local_addr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 remote_addr[16];
	__u64 timestamp_ns; /* bpf_ktime_get_ns() at TCP_CLOSE */
	__u64 duration_ns;
	__u64 rx_bytes; /* tcp_sock::bytes_received */
	__u64 tx_bytes; /* tcp_sock::bytes_acked */
	__u32 pid;
	__u16 local_port;  /* host order */
	__u16 remote_port; /* host order */
	__u16 family;	   /* AF_INET or AF_INET6 */
	__u8 pad[6];
	char comm[TASK_COMM_LEN];
};

#endif /* __TCPLIFE_H */
