/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * In-kernel log2 histograms, shared by the latency tools. Slot k counts values in
 * [2^k, 2^(k+1)), slot 0 also counts 0 (bcc's print_log2_hist convention).
 * Counts only grow: user space reads them every interval and takes the
 * difference, so no increment is lost between a read and a clear.
 */
#ifndef __BPFSCOPE_HISTOGRAM_BPF_H
#define __BPFSCOPE_HISTOGRAM_BPF_H

#include "bpfscope.bpf.h"
#include "histogram.h"

static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 high = v >> 32;

	return high ? log2_u32(high) + 32 : log2_u32(v);
}

static __always_inline void histogram_count(struct histogram *histogram, __u64 value)
{
	__u32 slot = log2_u64(value);

	if (slot >= HISTOGRAM_SLOTS)
		slot = HISTOGRAM_SLOTS - 1;
	__sync_fetch_and_add(&histogram->slots[slot], 1);
}

/* Adds one value to the histogram of `key`, creating it when new; a full map is counted as a drop. */
static __always_inline void histogram_add(void *histograms, const void *key, __u64 value)
{
	static const struct histogram zero;
	struct histogram *histogram;

	histogram = map_lookup_or_init(histograms, key, &zero);
	if (histogram)
		histogram_count(histogram, value);
}

/*
 * histogram_add for a map of struct named_histogram, naming the key after `name`
 * (a kernel address, such as a task's comm; NULL leaves it unnamed). Read on
 * every add, not only when the key is new as libbpf-tools' runqlat does: a
 * forked child runs as its parent before it execs, and a pid can be reused.
 */
static __always_inline void named_histogram_add(void *histograms, const void *key, __u64 value,
						const char *name)
{
	static const struct named_histogram zero;
	struct named_histogram *histogram;

	histogram = map_lookup_or_init(histograms, key, &zero);
	if (!histogram)
		return;
	if (name)
		bpf_probe_read_kernel_str(histogram->name, sizeof(histogram->name), name);
	histogram_count(&histogram->histogram, value);
}

#endif /* __BPFSCOPE_HISTOGRAM_BPF_H */
