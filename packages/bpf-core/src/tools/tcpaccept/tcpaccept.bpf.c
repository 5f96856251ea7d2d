// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * tcpaccept: every TCP connection a process accepts, in the accepting task's
 * context. The new socket is found three ways:
 *
 *  - fexit on inet_csk_accept, which tcp_prot.accept points at: its return;
 *  - kretprobe on inet_csk_accept, as bcc;
 *  - the accept and accept4 syscall exit tracepoints: the returned descriptor
 *    is turned into its socket through the task's file table (fd -> file ->
 *    private_data, a struct socket -> sk). They see system calls only: accepts
 *    by io_uring or by the kernel itself (kernel_accept(): nfsd, ksmbd) are
 *    not seen.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpfscope.bpf.h"
#include "core_fixes.bpf.h"
#include "files.bpf.h"
#include "tcpaccept.h"
#include "inet.bpf.h"

#define S_IFMT	 00170000
#define S_IFSOCK 0140000

const volatile __u32 targ_tgid = 0;
const volatile __u16 targ_family = 0; /* AF_INET or AF_INET6 (bcc -4, -6); 0: both */
const volatile __u16 targ_ports[MAX_PORT_FILTERS] = {};
const volatile __u32 targ_port_count = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

/* In the accepting task's context: report `sk` if it is a traced TCP socket. */
static __always_inline void accepted(const struct sock *sk)
{
	struct accept_event event = {};

	if (!sk)
		return;
	event.pid = bpf_get_current_pid_tgid() >> 32;
	if (targ_tgid && event.pid != targ_tgid)
		return;
	if (sock_protocol(sk) != IPPROTO_TCP)
		return;
	event.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (!inet_family(event.family) || (targ_family && event.family != targ_family))
		return;
	/* skc_num, not inet_sport: on an accepted socket both hold the listener's port. */
	event.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (targ_port_count && !port_listed(event.lport, targ_ports, targ_port_count))
		return;
	event.rport = sock_remote_port(sk);
	sock_addresses(sk, event.family, event.laddr, event.raddr);
	event.timestamp_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(&event.comm, sizeof(event.comm));
	output_or_count_drop(&events, &event, sizeof(event));
}

/*
 * The return value is the argument after the last: inet_csk_accept(sk, flags,
 * err, kern) became inet_csk_accept(sk, arg) in kernel 6.10, commit
 * 92ef0fd55ac8 ("net: change proto and proto_ops accept type"), which added
 * struct proto_accept_arg. The branch not taken is dropped by the verifier.
 */
SEC("fexit/inet_csk_accept")
int BPF_PROG(tcpaccept_fexit)
{
	if (bpf_core_type_exists(struct proto_accept_arg))
		accepted((const struct sock *)ctx[2]);
	else
		accepted((const struct sock *)ctx[4]);
	return 0;
}

SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(tcpaccept_kretprobe, const struct sock *sk)
{
	accepted(sk);
	return 0;
}

/* The socket behind descriptor fd, which accept has just installed, or NULL. */
static __always_inline const struct sock *sock_of_fd(long fd)
{
	struct file *file = file_of_fd(fd);
	struct socket *sock;

	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tcpaccept_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret >= 0)
		accepted(sock_of_fd(ctx->ret));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tcpaccept_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret >= 0)
		accepted(sock_of_fd(ctx->ret));
	return 0;
}

/* Only used on the stack: this keeps the type in BTF, where tests check tcpaccept.ts against it. */
const struct accept_event *unused_event __attribute__((unused));

_Static_assert(sizeof(struct accept_event) == 72, "tcpaccept.ts expects a 72-byte event");

char LICENSE[] SEC("license") = "GPL";
