// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * tcpretrans: TCP retransmits, and tail loss probes on request (bcc -l).
 * Retransmits come from the tcp:tcp_retransmit_skb tracepoint in every method
 * (tp_btf where it works, else the classic tracepoint), as bcc uses it where the
 * kernel has it. Tail loss probes have no tracepoint: tcp_send_loss_probe is
 * hooked with fentry, else a kprobe, and without either they cannot be seen.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpfscope.bpf.h"
#include "tcpretrans.h"
#include "inet.bpf.h"

const volatile __u16 targ_family = 0;	/* AF_INET or AF_INET6 (bcc -4, -6); 0: both */
const volatile bool targ_count = false; /* bcc -c: count per connection instead of sending events */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct retrans_flow);
	__type(value, struct retrans_count);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

static __always_inline void count_retransmit(const struct retrans_event *event)
{
	static const struct retrans_count zero;
	struct retrans_flow flow = {
		.lport = event->lport,
		.rport = event->rport,
		.family = event->family,
	};
	struct retrans_count *count;

	__builtin_memcpy(flow.laddr, event->laddr, sizeof(flow.laddr));
	__builtin_memcpy(flow.raddr, event->raddr, sizeof(flow.raddr));
	count = map_lookup_or_init(&counts, &flow, &zero);
	if (!count)
		return;
	__sync_fetch_and_add(&count->retransmits, 1);
	if (event->type == RETRANS_TYPE_LOSS_PROBE)
		__sync_fetch_and_add(&count->loss_probes, 1);
	else
		__sync_fetch_and_add(&count->segments, event->segments);
}

static __always_inline void report(const struct sock *sk, const struct sk_buff *skb, __u8 type)
{
	struct retrans_event event = {};
	const struct tcp_skb_cb *cb;

	event.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (!inet_family(event.family) || (targ_family && event.family != targ_family))
		return;
	event.timestamp_ns = bpf_ktime_get_ns();
	event.pid = bpf_get_current_pid_tgid() >> 32;
	event.type = type;
	event.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	event.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	event.rport = sock_remote_port(sk);
	sock_addresses(sk, event.family, event.laddr, event.raddr);
	if (skb) {
		/* TCP_SKB_CB(skb): the control block TCP keeps in skb->cb. */
		cb = (const struct tcp_skb_cb *)__builtin_preserve_access_index(&skb->cb);
		event.seq = BPF_CORE_READ(cb, seq);
		event.segments = BPF_CORE_READ(cb, tcp_gso_segs);
	}
	if (targ_count)
		count_retransmit(&event);
	else
		output_or_count_drop(&events, &event, sizeof(event));
}

/*
 * Since kernel 6.17, commit ad892e912b84 ("tcp: trace retransmit failures in
 * tcp_retransmit_skb"), the tracepoint has an err argument and also fires for
 * attempts that sent nothing (EBUSY: the original still in a host queue,
 * ENOMEM...). Only err == 0 is a retransmit sent: what the tracepoint meant
 * before. RetransSegs also counts a transmit that failed after it was counted
 * (TCPRetransFail counts those too), but not an EBUSY.
 */
static __always_inline bool has_err_argument(void)
{
	return bpf_core_field_exists(struct trace_event_raw_tcp_retransmit_skb, err);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tcpretrans_btf, const struct sock *sk, const struct sk_buff *skb)
{
	/* The branch is dropped by the verifier where the tracepoint has no third argument. */
	if (has_err_argument() && (int)ctx[2])
		return 0;
	report(sk, skb, RETRANS_TYPE_RETRANSMIT);
	return 0;
}

/* The fields every version of the tracepoint begins with (since 4.15), read without relocation. */
struct tcp_retransmit_skb_args {
	__u64 common;
	const struct sk_buff *skbaddr;
	const struct sock *skaddr;
};

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tcpretrans_tracepoint(struct tcp_retransmit_skb_args *ctx)
{
	if (has_err_argument() && ((struct trace_event_raw_tcp_retransmit_skb *)ctx)->err)
		return 0;
	report(ctx->skaddr, ctx->skbaddr, RETRANS_TYPE_RETRANSMIT);
	return 0;
}

SEC("fentry/tcp_send_loss_probe")
int BPF_PROG(tcpretrans_loss_probe_fentry, struct sock *sk)
{
	report(sk, NULL, RETRANS_TYPE_LOSS_PROBE);
	return 0;
}

SEC("kprobe/tcp_send_loss_probe")
int BPF_KPROBE(tcpretrans_loss_probe_kprobe, struct sock *sk)
{
	report(sk, NULL, RETRANS_TYPE_LOSS_PROBE);
	return 0;
}

/* Only used on the stack: this keeps the type in BTF, where tests check tcpretrans.ts against it. */
const struct retrans_event *unused_event __attribute__((unused));

_Static_assert(sizeof(struct retrans_event) == 64, "tcpretrans.ts expects a 64-byte event");
_Static_assert(sizeof(struct retrans_flow) == 40, "tcpretrans.ts expects a 40-byte flow key");

char LICENSE[] SEC("license") = "GPL";
