/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The ABI between biosnoop.bpf.c and biosnoop.ts: keep both in step. */
#ifndef __BIOSNOOP_H
#define __BIOSNOOP_H

#define TASK_COMM_LEN	   16
#define BIOSNOOP_MAX_DISKS 1024
/* queued_ns when the request was issued without our having seen it inserted. */
#define QUEUED_UNKNOWN 0xffffffffffffffffULL

#define BIO_FLAG_PREFLUSH 1
#define BIO_FLAG_FUA	  2
#define BIO_FLAG_RAHEAD	  4
#define BIO_FLAG_SYNC	  8
#define BIO_FLAG_META	  16

/* One block request, sent when it has completed in full. */
struct bio_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() at completion */
	__u64 latency_ns;   /* issue to completion */
	__u64 queued_ns;    /* insertion into the I/O scheduler to issue; 0 without a scheduler */
	__u64 sector;	    /* first sector (512 bytes) */
	__u32 bytes;
	__u32 pid; /* tgid of the process that submitted it; 0 when not seen */
	__u32 dev; /* MKDEV(major, first minor) of the disk */
	__u16 op;  /* REQ_OP_* */
	__u16 flags; /* BIO_FLAG_*: the request flags bcc's T column shows, whatever their bits in this kernel */
	char comm[TASK_COMM_LEN];
};

/* Latency histogram key: the disk. */
struct biosnoop_key {
	__u32 dev;
};

#endif /* __BIOSNOOP_H */
