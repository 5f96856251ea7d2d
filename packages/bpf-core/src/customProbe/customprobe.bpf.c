// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * customprobe: one prebuilt, verified program for bcc's multi-tools (trace,
 * argdist, funccount, funclatency, stackcount). What a probe reads, tests and
 * aggregates is configuration written before load (targ_points, targ_probes),
 * so a custom probe needs no compiler on the host. Each attachment carries its
 * attach point in the BPF cookie; a wildcard over syscall tracepoints is
 * attached once to raw_syscalls and told apart by syscall number, so it
 * attaches and detaches in one step rather than hundreds. Every loop is
 * bounded by a PROBE_MAX_* constant and by the largest count any probe of the
 * session uses (targ_max_*), which the verifier then knows.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "histogram.bpf.h"
#include "stacks.bpf.h"
#include "customprobe.h"

const volatile struct probe_point targ_points[PROBE_MAX_POINTS] = {};
const volatile struct probe_config targ_probes[PROBE_MAX_PROBES] = {};
/* Syscall-dispatched probes: the attach point of each syscall number, or PROBE_NO_POINT. */
const volatile __u16 targ_syscall_points[PROBE_MAX_PROBES][PROBE_SYSCALLS] = {};
/* The most fields, filter steps and keys any probe has: loops stop there. */
const volatile __u8 targ_max_fields = 0;
const volatile __u8 targ_max_ops = 0;
const volatile __u8 targ_max_keys = 0;

/*
 * Per-CPU working space: the event being built, and the filter's stack of
 * results. The stack goes through memory between steps so the verifier does not
 * follow every combination of results (2^steps paths); it sees an unknown value.
 */
struct scratch_space {
	struct probe_event event;
	__u64 filter_stack;
	/*
	 * Set while a program builds an event here. Uprobe programs run with only
	 * migration disabled: another task preempting one on this CPU finds the
	 * space taken, and its event is counted as dropped rather than mixed in.
	 */
	__u64 busy;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_space);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PROBE_RINGBUF_SIZE);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_point_counts);
} point_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240); /* resized by user space */
	__type(key, struct probe_key);
	__type(value, struct probe_count);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024); /* resized by user space */
	__type(key, struct probe_key);
	__type(value, struct histogram);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized by user space */
	__type(key, struct probe_key);
	__type(value, struct probe_linear);
} linear_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_STACKS); /* resized by user space */
	__type(key, struct probe_stack_key);
	__type(value, __u64);
} stacks SEC(".maps");

/* When each thread passed each entry point; LRU: a thread that never returns must not keep its slot. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct probe_start_key);
	__type(value, __u64);
} starts SEC(".maps");

/*
 * Function argument `index` (0-based) of a pt_regs context, by the architecture's
 * calling convention. Read through CO-RE (probe reads), not as context loads: the
 * register is chosen at run time, and the verifier refuses a context pointer
 * that was moved by a computed offset.
 */
static __always_inline __u64 regs_arg(struct pt_regs *regs, __u32 index)
{
	switch (index) {
	case 0:
		return PT_REGS_PARM1_CORE(regs);
	case 1:
		return PT_REGS_PARM2_CORE(regs);
	case 2:
		return PT_REGS_PARM3_CORE(regs);
	case 3:
		return PT_REGS_PARM4_CORE(regs);
	case 4:
		return PT_REGS_PARM5_CORE(regs);
	case 5:
#if defined(__TARGET_ARCH_x86)
		return BPF_CORE_READ(regs, r9);
#elif defined(__TARGET_ARCH_arm64)
		return BPF_CORE_READ((struct user_pt_regs *)regs, regs[5]);
#else
		return 0;
#endif
	}
	return 0;
}

/* Keeps the low `size` bytes of value, sign-extended when asked. */
static __always_inline __u64 narrow(__u64 value, __u32 size, bool is_signed)
{
	__u32 shift;

	if (size >= 8 || size == 0)
		return value;
	shift = 64 - size * 8;
	if (is_signed)
		return (__u64)((__s64)(value << shift) >> shift);
	return (value << shift) >> shift;
}

/* 32-bit tasks' syscalls have other numbers; syscalls:* tracepoints skip them, and so do we. */
static __always_inline bool in_compat_syscall(void)
{
#if defined(__TARGET_ARCH_x86)
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	/* TS_COMPAT, arch/x86/include/asm/thread_info.h */
	return BPF_CORE_READ(task, thread_info.status) & 0x0002;
#else
	return false;
#endif
}

/*
 * Reads field `index` of `point` into the event. False when the event must be
 * dropped: a latency whose start this thread never passed.
 */
static __always_inline bool read_field(void *ctx, bool regs,
				       const volatile struct probe_field *field,
				       struct probe_event *event, __u32 index, __u64 pid_tgid)
{
	struct probe_start_key start_key = {};
	__u32 size = field->size;
	__u32 slot = field->slot;
	__u32 length, string = field->string;
	__u64 value = 0, address, *start;
	char *text;

	if (size > 8)
		size = 8;
	switch (field->source) {
	case PROBE_SRC_RECORD:
		if (!regs)
			bpf_probe_read_kernel(&value, size, ctx + field->offset);
		break;
	case PROBE_SRC_ARG:
		if (regs)
			value = regs_arg(ctx, field->offset);
		break;
	case PROBE_SRC_RET:
		if (regs)
			value = PT_REGS_RC_CORE((struct pt_regs *)ctx);
		break;
	case PROBE_SRC_PID:
		value = pid_tgid >> 32;
		break;
	case PROBE_SRC_TID:
		value = (__u32)pid_tgid;
		break;
	case PROBE_SRC_UID:
		value = (__u32)bpf_get_current_uid_gid();
		break;
	case PROBE_SRC_GID:
		value = bpf_get_current_uid_gid() >> 32;
		break;
	case PROBE_SRC_CPU:
		value = bpf_get_smp_processor_id();
		break;
	case PROBE_SRC_USDT_REGISTER:
	case PROBE_SRC_USDT_MEMORY:
		/* Where libbpf's usdt.bpf.h reads them: the saved registers, then user memory. */
		if (!regs || field->reg >= sizeof(struct pt_regs) / 8)
			break;
		bpf_probe_read_kernel(&value, sizeof(value), ctx + field->reg * 8);
		if (field->source == PROBE_SRC_USDT_MEMORY) {
			address = value + field->usdt_value;
			value = 0;
			bpf_probe_read_user(&value, size, (void *)address);
		}
		break;
	case PROBE_SRC_USDT_CONSTANT:
		value = field->usdt_value;
		break;
	case PROBE_SRC_LATENCY:
		start_key.tid = (__u32)pid_tgid;
		start_key.point = field->offset; /* the entry this return pairs with */
		start = bpf_map_lookup_elem(&starts, &start_key);
		if (!start)
			return false;
		value = bpf_ktime_get_ns() - *start;
		bpf_map_delete_elem(&starts, &start_key);
		break;
	}
	value = narrow(value, size, field->is_signed);
	event->values[index & (PROBE_MAX_FIELDS - 1)] = value;

	if (field->source != PROBE_SRC_COMM && string == PROBE_STRING_NONE)
		return true;
	if (slot >= PROBE_MAX_STRINGS)
		return true;
	text = event->strings[slot];
	/* Zeroed first: strings are compared and hashed as whole buffers. */
	__builtin_memset(text, 0, PROBE_STR_LEN);
	if (field->source == PROBE_SRC_COMM) {
		bpf_get_current_comm(text, PROBE_COMM_LEN);
		return true;
	}
	switch (string) {
	case PROBE_STRING_ARRAY:
		/* An array need not end in NUL: cut it at its length. */
		length = field->length;
		if (!regs)
			bpf_probe_read_kernel_str(text, PROBE_STR_LEN, ctx + field->offset);
		if (length < PROBE_STR_LEN)
			text[length & (PROBE_STR_LEN - 1)] = 0;
		break;
	case PROBE_STRING_DATA_LOC:
		/* The kernel stores these with their NUL. */
		if (!regs)
			bpf_probe_read_kernel_str(text, PROBE_STR_LEN, ctx + (value & 0xffff));
		break;
	case PROBE_STRING_USER:
		bpf_probe_read_user_str(text, PROBE_STR_LEN, (void *)value);
		break;
	case PROBE_STRING_KERNEL:
		bpf_probe_read_kernel_str(text, PROBE_STR_LEN, (void *)value);
		break;
	case PROBE_STRING_ANY:
		if (bpf_probe_read_user_str(text, PROBE_STR_LEN, (void *)value) < 0)
			bpf_probe_read_kernel_str(text, PROBE_STR_LEN, (void *)value);
		break;
	}
	return true;
}

/* ((field >> shift) & mask) / divisor; the value 1 without a field. */
static __always_inline __u64 derive(const volatile struct probe_value *value,
				    const struct probe_event *event)
{
	__u32 field = value->field;
	__u64 divisor = value->divisor;
	__u64 result;

	if (field >= PROBE_MAX_FIELDS)
		return 1;
	result = (event->values[field] >> (value->shift & 63)) & value->mask;
	return divisor > 1 ? result / divisor : result;
}

/*
 * The string of field `field` equals constant `constant`. Both are zero after
 * their NUL (the slot is cleared before each read, the constant is padded), so
 * comparing the constant's bytes and its NUL, a word at a time without an early
 * exit, decides it: the verifier sees one path, not one per character.
 */
static __always_inline bool string_equals(const volatile struct probe_config *probe,
					  const struct probe_event *event,
					  const volatile struct probe_point *point, __u32 field,
					  __u32 constant)
{
	const volatile __u64 *expected, *mask;
	const __u64 *text;
	__u64 difference = 0;
	__u32 slot;

	if (field >= PROBE_MAX_FIELDS || constant >= PROBE_MAX_CONSTS)
		return false;
	slot = point->fields[field].slot;
	if (slot >= PROBE_MAX_STRINGS)
		return false;
	text = (const __u64 *)event->strings[slot];
	expected = (const volatile __u64 *)probe->consts[constant];
	mask = (const volatile __u64 *)probe->const_masks[constant];
#pragma unroll
	for (int i = 0; i < PROBE_CONST_LEN / 8; i++)
		difference |= (text[i] ^ expected[i]) & mask[i];
	return difference == 0;
}

static __always_inline bool compare(const volatile struct probe_config *probe,
				    const volatile struct probe_op *op,
				    const struct probe_event *event,
				    const volatile struct probe_point *point)
{
	__u64 left, right = op->operand;

	switch (op->cmp) {
	case PROBE_CMP_STR_EQ:
		return string_equals(probe, event, point, op->value.field, op->constant);
	case PROBE_CMP_STR_NE:
		return !string_equals(probe, event, point, op->value.field, op->constant);
	}
	left = derive(&op->value, event);
	if (op->is_signed) {
		switch (op->cmp) {
		case PROBE_CMP_LT:
			return (__s64)left < (__s64)right;
		case PROBE_CMP_LE:
			return (__s64)left <= (__s64)right;
		case PROBE_CMP_GT:
			return (__s64)left > (__s64)right;
		case PROBE_CMP_GE:
			return (__s64)left >= (__s64)right;
		}
	}
	switch (op->cmp) {
	case PROBE_CMP_EQ:
		return left == right;
	case PROBE_CMP_NE:
		return left != right;
	case PROBE_CMP_LT:
		return left < right;
	case PROBE_CMP_LE:
		return left <= right;
	case PROBE_CMP_GT:
		return left > right;
	case PROBE_CMP_GE:
		return left >= right;
	}
	return false;
}

/* Runs the filter: postfix steps over a stack of bits (bit 0 the top). No steps: true. */
static __always_inline bool filter_passes(const volatile struct probe_config *probe,
					  struct scratch_space *space,
					  const volatile struct probe_point *point)
{
	const struct probe_event *event = &space->event;
	__u32 nops = probe->nops;
	__u64 stack, top;

	*(volatile __u64 *)&space->filter_stack = 1;
	for (int i = 0; i < PROBE_MAX_OPS; i++) {
		const volatile struct probe_op *op = &probe->ops[i];

		if (i >= targ_max_ops || i >= nops)
			break;
		stack = *(volatile __u64 *)&space->filter_stack;
		switch (op->code) {
		case PROBE_OP_CMP:
			stack = stack << 1 | compare(probe, op, event, point);
			break;
		case PROBE_OP_AND:
			top = stack & (stack >> 1) & 1;
			stack = (stack >> 2) << 1 | top;
			break;
		case PROBE_OP_OR:
			top = (stack | (stack >> 1)) & 1;
			stack = (stack >> 2) << 1 | top;
			break;
		case PROBE_OP_NOT:
			stack ^= 1;
			break;
		}
		*(volatile __u64 *)&space->filter_stack = stack;
	}
	return *(volatile __u64 *)&space->filter_stack & 1;
}

/*
 * Per-CPU, so no other CPU writes it; a uprobe program can still be preempted
 * by another on its CPU (only migration is disabled), so those add atomically.
 */
static __always_inline void count_point(__u32 point, bool regs)
{
	struct probe_point_counts *counters;
	__u32 zero = 0;

	counters = bpf_map_lookup_elem(&point_counts, &zero);
	if (!counters || point >= PROBE_MAX_POINTS)
		return;
	if (regs)
		__sync_fetch_and_add(&counters->counts[point], 1);
	else
		counters->counts[point] += 1;
}

static __always_inline void fill_key(struct probe_key *key,
				     const volatile struct probe_config *probe,
				     const struct probe_event *event,
				     const volatile struct probe_point *point, __u32 point_index,
				     __u32 probe_index)
{
	__u32 nkeys = probe->nkeys;
	__u32 field = probe->key_string, slot;

	key->slot = probe->key_by_point ? point_index : probe_index;
	for (int i = 0; i < PROBE_MAX_KEYS; i++) {
		if (i >= targ_max_keys || i >= nkeys)
			break;
		key->values[i] = derive(&probe->keys[i], event);
	}
	if (field >= PROBE_MAX_FIELDS)
		return;
	slot = point->fields[field].slot;
	if (slot < PROBE_MAX_STRINGS)
		__builtin_memcpy(key->string, event->strings[slot], PROBE_KEY_STR_LEN);
}

static __always_inline void count_key(const struct probe_key *key)
{
	static const struct probe_count zero;
	struct probe_count *count;

	count = map_lookup_or_init(&counts, key, &zero);
	if (count)
		__sync_fetch_and_add(&count->count, 1);
}

/* The slot of `value` in a linear histogram: 0 below min, buckets + 1 from max up. */
static __always_inline __u32 linear_slot(const volatile struct probe_config *probe, __u64 value)
{
	__u64 step = probe->linear_step, offset;
	__u32 buckets = probe->linear_buckets;
	__s64 min = probe->linear_min;

	if (buckets > PROBE_LINEAR_BUCKETS)
		buckets = PROBE_LINEAR_BUCKETS;
	if (probe->linear_signed ? (__s64)value < min : value < (__u64)min)
		return 0;
	offset = value - (__u64)min;
	if (!step || offset / step >= buckets)
		return buckets + 1;
	return offset / step + 1;
}

static __always_inline void count_linear(const struct probe_key *key,
					 const volatile struct probe_config *probe, __u64 value)
{
	static const struct probe_linear zero;
	struct probe_linear *histogram;
	__u32 slot = linear_slot(probe, value);

	histogram = map_lookup_or_init(&linear_hists, key, &zero);
	if (histogram && slot < PROBE_LINEAR_SLOTS)
		__sync_fetch_and_add(&histogram->slots[slot], 1);
}

static __always_inline void count_stack(void *ctx, const volatile struct probe_config *probe,
					__u32 slot, __u64 pid_tgid)
{
	const struct task_struct *task = (const struct task_struct *)bpf_get_current_task();
	struct probe_stack_key key = {};

	key.slot = slot;
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	key.user_stack_id = (probe->stacks & PROBE_STACK_USER) && !is_kernel_thread(task)
				    ? capture_stack(ctx, BPF_F_USER_STACK)
				    : STACK_NONE;
	key.kernel_stack_id =
		probe->stacks & PROBE_STACK_KERNEL ? capture_stack(ctx, 0) : STACK_NONE;
	add_to_total(&stacks, &key, 1);
}

static __always_inline void emit(void *ctx, const volatile struct probe_config *probe,
				 struct probe_event *event, __u32 point, __u64 pid_tgid)
{
	const struct task_struct *task = (const struct task_struct *)bpf_get_current_task();

	event->timestamp_ns = bpf_ktime_get_ns();
	event->pid = pid_tgid >> 32;
	event->tid = (__u32)pid_tgid;
	event->point = point;
	event->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(&event->comm, sizeof(event->comm));
	event->user_stack_id = (probe->stacks & PROBE_STACK_USER) && !is_kernel_thread(task)
				       ? capture_stack(ctx, BPF_F_USER_STACK)
				       : STACK_NONE;
	event->kernel_stack_id =
		probe->stacks & PROBE_STACK_KERNEL ? capture_stack(ctx, 0) : STACK_NONE;
	output_or_count_drop(&events, event, sizeof(*event));
}

/* The point of syscall `nr` of dispatched probe `probe`, checked where the verifier can see it. */
static __always_inline __u32 syscall_point(__u32 probe, __u64 nr)
{
	barrier_var(nr);
	if (nr >= PROBE_SYSCALLS)
		return PROBE_NO_POINT;
	return targ_syscall_points[probe & (PROBE_MAX_PROBES - 1)][nr];
}

/* The attach point of this run: the cookie, or the syscall number for a dispatched probe. */
static __always_inline __u32 point_of(void *ctx, bool regs)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u64 nr = ~0ULL;
	__u32 probe;

	if (!(cookie & PROBE_COOKIE_SYSCALLS))
		return cookie < PROBE_MAX_POINTS ? cookie : PROBE_NO_POINT;
	if (regs)
		return PROBE_NO_POINT;
	/*
	 * raw_syscalls:sys_enter and sys_exit both start with the syscall number, as
	 * syscalls:* do. Read, not loaded from the context: a direct context load
	 * would make the kernel refuse the program on tracepoints whose records are
	 * shorter (-EACCES), and every copy serves every tracepoint. Negative
	 * numbers (no syscall) are huge unsigned: out of the table.
	 */
	bpf_probe_read_kernel(&nr, sizeof(nr),
			      ctx + offsetof(struct trace_event_raw_sys_enter, id));
	probe = cookie & 0xffff;
	if (probe >= PROBE_MAX_PROBES || in_compat_syscall())
		return PROBE_NO_POINT;
	return syscall_point(probe, nr);
}

/* Reads, tests and acts on one event, in the CPU's scratch space. */
static __always_inline void run_probe(void *ctx, bool regs, struct scratch_space *space,
				      const volatile struct probe_config *probe,
				      const volatile struct probe_point *point, __u32 point_index,
				      __u32 probe_index, __u64 pid_tgid)
{
	struct probe_event *event = &space->event;
	struct probe_start_key start_key = {};
	struct probe_key key = {};
	__u32 nfields = probe->nfields;
	__u64 now;

	for (int i = 0; i < PROBE_MAX_FIELDS; i++) {
		if (i >= targ_max_fields || i >= nfields)
			break;
		if (!read_field(ctx, regs, &point->fields[i], event, i, pid_tgid))
			return;
	}
	if (!filter_passes(probe, space, point))
		return;

	switch (probe->action) {
	case PROBE_ACTION_EMIT:
		emit(ctx, probe, event, point_index, pid_tgid);
		break;
	case PROBE_ACTION_COUNT_POINT:
		count_point(point_index, regs);
		break;
	case PROBE_ACTION_COUNT:
		fill_key(&key, probe, event, point, point_index, probe_index);
		count_key(&key);
		break;
	case PROBE_ACTION_HIST:
		fill_key(&key, probe, event, point, point_index, probe_index);
		histogram_add(&hists, &key, derive(&probe->value, event));
		break;
	case PROBE_ACTION_LINEAR:
		fill_key(&key, probe, event, point, point_index, probe_index);
		count_linear(&key, probe, derive(&probe->value, event));
		break;
	case PROBE_ACTION_STACK:
		count_stack(ctx, probe, probe->key_by_point ? point_index : probe_index, pid_tgid);
		break;
	case PROBE_ACTION_START:
		/* Stamped last, so the probe's own work is not counted as latency. */
		now = bpf_ktime_get_ns();
		start_key.tid = (__u32)pid_tgid;
		start_key.point = point_index;
		if (bpf_map_update_elem(&starts, &start_key, &now, BPF_ANY))
			count_drop();
		break;
	}
}

static __always_inline int probe_run(void *ctx, bool regs)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	const volatile struct probe_config *probe;
	const volatile struct probe_point *point;
	struct scratch_space *space;
	__u32 point_index, probe_index, zero = 0;

	if (!current_is_target(pid_tgid >> 32, (__u32)pid_tgid))
		return 0;
	point_index = point_of(ctx, regs);
	if (point_index >= PROBE_MAX_POINTS)
		return 0;
	point = &targ_points[point_index];
	probe_index = point->probe;
	if (probe_index >= PROBE_MAX_PROBES)
		return 0;
	probe = &targ_probes[probe_index];

	/* funccount: nothing to read or test, one per-CPU increment. */
	if (probe->action == PROBE_ACTION_COUNT_POINT && !probe->nfields) {
		count_point(point_index, regs);
		return 0;
	}
	space = bpf_map_lookup_elem(&scratch, &zero);
	if (!space)
		return 0;
	if (space->busy) {
		count_drop();
		return 0;
	}
	space->busy = 1;
	run_probe(ctx, regs, space, probe, point, point_index, probe_index, pid_tgid);
	space->busy = 0;
	return 0;
}
/*
 * Any classic tracepoint: the record's layout comes from tracefs, in
 * targ_points. A program can be attached to a tracepoint only once (the kernel
 * refuses it twice in one tracepoint's program array, -EEXIST), so probes of
 * one session on the same tracepoint use copies, loaded only when needed.
 */
#define PROBE_TRACEPOINT_COPY(name)                                                                \
	SEC("tracepoint")                                                                          \
	int name(void *ctx)                                                                        \
	{                                                                                          \
		return probe_run(ctx, false);                                                      \
	}

PROBE_TRACEPOINT_COPY(probe_tracepoint)
PROBE_TRACEPOINT_COPY(probe_tracepoint_2)
PROBE_TRACEPOINT_COPY(probe_tracepoint_3)
PROBE_TRACEPOINT_COPY(probe_tracepoint_4)
PROBE_TRACEPOINT_COPY(probe_tracepoint_5)
PROBE_TRACEPOINT_COPY(probe_tracepoint_6)
PROBE_TRACEPOINT_COPY(probe_tracepoint_7)
PROBE_TRACEPOINT_COPY(probe_tracepoint_8)

/* Uprobes and uretprobes: arguments from registers, return value, user memory. */
SEC("uprobe")
int probe_uprobe(struct pt_regs *ctx)
{
	return probe_run(ctx, true);
}

/* Kprobes and kretprobes, where the kernel allows them. */
SEC("kprobe")
int probe_kprobe(struct pt_regs *ctx)
{
	return probe_run(ctx, true);
}

/* Only used through the ring buffer and maps: this keeps the types in BTF, where tests check the TypeScript against them. */
const struct probe_event *unused_event __attribute__((unused));
const struct probe_point_counts *unused_point_counts __attribute__((unused));
const struct probe_linear *unused_linear __attribute__((unused));

char LICENSE[] SEC("license") = "GPL";
