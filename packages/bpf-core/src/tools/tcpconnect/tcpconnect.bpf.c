// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * tcpconnect: every active TCP open that sent a SYN, with who made it, where to,
 * and how it ended. bcc prints an attempt when connect() returns; an attempt is
 * sent here when its outcome is known, so that refused and timed-out connects
 * carry their result:
 *
 *  - the owner (pid, uid, comm) is taken in the caller's context: at the return
 *    of tcp_v4_connect/tcp_v6_connect (fexit, else kretprobe, as bcc), or, with
 *    neither, at the socket's CLOSE -> SYN_SENT transition. tcp_v4_connect and
 *    tcp_v6_connect make that transition themselves, holding the socket lock,
 *    so it attributes exactly as the kretprobe does. The connect syscall
 *    tracepoints were not used: a non-blocking connect returns EINPROGRESS
 *    there, long before the outcome, and io_uring and in-kernel connects
 *    never pass through them.
 *  - the outcome comes from sock:inet_sock_set_state in every method: SYN_SENT
 *    (or SYN_RECV, a simultaneous open) -> ESTABLISHED, or -> CLOSE, where
 *    tcp_done_with_error() has set sk_err (ECONNREFUSED on a reset,
 *    ETIMEDOUT when the SYN retries run out, EHOSTUNREACH from ICMP...). A CLOSE
 *    with no error is a socket closed before any answer (CONNECT_CLOSED).
 *
 * Addresses and the local port are read at the outcome: the port is chosen
 * after SYN_SENT (inet_hash_connect), and a v4-mapped IPv6 socket gets its
 * IPv6 source address only after tcp_v4_connect returns.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpfscope.bpf.h"
#include "core_fixes.bpf.h"
#include "tcpconnect.h"
#include "inet.bpf.h"

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_uid = NO_UID_FILTER;
const volatile __u16 targ_family = 0; /* AF_INET or AF_INET6 (bcc -4, -6); 0: both */
const volatile __u16 targ_ports[MAX_PORT_FILTERS] = {};
const volatile __u32 targ_port_count = 0;
/* No connect hooks loaded (fexit, kretprobe): the owner is taken at SYN_SENT. */
const volatile bool targ_owner_at_syn_sent = true;
const volatile bool targ_count = false; /* bcc -c: count per flow instead of sending events */

/* Attempts whose SYN went out, by socket, until their outcome. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING_CONNECTS);
	__type(key, const struct sock *);
	__type(value, struct connect_event);
} pending SEC(".maps");

/* kprobe -> kretprobe: the socket each thread is connecting (as bcc's currsock). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, const struct sock *);
} connecting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct connect_flow);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

/* In the connecting task's context, with the destination set: note the attempt if it is traced. */
static __always_inline void connect_started(const struct sock *sk)
{
	struct connect_event event = {};
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 uid = bpf_get_current_uid_gid();

	event.pid = pid_tgid >> 32;
	if (targ_tgid && event.pid != targ_tgid)
		return;
	if (targ_uid != NO_UID_FILTER && uid != targ_uid)
		return;
	event.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (!inet_family(event.family) || (targ_family && event.family != targ_family))
		return;
	event.rport = sock_remote_port(sk);
	if (targ_port_count && !port_listed(event.rport, targ_ports, targ_port_count))
		return;
	event.uid = uid;
	event.timestamp_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(&event.comm, sizeof(event.comm));
	/* A full map loses this attempt: count it rather than hide it. */
	if (bpf_map_update_elem(&pending, &sk, &event, BPF_ANY))
		count_drop();
}

static __always_inline void count_connect(const struct connect_event *event)
{
	static const __u64 zero;
	struct connect_flow flow = {
		.rport = event->rport,
		.family = event->family,
	};
	__u64 *count;

	__builtin_memcpy(flow.laddr, event->laddr, sizeof(flow.laddr));
	__builtin_memcpy(flow.raddr, event->raddr, sizeof(flow.raddr));
	count = map_lookup_or_init(&counts, &flow, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
}

/* A state change of a socket that may be a pending attempt: send (or count) it if this ends it. */
static __always_inline void connect_state_changed(const struct sock *sk, int newstate)
{
	struct connect_event *event;

	if (newstate != TCP_ESTABLISHED && newstate != TCP_CLOSE)
		return;
	event = bpf_map_lookup_elem(&pending, &sk);
	if (!event)
		return;
	event->outcome_ns = bpf_ktime_get_ns();
	event->lport = sock_local_port(sk);
	if (newstate == TCP_ESTABLISHED) {
		event->outcome = CONNECT_ESTABLISHED;
	} else if (!event->lport) {
		/* No local port: tcp_v4_connect failed before the SYN, as bcc's ret != 0. */
		goto out;
	} else {
		event->error = BPF_CORE_READ(sk, sk_err);
		event->outcome = event->error ? CONNECT_FAILED : CONNECT_CLOSED;
	}
	sock_addresses(sk, event->family, event->laddr, event->raddr);
	if (targ_count)
		count_connect(event);
	else
		output_or_count_drop(&events, event, sizeof(*event));
out:
	bpf_map_delete_elem(&pending, &sk);
}

static __always_inline void state_changed(const struct sock *sk, int oldstate, int newstate)
{
	if (targ_owner_at_syn_sent && newstate == TCP_SYN_SENT && oldstate == TCP_CLOSE)
		connect_started(sk);
	else
		connect_state_changed(sk, newstate);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcpconnect_btf, const struct sock *sk, int oldstate, int newstate)
{
	if (sock_protocol(sk) == IPPROTO_TCP)
		state_changed(sk, oldstate, newstate);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int tcpconnect_tracepoint(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol == IPPROTO_TCP)
		state_changed((const struct sock *)ctx->skaddr, ctx->oldstate, ctx->newstate);
	return 0;
}

/* fentry method: the owner at fexit, as bcc's kretprobe. */

SEC("fexit/tcp_v4_connect")
int BPF_PROG(tcpconnect_v4_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	if (!ret)
		connect_started(sk);
	return 0;
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(tcpconnect_v6_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	if (!ret)
		connect_started(sk);
	return 0;
}

/* kprobe method: bcc's kprobe/kretprobe pair. */

static __always_inline void connect_entered(const struct sock *sk)
{
	__u32 tid = bpf_get_current_pid_tgid();

	bpf_map_update_elem(&connecting, &tid, &sk, BPF_ANY);
}

static __always_inline void connect_returned(int ret)
{
	__u32 tid = bpf_get_current_pid_tgid();
	const struct sock **sk;

	sk = bpf_map_lookup_elem(&connecting, &tid);
	if (!sk)
		return;
	if (!ret)
		connect_started(*sk);
	bpf_map_delete_elem(&connecting, &tid);
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(tcpconnect_v4_kprobe, struct sock *sk)
{
	connect_entered(sk);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(tcpconnect_v4_kretprobe, int ret)
{
	connect_returned(ret);
	return 0;
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(tcpconnect_v6_kprobe, struct sock *sk)
{
	connect_entered(sk);
	return 0;
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(tcpconnect_v6_kretprobe, int ret)
{
	connect_returned(ret);
	return 0;
}

/* Only used on the stack: this keeps the type in BTF, where tests check tcpconnect.ts against it. */
const struct connect_event *unused_event __attribute__((unused));

_Static_assert(sizeof(struct connect_flow) == 36, "tcpconnect.ts expects a 36-byte flow key");

_Static_assert(sizeof(struct connect_event) == 88, "tcpconnect.ts expects an 88-byte event");

char LICENSE[] SEC("license") = "GPL";
