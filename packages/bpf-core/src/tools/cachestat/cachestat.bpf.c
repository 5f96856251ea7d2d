// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * cachestat: page cache accesses, additions and dirtyings, counted in the
 * kernel per CPU and read by user space once per interval, which works out
 * bcc's HITS, MISSES and DIRTIES from them. Accesses have no tracepoint: they
 * need fentry or a kprobe on folio_mark_accessed (mark_page_accessed before
 * folios). The rest comes from tracepoints that sit where bcc's kprobes would:
 * filemap:mm_filemap_add_to_page_cache in __filemap_add_folio (successful
 * additions only), writeback:writeback_dirty_folio in folio_account_dirtied
 * (writeback_dirty_page before 5.17), block:block_dirty_buffer in
 * mark_buffer_dirty.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bpfscope.bpf.h"
#include "cachestat.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cachestat_counts);
} counts SEC(".maps");

static __always_inline struct cachestat_counts *this_cpu_counts(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counts, &zero);
}

/* Atomic although per CPU: an fentry program can be preempted by another run of itself. */
static __always_inline void count_accessed(void)
{
	struct cachestat_counts *c = this_cpu_counts();

	if (c)
		__sync_fetch_and_add(&c->accessed, 1);
}

SEC("fentry/folio_mark_accessed")
int BPF_PROG(cachestat_folio_accessed_fentry)
{
	count_accessed();
	return 0;
}

SEC("fentry/mark_page_accessed")
int BPF_PROG(cachestat_page_accessed_fentry)
{
	count_accessed();
	return 0;
}

SEC("kprobe/folio_mark_accessed")
int BPF_KPROBE(cachestat_folio_accessed_kprobe)
{
	count_accessed();
	return 0;
}

SEC("kprobe/mark_page_accessed")
int BPF_KPROBE(cachestat_page_accessed_kprobe)
{
	count_accessed();
	return 0;
}

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int cachestat_added(void *ctx)
{
	struct cachestat_counts *c = this_cpu_counts();

	if (c)
		__sync_fetch_and_add(&c->added, 1);
	return 0;
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int cachestat_dirty_folio(void *ctx)
{
	struct cachestat_counts *c = this_cpu_counts();

	if (c)
		__sync_fetch_and_add(&c->dirtied, 1);
	return 0;
}

SEC("tracepoint/writeback/writeback_dirty_page")
int cachestat_dirty_page(void *ctx)
{
	struct cachestat_counts *c = this_cpu_counts();

	if (c)
		__sync_fetch_and_add(&c->dirtied, 1);
	return 0;
}

SEC("tracepoint/block/block_dirty_buffer")
int cachestat_buffer_dirty(void *ctx)
{
	struct cachestat_counts *c = this_cpu_counts();

	if (c)
		__sync_fetch_and_add(&c->buffers_dirtied, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
