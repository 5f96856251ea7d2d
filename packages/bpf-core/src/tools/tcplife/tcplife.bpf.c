// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * tcplife: one event per TCP session when it closes, with its owner, addresses,
 * bytes each way and lifetime, from the inet_sock_set_state tracepoint (no
 * kprobes needed). Two entry programs share one handler: tp_btf gets typed
 * arguments and is preferred; the classic tracepoint is the fallback.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "bpfscope.bpf.h"
#include "core_fixes.bpf.h"
#include "tcplife.h"
#include "inet.bpf.h"

#define RCV_SHUTDOWN 1

const volatile __u32 targ_pid = 0;
const volatile __u16 targ_local_ports[MAX_PORT_FILTERS] = {};
const volatile __u32 targ_local_port_count = 0;
const volatile __u16 targ_remote_ports[MAX_PORT_FILTERS] = {};
const volatile __u32 targ_remote_port_count = 0;

struct owner {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct birth {
	__u64 timestamp_ns; /* when the socket entered its first open state */
	__u32 active_open;  /* it sent the SYN (connect), rather than answered one */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, const struct sock *);
	__type(value, struct birth);
} births SEC(".maps");

/*
 * Who owns each socket: recorded where the owning process is reliably on CPU,
 * connect() (SYN_SENT) for active opens and close() (LAST_ACK) for passive
 * closes; other transitions run in softirq context on behalf of anyone.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, const struct sock *);
	__type(value, struct owner);
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

/*
 * bytes_acked and bytes_received count sequence space, where a SYN and a FIN take
 * one byte each. Take them out so TX/RX are payload bytes, what the peer's
 * application wrote and read.
 */
static __always_inline void payload_bytes(const struct sock *sk, const struct birth *birth,
					  int oldstate, struct tcp_session_event *event)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u64 tx = BPF_CORE_READ(tp, bytes_acked);
	__u64 rx = BPF_CORE_READ(tp, bytes_received);
	bool fin_sent = oldstate == TCP_FIN_WAIT1 || oldstate == TCP_FIN_WAIT2 ||
			oldstate == TCP_CLOSING || oldstate == TCP_TIME_WAIT ||
			oldstate == TCP_LAST_ACK;

	/* Our SYN was acked if anything was: the first ACK covers it. */
	if (birth->active_open && tx > 0)
		tx--;
	/* write_seq counts our FIN too: all acked means the FIN was. */
	if (fin_sent && tx > 0 && BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq))
		tx--;
	/* tcp_fin() marks the receive side shut when the peer's FIN arrives. */
	if ((sock_shutdown(sk) & RCV_SHUTDOWN) && rx > 0)
		rx--;
	event->tx_bytes = tx;
	event->rx_bytes = rx;
}

static __always_inline int handle_state_change(const struct sock *sk, int oldstate, int newstate)
{
	struct tcp_session_event event = {};
	struct owner *known_owner, current_owner = {};
	struct birth *birth;
	__u64 now;

	if (newstate < TCP_FIN_WAIT1) {
		struct birth new_birth = {
			.timestamp_ns = bpf_ktime_get_ns(),
			.active_open = newstate == TCP_SYN_SENT,
		};

		bpf_map_update_elem(&births, &sk, &new_birth, BPF_NOEXIST);
	}
	if (newstate == TCP_SYN_SENT || newstate == TCP_LAST_ACK) {
		current_owner.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(&current_owner.comm, sizeof(current_owner.comm));
		bpf_map_update_elem(&owners, &sk, &current_owner, BPF_ANY);
	}
	if (newstate != TCP_CLOSE)
		return 0;

	birth = bpf_map_lookup_elem(&births, &sk);
	if (!birth) {
		/* Opened before tracing started: its lifetime is unknown, skip it. */
		bpf_map_delete_elem(&owners, &sk);
		return 0;
	}
	now = bpf_ktime_get_ns();
	event.timestamp_ns = now;
	event.duration_ns = now - birth->timestamp_ns;
	payload_bytes(sk, birth, oldstate, &event);
	bpf_map_delete_elem(&births, &sk);

	known_owner = bpf_map_lookup_elem(&owners, &sk);
	if (known_owner) {
		event.pid = known_owner->pid;
		__builtin_memcpy(event.comm, known_owner->comm, sizeof(event.comm));
		bpf_map_delete_elem(&owners, &sk);
	} else {
		event.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(&event.comm, sizeof(event.comm));
	}
	if (targ_pid && event.pid != targ_pid)
		return 0;

	event.local_port = sock_local_port(sk);
	event.remote_port = sock_remote_port(sk);
	if (targ_local_port_count &&
	    !port_listed(event.local_port, targ_local_ports, targ_local_port_count))
		return 0;
	if (targ_remote_port_count &&
	    !port_listed(event.remote_port, targ_remote_ports, targ_remote_port_count))
		return 0;

	event.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	sock_addresses(sk, event.family, event.local_addr, event.remote_addr);
	output_or_count_drop(&events, &event, sizeof(event));
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcplife_btf, const struct sock *sk, int oldstate, int newstate)
{
	if (sock_protocol(sk) != IPPROTO_TCP)
		return 0;
	return handle_state_change(sk, oldstate, newstate);
}

SEC("tracepoint/sock/inet_sock_set_state")
int tcplife_tracepoint(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	return handle_state_change((const struct sock *)ctx->skaddr, ctx->oldstate, ctx->newstate);
}

/* Only used on the stack: this keeps the type in BTF, where tests check tcplife.ts against it. */
const struct tcp_session_event *unused_event __attribute__((unused));

_Static_assert(sizeof(struct tcp_session_event) == 96, "tcplife.ts expects a 96-byte event");

char LICENSE[] SEC("license") = "GPL";
