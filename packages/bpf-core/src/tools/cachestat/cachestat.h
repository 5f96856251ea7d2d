/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between cachestat.bpf.c and cachestat.ts: keep both in step. */
#ifndef __CACHESTAT_H
#define __CACHESTAT_H

/*
 * Calls counted since load, per CPU; they only grow, and user space takes the
 * difference each interval. One count per call, as bcc counts them: a large
 * folio of many pages counts once.
 */
struct cachestat_counts {
	__u64 accessed;	       /* folio_mark_accessed (mark_page_accessed before folios) */
	__u64 added;	       /* folios added to the page cache (mm_filemap_add_to_page_cache) */
	__u64 dirtied;	       /* folios dirtied (writeback_dirty_folio, writeback_dirty_page) */
	__u64 buffers_dirtied; /* mark_buffer_dirty (block_dirty_buffer) */
};

#endif /* __CACHESTAT_H */
