// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * execsnoop: trace exec() calls, successful or not, with their arguments.
 * The arguments are captured at syscall entry (the caller's memory is gone after
 * a successful exec) and the event is sent at syscall exit with the return value.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "bpfscope.bpf.h"
#include "execsnoop.h"

#define EEXIST 17

const volatile __u32 targ_uid = NO_UID_FILTER;
const volatile __u32 targ_max_args = DEFAULT_MAX_ARGS;
const volatile bool targ_include_failed = true;

/* Zeroed template: the event is too large for the BPF stack. */
static const struct exec_event empty_event = {};

/*
 * In-flight execs, keyed by tgid (the thread id changes when exec succeeds).
 * 1024 entries of 7.7 KB is 8 MB of kernel memory, ample for execs *in progress
 * at once*; beyond that (or when an entry cannot be allocated) they are counted as
 * drops. Where the kernel allows it (6.1+), the loader sets BPF_F_NO_PREALLOC so
 * entries are allocated as execs begin, not all 8 MB at every start.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct exec_event);
} execs SEC(".maps");

/*
 * Sized by rate: an exec's record is its header and the arguments it has (~200
 * bytes for a few), so 1 MiB holds ~5,000 execs, seconds of the fastest a core
 * execs (bench/execStorm.ts: ~2,000/s). Its reader maps it twice, and the
 * kernel maps all of it at once: every MiB here is 2 MiB of the agent's RSS.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

_Static_assert(__builtin_offsetof(struct exec_event, args) == EXEC_EVENT_HEADER_SIZE,
	       "EXEC_EVENT_HEADER_SIZE out of step with struct exec_event");

static __always_inline void append_string(struct exec_event *event, const char *user_string)
{
	__u32 offset = event->args_size;
	long length;

	if (offset > ARGS_BUFFER_SIZE - ARG_SIZE) {
		event->flags |= EXEC_FLAG_ARGS_TRUNCATED;
		return;
	}
	length = bpf_probe_read_user_str(&event->args[offset], ARG_SIZE, user_string);
	if (length <= 0)
		return;
	/* A string that filled the whole slot was cut at ARG_SIZE - 1 bytes. */
	if (length == ARG_SIZE)
		event->flags |= EXEC_FLAG_ARGS_TRUNCATED;
	event->args_size += length;
	event->args_count++;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int execsnoop_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 uid = (__u32)bpf_get_current_uid_gid();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	const char **argv = (const char **)ctx->args[1];
	struct task_struct *task;
	struct exec_event *event;
	const char *arg;
	long err;
	__u32 i;

	if (targ_uid != NO_UID_FILTER && targ_uid != uid)
		return 0;
	err = bpf_map_update_elem(&execs, &tgid, &empty_event, BPF_NOEXIST);
	if (err) {
		/* EEXIST: another thread of this process is mid-exec; anything else loses the event. */
		if (err != -EEXIST)
			count_drop();
		return 0;
	}
	event = bpf_map_lookup_elem(&execs, &tgid);
	if (!event)
		return 0;

	task = (struct task_struct *)bpf_get_current_task();
	event->pid = tgid;
	event->uid = uid;
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);

	append_string(event, (const char *)ctx->args[0]);
	/* argv[0] is replaced by the file name above, as bcc prints it. */
	for (i = 1; i < MAX_ARGS_LIMIT; i++) {
		if (i >= targ_max_args) {
			if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) == 0 && arg)
				event->flags |= EXEC_FLAG_ARGS_TRUNCATED;
			break;
		}
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		append_string(event, arg);
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int execsnoop_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct exec_event *event;

	event = bpf_map_lookup_elem(&execs, &tgid);
	if (!event)
		return 0;
	event->retval = ctx->ret;
	if (event->retval == 0 || targ_include_failed) {
		event->timestamp_ns = bpf_ktime_get_ns();
		bpf_get_current_comm(&event->comm, sizeof(event->comm));
		output_head_or_count_drop(&events, event, EXEC_EVENT_HEADER_SIZE + event->args_size,
					  sizeof(*event));
	}
	bpf_map_delete_elem(&execs, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
