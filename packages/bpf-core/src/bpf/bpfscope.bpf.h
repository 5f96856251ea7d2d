/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Helpers shared by every bpfscope BPF program. */
#ifndef __BPFSCOPE_BPF_H
#define __BPFSCOPE_BPF_H

/*
 * Events that could not be written to the ring buffer (it was full) are counted
 * here, one slot per CPU, so user space can report them instead of losing them
 * silently. User space sums the per-CPU values.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&drops, &zero);

	if (count)
		*count += 1;
}

/* bpf_ringbuf_output() that counts a failure instead of hiding it. */
static __always_inline void output_or_count_drop(void *ring, void *data, __u64 size)
{
	if (bpf_ringbuf_output(ring, data, size, 0))
		count_drop();
}

/*
 * The first `size` bytes of an event of `max` (a header and the part of its
 * variable tail that was filled), clamped in the register the helper call uses
 * so the verifier sees the bound.
 */
static __always_inline void output_head_or_count_drop(void *ring, void *data, __u64 size, __u64 max)
{
	barrier_var(size);
	if (size > max)
		size = max;
	barrier_var(size);
	output_or_count_drop(ring, data, size);
}

/* The value of `key`, inserted as `zero` when new; NULL when the map is full, counted as a drop. */
static __always_inline void *map_lookup_or_init(void *map, const void *key, const void *zero)
{
	void *value;

	value = bpf_map_lookup_elem(map, key);
	if (value)
		return value;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	value = bpf_map_lookup_elem(map, key);
	if (!value)
		count_drop();
	return value;
}

#endif /* __BPFSCOPE_BPF_H */
