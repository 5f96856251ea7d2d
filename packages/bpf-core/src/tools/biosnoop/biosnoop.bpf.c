// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * biosnoop: every block I/O request, with the process that submitted it, its
 * disk, operation, sector, size, queued time and latency, and a log2 histogram
 * of the latency per disk in the kernel. The process is taken where the request
 * is accounted as started (block:block_io_start, in blk_account_io_start, which
 * runs in the submitter's context), as libbpf-tools' biosnoop does; kernels
 * before 6.5 lack that tracepoint, and then fentry or a kprobe on
 * blk_account_io_start stands in, else the request's insertion or issue.
 * Requests are keyed by their struct request pointer, which tp_btf and raw_tp
 * hand over.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "block.bpf.h"
#include "histogram.bpf.h"
#include "biosnoop.h"

#define MAX_REQUESTS 10240

const volatile __u32 targ_dev = 0;	 /* only this disk when non-zero */
const volatile __u64 targ_min_ns = 0;	 /* rows only for requests at least this slow */
const volatile __u64 targ_cgroup_id = 0; /* only requests submitted from this cgroup v2 */
/* No block_io_start nor blk_account_io_start hook: take the process at insertion or issue. */
const volatile bool targ_late_attribution = false;

/* Who submitted a request, from its start until it completes. */
struct submitter {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct stage {
	__u64 insert_ns;
	__u64 issue_ns;
	__u64 sector;
	__u32 bytes;
	__u32 cmd_flags;
	__u32 dev;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_REQUESTS);
	__type(key, const struct request *);
	__type(value, struct submitter);
} submitters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_REQUESTS);
	__type(key, const struct request *);
	__type(value, struct stage);
} stages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOSNOOP_MAX_DISKS);
	__type(key, struct biosnoop_key);
	__type(value, struct histogram);
} histograms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

static __always_inline __u16 bio_flags(__u32 cmd_flags)
{
	__u16 flags = 0;

	if (cmd_flags & REQ_FLAG(__REQ_PREFLUSH))
		flags |= BIO_FLAG_PREFLUSH;
	if (cmd_flags & REQ_FLAG(__REQ_FUA))
		flags |= BIO_FLAG_FUA;
	if (cmd_flags & REQ_FLAG(__REQ_RAHEAD))
		flags |= BIO_FLAG_RAHEAD;
	if (cmd_flags & REQ_FLAG(__REQ_SYNC))
		flags |= BIO_FLAG_SYNC;
	if (cmd_flags & REQ_FLAG(__REQ_META))
		flags |= BIO_FLAG_META;
	return flags;
}

static __always_inline bool current_in_cgroup(void)
{
	return !targ_cgroup_id || bpf_get_current_cgroup_id() == targ_cgroup_id;
}

static __always_inline void record_submitter(const struct request *rq)
{
	struct submitter who = {};

	if (!current_in_cgroup())
		return;
	if (targ_dev && request_dev(rq) != targ_dev)
		return;
	who.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&who.comm, sizeof(who.comm));
	bpf_map_update_elem(&submitters, &rq, &who, BPF_ANY);
}

static __always_inline void stamp(struct stage *stage, const struct request *rq, bool insert,
				  __u64 now)
{
	if (insert) {
		stage->insert_ns = now;
		return;
	}
	/* The whole request as issued: completions may come in parts. */
	stage->issue_ns = now;
	stage->sector = BPF_CORE_READ(rq, __sector);
	stage->bytes = BPF_CORE_READ(rq, __data_len);
	stage->cmd_flags = BPF_CORE_READ(rq, cmd_flags);
}

static __always_inline void request_stage(const struct request *rq, bool insert)
{
	__u64 now = bpf_ktime_get_ns();
	struct stage *stage, fresh = {};

	if (targ_late_attribution && !bpf_map_lookup_elem(&submitters, &rq))
		record_submitter(rq);
	stage = bpf_map_lookup_elem(&stages, &rq);
	if (stage) {
		stamp(stage, rq, insert, now);
		return;
	}
	fresh.dev = request_dev(rq);
	if (targ_dev && fresh.dev != targ_dev)
		return;
	stamp(&fresh, rq, insert, now);
	if (bpf_map_update_elem(&stages, &rq, &fresh, BPF_ANY))
		count_drop();
}

static __always_inline void request_completed(void *ctx, const struct request *rq,
					      unsigned int nr_bytes)
{
	struct biosnoop_key key = {};
	struct bio_event event = {};
	struct submitter *who;
	struct stage *stage;
	__u64 now;

	stage = bpf_map_lookup_elem(&stages, &rq);
	if (!stage) {
		/* Another disk's, or started before we attached. */
		bpf_map_delete_elem(&submitters, &rq);
		return;
	}
	/* A partial completion: the request goes on. */
	if (nr_bytes < BPF_CORE_READ(rq, __data_len))
		return;
	if (!stage->issue_ns)
		goto cleanup; /* issued before we attached */
	who = bpf_map_lookup_elem(&submitters, &rq);
	if (targ_cgroup_id && !who)
		goto cleanup;
	now = bpf_ktime_get_ns();
	event.latency_ns = now - stage->issue_ns;
	key.dev = stage->dev;
	histogram_add(&histograms, &key, event.latency_ns / 1000);
	if (event.latency_ns < targ_min_ns)
		goto cleanup;
	event.timestamp_ns = now;
	if (BPF_CORE_READ(rq, q, elevator))
		event.queued_ns =
			stage->insert_ns ? stage->issue_ns - stage->insert_ns : QUEUED_UNKNOWN;
	event.sector = stage->sector;
	event.bytes = stage->bytes;
	event.op = stage->cmd_flags & REQ_OP_MASK;
	event.flags = bio_flags(stage->cmd_flags);
	event.dev = stage->dev;
	if (who) {
		event.pid = who->pid;
		__builtin_memcpy(event.comm, who->comm, sizeof(event.comm));
	}
	output_or_count_drop(&events, &event, sizeof(event));
cleanup:
	bpf_map_delete_elem(&stages, &rq);
	bpf_map_delete_elem(&submitters, &rq);
}

SEC("tp_btf/block_io_start")
int BPF_PROG(biosnoop_io_start_btf, struct request *rq)
{
	record_submitter(rq);
	return 0;
}

SEC("raw_tp/block_io_start")
int BPF_PROG(biosnoop_io_start_raw, struct request *rq)
{
	record_submitter(rq);
	return 0;
}

SEC("fentry/blk_account_io_start")
int BPF_PROG(biosnoop_account_start_fentry, struct request *rq)
{
	record_submitter(rq);
	return 0;
}

SEC("kprobe/blk_account_io_start")
int BPF_KPROBE(biosnoop_account_start_kprobe, struct request *rq)
{
	record_submitter(rq);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(biosnoop_insert_btf, struct request *rq)
{
	request_stage(rq, true);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(biosnoop_issue_btf, struct request *rq)
{
	request_stage(rq, false);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(biosnoop_complete_btf, struct request *rq, int error, unsigned int nr_bytes)
{
	request_completed(ctx, rq, nr_bytes);
	return 0;
}

SEC("raw_tp/block_rq_insert")
int BPF_PROG(biosnoop_insert_raw, struct request *rq)
{
	request_stage(rq, true);
	return 0;
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(biosnoop_issue_raw, struct request *rq)
{
	request_stage(rq, false);
	return 0;
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(biosnoop_complete_raw, struct request *rq, int error, unsigned int nr_bytes)
{
	request_completed(ctx, rq, nr_bytes);
	return 0;
}

/* Keeps struct bio_event in the BTF, for the layout test of the decoder. */
const struct bio_event *unused_event __attribute__((unused));

char LICENSE[] SEC("license") = "GPL";
