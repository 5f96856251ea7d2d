/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The ABI between customprobe.bpf.c and its user side (the TypeScript in src/customProbe):
 * the configuration user space writes before load, and the records and keys
 * it reads back. One object serves trace, argdist, funccount, funclatency and
 * stackcount: what a probe reads, tests and aggregates is data, not code.
 */
#ifndef __CUSTOMPROBE_H
#define __CUSTOMPROBE_H

#define PROBE_MAX_PROBES   8	/* probe specs of one session */
#define PROBE_MAX_POINTS   1024 /* attach points (wildcard matches); user space allows 1000 */
#define PROBE_MAX_FIELDS   8	/* values read per event */
#define PROBE_MAX_STRINGS  4	/* strings read per event */
#define PROBE_STR_LEN	   128	/* bytes kept of each string */
#define PROBE_MAX_OPS	   16	/* steps of a filter */
#define PROBE_MAX_CONSTS   4	/* string constants of a filter */
#define PROBE_CONST_LEN	   64	/* bytes compared of a string constant (NUL included) */
#define PROBE_MAX_KEYS	   4	/* integer parts of an aggregation key */
#define PROBE_KEY_STR_LEN  64	/* bytes of a string part of an aggregation key */
#define PROBE_SYSCALLS	   1024 /* syscall numbers a dispatched wildcard covers */
#define PROBE_NO_FIELD	   0xff
#define PROBE_NO_POINT	   0xffff
#define PROBE_COMM_LEN	   16
#define PROBE_RINGBUF_SIZE (1024 * 1024)

/* A linear histogram: buckets between its min and max, one below min and one from max up. */
#define PROBE_LINEAR_BUCKETS 1000
#define PROBE_LINEAR_SLOTS   (PROBE_LINEAR_BUCKETS + 2)

/*
 * An attachment's cookie is its attach point; with PROBE_COOKIE_SYSCALLS it is a
 * probe whose points are syscalls:sys_{enter,exit}_* tracepoints, attached once
 * to raw_syscalls and told apart by the syscall number (targ_syscall_points).
 */
#define PROBE_COOKIE_SYSCALLS (1ULL << 32)

/* Where a field's value comes from. */
enum probe_source {
	PROBE_SRC_NONE = 0,
	PROBE_SRC_RECORD = 1, /* the tracepoint record, at offset */
	PROBE_SRC_ARG = 2,    /* function argument number offset (0-based) */
	PROBE_SRC_RET = 3,    /* the return value */
	PROBE_SRC_PID = 4,    /* process (tgid) */
	PROBE_SRC_TID = 5,    /* thread */
	PROBE_SRC_UID = 6,
	PROBE_SRC_GID = 7,
	PROBE_SRC_CPU = 8,
	PROBE_SRC_COMM = 9,	/* the task's comm: a string */
	PROBE_SRC_LATENCY = 10, /* ns since this thread passed entry point `offset` */
	/* A USDT argument (the site's note says where): */
	PROBE_SRC_USDT_REGISTER = 11, /* in register `reg` */
	PROBE_SRC_USDT_MEMORY = 12,   /* in user memory at register `reg` + usdt_value */
	PROBE_SRC_USDT_CONSTANT = 13  /* the constant usdt_value */
};

/* How a field is a string (PROBE_STRING_NONE: an integer). */
enum probe_string {
	PROBE_STRING_NONE = 0,
	PROBE_STRING_ARRAY = 1,	   /* char array in the record, length bytes at offset */
	PROBE_STRING_DATA_LOC = 2, /* u32 at offset: the string's offset | length << 16 */
	PROBE_STRING_USER = 3,	   /* the value points to user memory */
	PROBE_STRING_KERNEL = 4,   /* the value points to kernel memory */
	PROBE_STRING_ANY = 5	   /* user memory, else kernel memory */
};

struct probe_field {
	__u8 source;	/* enum probe_source */
	__u8 size;	/* bytes of the integer: 1, 2, 4 or 8 */
	__u8 is_signed; /* sign-extend a narrower integer */
	__u8 string;	/* enum probe_string */
	__u8 slot;	/* the string's slot in the event */
	__u8 reg;	/* USDT: the register's offset in struct pt_regs, in words */
	__u16 offset;	/* in the record; the argument number */
	__u16 length;	/* a char array's length */
	__u16 pad2;
	__u32 pad3;
	__s64 usdt_value; /* USDT: the constant, or the displacement from the register */
};

struct probe_point {
	__u16 probe; /* index of its probe's config */
	__u16 pad;
	__u32 pad2;
	struct probe_field fields[PROBE_MAX_FIELDS];
};

/* A filter is a program of these over a stack of booleans, in postfix order. */
enum probe_op_code {
	PROBE_OP_CMP = 1, /* push (value of field) cmp constant */
	PROBE_OP_AND = 2,
	PROBE_OP_OR = 3,
	PROBE_OP_NOT = 4
};

enum probe_cmp {
	PROBE_CMP_EQ = 0,
	PROBE_CMP_NE = 1,
	PROBE_CMP_LT = 2,
	PROBE_CMP_LE = 3,
	PROBE_CMP_GT = 4,
	PROBE_CMP_GE = 5,
	PROBE_CMP_STR_EQ = 6, /* the field's string equals constant `constant` */
	PROBE_CMP_STR_NE = 7
};

/* A value made from a field: ((field >> shift) & mask) / divisor. */
struct probe_value {
	__u8 field; /* PROBE_NO_FIELD: the value 1 */
	__u8 shift;
	__u8 pad[6];
	__u64 mask;
	__u64 divisor;
};

struct probe_op {
	__u8 code;	/* enum probe_op_code */
	__u8 cmp;	/* enum probe_cmp */
	__u8 is_signed; /* compare as signed integers */
	__u8 constant;	/* string constant of STR_EQ/STR_NE */
	__u32 pad;
	struct probe_value value;
	__u64 operand; /* the integer compared with */
};

/* What a probe does with an event that passed its filter. */
enum probe_action {
	PROBE_ACTION_EMIT = 1,	      /* a record in the ring buffer (trace) */
	PROBE_ACTION_COUNT_POINT = 2, /* count per attach point, per CPU (funccount) */
	PROBE_ACTION_COUNT = 3,	      /* count per key (argdist -C) */
	PROBE_ACTION_HIST = 4,	/* log2 histogram of a value per key (argdist -H, funclatency) */
	PROBE_ACTION_STACK = 5, /* count per stack (stackcount) */
	PROBE_ACTION_START = 6, /* remember when this thread passed this point (an entry) */
	PROBE_ACTION_LINEAR = 7 /* linear histogram of a value per key (bpftrace's lhist) */
};

#define PROBE_STACK_USER   1
#define PROBE_STACK_KERNEL 2

struct probe_config {
	__u8 action; /* enum probe_action */
	__u8 nfields;
	__u8 nops;
	__u8 nkeys;
	__u8 key_string;   /* field whose string is part of the key, or PROBE_NO_FIELD */
	__u8 key_by_point; /* the key's slot is the attach point rather than the probe */
	__u8 stacks;	   /* PROBE_STACK_* taken (STACK, EMIT) */
	__u8 pad;
	struct probe_value value; /* HIST: the value counted */
	struct probe_value keys[PROBE_MAX_KEYS];
	struct probe_op ops[PROBE_MAX_OPS];
	char consts[PROBE_MAX_CONSTS][PROBE_CONST_LEN];
	/* 0xff for each byte of a constant that is compared: its characters and its NUL. */
	__u8 const_masks[PROBE_MAX_CONSTS][PROBE_CONST_LEN];
	/*
	 * LINEAR: slot 0 counts values below min, slot i (1..buckets) counts
	 * [min + (i - 1) * step, min + i * step), slot buckets + 1 the rest.
	 */
	__s64 linear_min;
	__u64 linear_step;
	__u32 linear_buckets;
	__u8 linear_signed; /* compare the value with min as a signed integer */
	__u8 pad2[3];
};

/* trace's record: who, where, and every field the probe read. */
struct probe_event {
	__u64 timestamp_ns;
	__u32 pid;
	__u32 tid;
	__u32 point;
	__u32 cpu;
	__s32 user_stack_id;
	__s32 kernel_stack_id;
	char comm[PROBE_COMM_LEN];
	__u64 values[PROBE_MAX_FIELDS];
	char strings[PROBE_MAX_STRINGS][PROBE_STR_LEN];
};

/* argdist's key: the probe (or attach point) and its key values. */
struct probe_key {
	__u32 slot;
	__u32 pad;
	__u64 values[PROBE_MAX_KEYS];
	char string[PROBE_KEY_STR_LEN];
};

struct probe_count {
	__u64 count;
};

/* A linear histogram's counts (PROBE_ACTION_LINEAR). */
struct probe_linear {
	__u64 slots[PROBE_LINEAR_SLOTS];
};

/* stackcount's key. */
struct probe_stack_key {
	__u32 slot;
	__u32 pid;
	__s32 user_stack_id;
	__s32 kernel_stack_id;
	char comm[PROBE_COMM_LEN];
};

/* When a thread passed an entry point (funclatency, $latency). */
struct probe_start_key {
	__u32 tid;
	__u32 point;
};

/* funccount's counts: one per attach point, per CPU. */
struct probe_point_counts {
	__u64 counts[PROBE_MAX_POINTS];
};

#endif /* __CUSTOMPROBE_H */
