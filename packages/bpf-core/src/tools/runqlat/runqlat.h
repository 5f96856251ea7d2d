/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between runqlat.bpf.c and runqlat.ts. */
#ifndef __RUNQLAT_H
#define __RUNQLAT_H

#define RUNQLAT_MAX_KEYS 10240

/* Histogram key: 0 for all tasks, else the tgid (per process) or tid (per thread). */
struct runqlat_key {
	__u32 id;
};

#endif /* __RUNQLAT_H */
