// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * biolatency: block I/O latency as log2 histograms in the kernel, from issue to
 * completion (or from insertion into the I/O scheduler, with `queued`), optionally
 * per disk and per operation. Requests are keyed by their struct request pointer,
 * which tp_btf and raw_tp hand over (the classic tracepoint does not).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "block.bpf.h"
#include "histogram.bpf.h"
#include "biolatency.h"

const volatile bool targ_queued = false;
const volatile bool targ_per_disk = false;
const volatile bool targ_per_flags = false;
const volatile bool targ_milliseconds = false;
const volatile __u32 targ_dev = 0; /* only this device when non-zero */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, const struct request *);
	__type(value, __u64);
} started SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOLATENCY_MAX_KEYS);
	__type(key, struct biolatency_key);
	__type(value, struct histogram);
} histograms SEC(".maps");

static __always_inline void request_started(const struct request *rq)
{
	__u64 now;

	if (targ_dev && request_dev(rq) != targ_dev)
		return;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&started, &rq, &now, BPF_ANY);
}

static __always_inline void request_inserted(const struct request *rq)
{
	if (targ_queued)
		request_started(rq);
}

static __always_inline void request_issued(const struct request *rq)
{
	/* Queued mode: requests that went through a scheduler were stamped at insert. */
	if (targ_queued && BPF_CORE_READ(rq, q, elevator))
		return;
	request_started(rq);
}

static __always_inline void request_completed(const struct request *rq)
{
	struct biolatency_key key = {};
	__u64 *since, delta;
	__u32 flags;

	since = bpf_map_lookup_elem(&started, &rq);
	if (!since)
		return;
	delta = bpf_ktime_get_ns() - *since;
	bpf_map_delete_elem(&started, &rq);
	if ((__s64)delta < 0)
		return;
	delta /= targ_milliseconds ? 1000000 : 1000;
	if (targ_per_disk)
		key.dev = request_dev(rq);
	if (targ_per_flags) {
		flags = BPF_CORE_READ(rq, cmd_flags);
		key.op = flags & REQ_OP_MASK;
		if (flags & REQ_FLAG(__REQ_SYNC))
			key.op |= BIOLATENCY_SYNC;
	}
	histogram_add(&histograms, &key, delta);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(biolatency_insert_btf, struct request *rq)
{
	request_inserted(rq);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(biolatency_issue_btf, struct request *rq)
{
	request_issued(rq);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(biolatency_complete_btf, struct request *rq, int error, unsigned int nr_bytes)
{
	request_completed(rq);
	return 0;
}

SEC("raw_tp/block_rq_insert")
int BPF_PROG(biolatency_insert_raw, struct request *rq)
{
	request_inserted(rq);
	return 0;
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(biolatency_issue_raw, struct request *rq)
{
	request_issued(rq);
	return 0;
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(biolatency_complete_raw, struct request *rq, int error, unsigned int nr_bytes)
{
	request_completed(rq);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
