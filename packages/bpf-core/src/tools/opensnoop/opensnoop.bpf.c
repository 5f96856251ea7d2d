// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * opensnoop: trace open(), openat(), openat2() and creat(), successful or not,
 * with the path as the caller passed it. Arguments are kept at syscall entry
 * and the event is sent at exit with the fd or errno; the path is read at exit,
 * when the kernel has already copied it, so its pages are resident.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "bpfscope.bpf.h"
#include "opensnoop.h"

const volatile __u32 targ_tgid = 0; /* only this process when non-zero */
const volatile __u32 targ_tid = 0;  /* only this thread when non-zero */
const volatile __u32 targ_uid = NO_UID_FILTER;
const volatile bool targ_failed = false;  /* failed opens only (bcc -x) */
const volatile __u32 targ_flags_mask = 0; /* only opens with one of these flags when non-zero */
const volatile bool targ_flags_rdonly = false; /* ... or opened read-only (O_RDONLY is 0) */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct open_args);
} start SEC(".maps");

/* The event is too large for the BPF stack: one per CPU, built in place. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

_Static_assert(__builtin_offsetof(struct open_event, path) == OPEN_EVENT_HEADER_SIZE,
	       "OPEN_EVENT_HEADER_SIZE out of step with struct open_event");

static __always_inline bool flags_wanted(__s32 flags)
{
	if (!targ_flags_mask && !targ_flags_rdonly)
		return true;
	if (flags & targ_flags_mask)
		return true;
	return targ_flags_rdonly && (flags & 3) == 0;
}

static __always_inline void enter_open(const char *path, __s32 flags, __u32 mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = id;
	struct open_args args = {};

	if (targ_tgid && targ_tgid != tgid)
		return;
	if (targ_tid && targ_tid != tid)
		return;
	if (targ_uid != NO_UID_FILTER && targ_uid != (__u32)bpf_get_current_uid_gid())
		return;
	if (!flags_wanted(flags))
		return;
	args.path = (__u64)path;
	args.flags = flags;
	args.mode = mode;
	/* A full map loses this open: counted, never silent. */
	if (bpf_map_update_elem(&start, &tid, &args, BPF_ANY))
		count_drop();
}

static __always_inline void exit_open(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = id, zero = 0;
	struct open_event *event;
	struct open_args *args;
	long length;

	args = bpf_map_lookup_elem(&start, &tid);
	if (!args)
		return; /* entered before we attached, or filtered out */
	if (targ_failed && ret >= 0)
		goto cleanup;
	event = bpf_map_lookup_elem(&scratch, &zero);
	if (!event)
		goto cleanup;
	event->timestamp_ns = bpf_ktime_get_ns();
	event->pid = id >> 32;
	event->tid = tid;
	event->uid = bpf_get_current_uid_gid();
	event->ret = ret;
	event->flags = args->flags;
	event->mode = args->mode;
	bpf_get_current_comm(&event->comm, sizeof(event->comm));
	length = bpf_probe_read_user_str(&event->path, sizeof(event->path),
					 (const char *)args->path);
	event->path_size = length > 0 ? length : 0;
	output_head_or_count_drop(&events, event, OPEN_EVENT_HEADER_SIZE + event->path_size,
				  sizeof(*event));
cleanup:
	bpf_map_delete_elem(&start, &tid);
}

SEC("tracepoint/syscalls/sys_enter_open")
int opensnoop_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	enter_open((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_creat")
int opensnoop_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	/* creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode). */
	enter_open((const char *)ctx->args[0], 01101, ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int opensnoop_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	enter_open((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int opensnoop_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	/* A how the kernel cannot read fails the call with EFAULT; flags 0 then. */
	bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	enter_open((const char *)ctx->args[1], how.flags, how.mode);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int opensnoop_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	exit_open(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_creat")
int opensnoop_exit_creat(struct trace_event_raw_sys_exit *ctx)
{
	exit_open(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int opensnoop_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	exit_open(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int opensnoop_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	exit_open(ctx->ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
