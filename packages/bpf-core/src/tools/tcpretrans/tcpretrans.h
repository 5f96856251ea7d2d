/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between tcpretrans.bpf.c and tcpretrans.ts: keep both in step. */
#ifndef __TCPRETRANS_H
#define __TCPRETRANS_H

/* bcc's T column: R> a retransmitted segment, L> a tail loss probe attempt. */
#define RETRANS_TYPE_RETRANSMIT 1
#define RETRANS_TYPE_LOSS_PROBE 2

struct retrans_event {
	__u8 laddr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 raddr[16];
	__u64 timestamp_ns; /* bpf_ktime_get_ns() */
	__u32 pid;	    /* on CPU: mostly 0, the kernel's timers and softirqs */
	__u32 seq;	    /* the segment's first sequence number (bcc -s); 0 for a loss probe */
	__u16 lport;	    /* host order */
	__u16 rport;	    /* host order */
	__u16 family;	    /* AF_INET or AF_INET6 */
	__u16 segments; /* tcp_skb_pcount(): segments retransmitted, as RetransSegs counts them */
	__u8 state;	/* TCP_ESTABLISHED... */
	__u8 type;	/* RETRANS_TYPE_* */
	__u8 pad[6];
};

/* Count mode (bcc -c): retransmits per connection. */
#define MAX_FLOWS 10240

struct retrans_flow {
	__u8 laddr[16];
	__u8 raddr[16];
	__u16 lport;
	__u16 rport;
	__u16 family;
	__u16 pad;
};

struct retrans_count {
	__u64 retransmits; /* R> and L> events, as bcc -c counts them */
	__u64 segments;	   /* of the R> ones, as RetransSegs counts them */
	__u64 loss_probes; /* L> */
};

#endif /* __TCPRETRANS_H */
