/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * What the TCP tools read of a socket: family, addresses, ports and their
 * filters. port_listed() is there when the tool's header defines MAX_PORT_FILTERS.
 */
#ifndef __BPFSCOPE_INET_BPF_H
#define __BPFSCOPE_INET_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define AF_INET	    2
#define AF_INET6    10
#define IPPROTO_TCP 6

static __always_inline bool inet_family(__u16 family)
{
	return family == AF_INET || family == AF_INET6;
}

/*
 * The socket's local and remote addresses into 16-byte buffers: IPv4 in the
 * first 4 bytes, network order, as the decoders read them.
 */
static __always_inline void sock_addresses(const struct sock *sk, __u16 family, __u8 *local,
					   __u8 *remote)
{
	if (family == AF_INET) {
		bpf_core_read(local, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(remote, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(local, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(remote, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* The remote port, host order. */
static __always_inline __u16 sock_remote_port(const struct sock *sk)
{
	return bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

/*
 * The local port, host order, from inet_sport: skc_num is zeroed when the port
 * is released, which tcp_set_state() does before it reports TCP_CLOSE.
 */
static __always_inline __u16 sock_local_port(const struct sock *sk)
{
	return bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
}

#ifdef MAX_PORT_FILTERS
/* A port filter (bcc -P, -L, -D): is `port` one of the first `count` of `ports`? */
static __always_inline bool port_listed(__u16 port, const volatile __u16 *ports, __u32 count)
{
	__u32 i;

	for (i = 0; i < MAX_PORT_FILTERS; i++) {
		if (i >= count)
			break;
		if (ports[i] == port)
			return true;
	}
	return false;
}
#endif

#endif /* __BPFSCOPE_INET_BPF_H */
