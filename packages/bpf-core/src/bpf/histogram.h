/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The histogram values shared by every latency tool's map and histogram.ts. */
#ifndef __BPFSCOPE_HISTOGRAM_H
#define __BPFSCOPE_HISTOGRAM_H

#define HISTOGRAM_SLOTS	   32
#define HISTOGRAM_NAME_LEN 16 /* TASK_COMM_LEN */

struct histogram {
	__u64 slots[HISTOGRAM_SLOTS];
};

/* A histogram of a task (runqlat -P/-L): its comm beside the counts, as libbpf-tools' runqlat keeps it. */
struct named_histogram {
	struct histogram histogram;
	char name[HISTOGRAM_NAME_LEN];
};

#endif /* __BPFSCOPE_HISTOGRAM_H */
