/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Block requests as the block tools (biolatency, biosnoop) read them. */
#ifndef __BPFSCOPE_BLOCK_BPF_H
#define __BPFSCOPE_BLOCK_BPF_H

#include <bpf/bpf_core_read.h>

#define MINORBITS   20
#define REQ_OP_BITS 8
#define REQ_OP_MASK ((1 << REQ_OP_BITS) - 1)

/* A REQ_* flag bit of this kernel (their positions move between releases). */
#define REQ_FLAG(name) (1U << bpf_core_enum_value(enum req_flag_bits, name))

/* request::rq_disk went away in 5.17; the disk is reached through the queue since. */
struct request___pre_5_17 {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

/* The request's disk as MKDEV(major, first_minor), the kernel's dev_t encoding; 0 without one. */
static __always_inline __u32 request_dev(const struct request *rq)
{
	struct gendisk *disk;

	if (bpf_core_field_exists(((struct request___pre_5_17 *)rq)->rq_disk))
		disk = BPF_CORE_READ((struct request___pre_5_17 *)rq, rq_disk);
	else
		disk = BPF_CORE_READ(rq, q, disk);
	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << MINORBITS) |
	       (__u32)BPF_CORE_READ(disk, first_minor);
}

#endif /* __BPFSCOPE_BLOCK_BPF_H */
