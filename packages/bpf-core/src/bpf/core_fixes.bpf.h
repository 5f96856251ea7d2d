/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * CO-RE shims for kernel struct changes, in one place. Each cites the change it
 * works around so it can be dropped once no supported kernel predates it.
 */
#ifndef __BPFSCOPE_CORE_FIXES_BPF_H
#define __BPFSCOPE_CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>

/*
 * sock::sk_protocol was a bitfield until kernel 5.6, commit bf9765145b85
 * ("sock: Make sk_protocol a 16-bit value"); the probed bitfield read handles
 * both layouts.
 */
static __always_inline __u16 sock_protocol(const struct sock *sk)
{
	return (__u16)BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
}

/*
 * sock::sk_shutdown was a 2-bit bitfield until kernel 6.5, commit e14cadfd80d7
 * ("tcp: add annotations around sk->sk_shutdown accesses") made it a u8.
 */
static __always_inline __u8 sock_shutdown(const struct sock *sk)
{
	return (__u8)BPF_CORE_READ_BITFIELD_PROBED(sk, sk_shutdown);
}

/*
 * task_struct::state was renamed __state in kernel 5.14, commit 2f064a59a11f
 * ("sched: Change task_struct::state").
 */
struct task_struct___pre_5_14 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(const struct task_struct *task)
{
	if (bpf_core_field_exists(task->__state))
		return BPF_CORE_READ(task, __state);
	return BPF_CORE_READ((struct task_struct___pre_5_14 *)task, state);
}

#endif /* __BPFSCOPE_CORE_FIXES_BPF_H */
