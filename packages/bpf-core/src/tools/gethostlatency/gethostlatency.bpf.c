// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * gethostlatency: how long host name lookups through libc take, per call, from
 * uprobes on getaddrinfo(), gethostbyname() and gethostbyname2(). The entry
 * programs remember when a thread started and the name it asked for (the
 * caller's string is only certain to be there at entry); the shared return
 * program adds the latency to a log2 histogram per function and sends an event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "histogram.bpf.h"
#include "gethostlatency.h"

const volatile __u32 targ_tgid = 0; /* only this process when non-zero */

struct lookup_start {
	__u64 timestamp_ns;
	__u32 function;
	__u32 pad;
	char host[HOST_NAME_LEN];
};

/*
 * Lookups in progress, by thread id. LRU: a thread killed inside a lookup never
 * returns, and its entry must not take a slot for good.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct lookup_start);
} lookups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct host_lookup_key);
	__type(value, struct histogram);
} histograms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline int lookup_started(const char *host, __u32 function)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct lookup_start start = {};

	if (targ_tgid && (pid_tgid >> 32) != targ_tgid)
		return 0;
	start.function = function;
	/* getaddrinfo(NULL, service, ...) is legal: the host is then left empty. */
	if (host)
		bpf_probe_read_user_str(start.host, sizeof(start.host), host);
	/* Stamped last so that reading the name is not counted as lookup time. */
	start.timestamp_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&lookups, &tid, &start, BPF_ANY))
		count_drop();
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(getaddrinfo_enter, const char *node)
{
	return lookup_started(node, LOOKUP_GETADDRINFO);
}

SEC("uprobe")
int BPF_KPROBE(gethostbyname_enter, const char *name)
{
	return lookup_started(name, LOOKUP_GETHOSTBYNAME);
}

SEC("uprobe")
int BPF_KPROBE(gethostbyname2_enter, const char *name)
{
	return lookup_started(name, LOOKUP_GETHOSTBYNAME2);
}

/* Attached to the return of every function above; the entry says which it was. */
SEC("uretprobe")
int BPF_KRETPROBE(host_lookup_exit, long ret)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct host_lookup_key key = {};
	struct host_lookup_event *event;
	struct lookup_start *start;
	__u64 latency;
	bool failed;

	start = bpf_map_lookup_elem(&lookups, &tid);
	if (!start)
		return 0; /* called before tracing started, or another process */
	latency = now - start->timestamp_ns;
	key.function = start->function;
	histogram_add(&histograms, &key, latency / 1000);

	/* getaddrinfo() returns an int (0 = found); the others a pointer (NULL = not found). */
	failed = start->function == LOOKUP_GETADDRINFO ? (int)ret != 0 : ret == 0;
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (event) {
		event->timestamp_ns = now;
		event->latency_ns = latency;
		event->pid = pid_tgid >> 32;
		event->tid = tid;
		event->function = start->function;
		event->flags = failed ? LOOKUP_FLAG_FAILED : 0;
		bpf_get_current_comm(&event->comm, sizeof(event->comm));
		__builtin_memcpy(event->host, start->host, sizeof(event->host));
		bpf_ringbuf_submit(event, 0);
	} else {
		count_drop();
	}
	/* After the copy: a deleted LRU element can be reused at once by another CPU. */
	bpf_map_delete_elem(&lookups, &tid);
	return 0;
}

/* Only used through the ring buffer: this keeps the type in BTF, where tests check gethostlatency.ts against it. */
const struct host_lookup_event *unused_event __attribute__((unused));

_Static_assert(sizeof(struct host_lookup_event) == 304,
	       "gethostlatency.ts expects a 304-byte event");

char LICENSE[] SEC("license") = "GPL";
