/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The histogram value shared by every latency tool's map and histogram.ts. */
#ifndef __BPFSCOPE_HISTOGRAM_H
#define __BPFSCOPE_HISTOGRAM_H

#define HISTOGRAM_SLOTS 32

struct histogram {
	__u64 slots[HISTOGRAM_SLOTS];
};

#endif /* __BPFSCOPE_HISTOGRAM_H */
