/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between biolatency.bpf.c and biolatency.ts. */
#ifndef __BIOLATENCY_H
#define __BIOLATENCY_H

#define BIOLATENCY_MAX_KEYS 1024

/* Histogram key: device (MKDEV(major, minor), 0 unless per disk) and operation. */
struct biolatency_key {
	__u32 dev;
	__u32 op; /* REQ_OP_* | BIOLATENCY_SYNC when per flags, else 0 */
};

#define BIOLATENCY_SYNC 0x100

#endif /* __BIOLATENCY_H */
