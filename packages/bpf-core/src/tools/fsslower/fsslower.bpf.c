// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * fsslower: reads, writes, opens and fsyncs of regular files on one file system
 * (by its type name, "ext4"), timed from start to return. Every operation goes
 * into a log2 latency histogram per operation; those at least targ_min_ns long
 * are also sent as events. Three ways in, one handler:
 *
 *  - fentry/fexit on vfs_read, vfs_write, vfs_open and vfs_fsync: VFS entry
 *    points every file system goes through, so one set of programs serves any
 *    targ_fs (bcc hooks the file system's own file operations instead, which
 *    needs the function names per file system).
 *  - kprobe/kretprobe on the same functions, for kernels without fentry.
 *  - syscall tracepoints (read, write, pread64, pwrite64, readv, writev, openat,
 *    fsync, fdatasync): the descriptor is turned into its struct file through
 *    the task's file table. They see system calls only.
 *
 * None of them sees mmap'ed I/O (page faults), io_uring, AIO, sendfile/splice/
 * copy_file_range, or I/O the kernel does itself (writeback, nfsd, loop).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpfscope.bpf.h"
#include "files.bpf.h"
#include "histogram.bpf.h"
#include "fsslower.h"

#define S_IFMT	00170000
#define S_IFREG 0100000

/* The file system's type name (file_system_type::name), NUL-padded. */
const volatile char targ_fs[FS_NAME_LEN] = "ext4";
const volatile __u32 targ_tgid = 0;
const volatile __u64 targ_min_ns = 0;

/* Per thread and operation: an O_SYNC write's fsync runs inside the write. */
struct start_key {
	__u32 tid;
	__u32 op;
};

struct op_start {
	__u64 start_ns;
	struct file *file; /* NULL when only the result names it (openat's fd) */
	__s64 offset;
	__u32 check_at_exit; /* an open: the file is not set up (f_inode) until it returns */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct start_key);
	__type(value, struct op_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FSSLOWER_MAX_KEYS);
	__type(key, struct fsslower_key);
	__type(value, struct histogram);
} histograms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

static __always_inline bool traced_process(void)
{
	return !targ_tgid || (bpf_get_current_pid_tgid() >> 32) == targ_tgid;
}

/* A regular file on the target file system (as bcc's per-fs file operations see them). */
static __always_inline bool traced_file(const struct file *file)
{
	/* One byte more than targ_fs: a longer name has no NUL where targ_fs has one. */
	char fs_name[FS_NAME_LEN + 1] = {};
	const struct inode *inode;
	const char *name;
	int i;

	if (!file)
		return false;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return false;
	name = BPF_CORE_READ(inode, i_sb, s_type, name);
	if (bpf_probe_read_kernel_str(fs_name, sizeof(fs_name), name) < 0)
		return false;
	for (i = 0; i < FS_NAME_LEN; i++) {
		if (fs_name[i] != targ_fs[i])
			return false;
		if (!fs_name[i])
			return true;
	}
	return false;
}

static __always_inline struct start_key start_key_of(__u32 op)
{
	struct start_key key = {.tid = (__u32)bpf_get_current_pid_tgid(), .op = op};

	return key;
}

static __always_inline void op_started(__u32 op, struct file *file, __s64 offset,
				       bool check_at_exit)
{
	struct start_key key = start_key_of(op);
	struct op_start start = {.file = file, .offset = offset, .check_at_exit = check_at_exit};

	start.start_ns = bpf_ktime_get_ns();
	/* A full map loses this operation: count it rather than hide it. */
	if (bpf_map_update_elem(&starts, &key, &start, BPF_ANY))
		count_drop();
}

/* A read, write or fsync of `file` begins; `pos` is where it reads or writes (NULL: none). */
static __always_inline void file_op_started(__u32 op, struct file *file, const loff_t *pos)
{
	__s64 offset = 0;

	if (!traced_process() || !traced_file(file))
		return;
	if (pos)
		bpf_probe_read_kernel(&offset, sizeof(offset), pos);
	op_started(op, file, offset, false);
}

/*
 * The operation returns `ret`: bytes, an fd or 0; -errno on failure. An open's
 * file is checked only now (openat's is found by the fd it returns).
 */
static __always_inline void op_finished(__u32 op, long ret)
{
	struct start_key key = start_key_of(op);
	struct fsslower_key histogram_key = {.op = op};
	struct fs_op_event event = {};
	struct op_start *start;
	struct file *file;
	__u64 now, latency;

	start = bpf_map_lookup_elem(&starts, &key);
	if (!start)
		return;
	now = bpf_ktime_get_ns();
	latency = now - start->start_ns;
	file = start->file;
	event.offset = start->offset;
	if (start->check_at_exit) {
		if (ret < 0)
			file = NULL;
		else if (!file)
			file = file_of_fd(ret);
		if (!traced_file(file))
			file = NULL;
	}
	bpf_map_delete_elem(&starts, &key);
	if (!file)
		return;

	histogram_add(&histograms, &histogram_key, latency / 1000);
	if (latency < targ_min_ns)
		return;
	event.timestamp_ns = now;
	event.latency_ns = latency;
	event.size = op == FS_OP_READ || op == FS_OP_WRITE ? ret : 0;
	event.pid = bpf_get_current_pid_tgid() >> 32;
	event.op = op;
	bpf_get_current_comm(&event.comm, sizeof(event.comm));
	bpf_probe_read_kernel_str(event.file_name, sizeof(event.file_name),
				  BPF_CORE_READ(file, f_path.dentry, d_name.name));
	output_or_count_drop(&events, &event, sizeof(event));
}

/* fentry/fexit: typed arguments, and fexit sees them along with the result. */

SEC("fentry/vfs_read")
int BPF_PROG(fsslower_vfs_read_entry, struct file *file, char *buf, size_t count, loff_t *pos)
{
	file_op_started(FS_OP_READ, file, pos);
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(fsslower_vfs_read_exit, struct file *file, char *buf, size_t count, loff_t *pos,
	     ssize_t ret)
{
	op_finished(FS_OP_READ, ret);
	return 0;
}

SEC("fentry/vfs_write")
int BPF_PROG(fsslower_vfs_write_entry, struct file *file, const char *buf, size_t count,
	     loff_t *pos)
{
	file_op_started(FS_OP_WRITE, file, pos);
	return 0;
}

SEC("fexit/vfs_write")
int BPF_PROG(fsslower_vfs_write_exit, struct file *file, const char *buf, size_t count, loff_t *pos,
	     ssize_t ret)
{
	op_finished(FS_OP_WRITE, ret);
	return 0;
}

/* vfs_open times the file system's open after the path lookup (bcc times ext4_file_open alike). */
SEC("fentry/vfs_open")
int BPF_PROG(fsslower_vfs_open_entry, const struct path *path, struct file *file)
{
	if (traced_process())
		op_started(FS_OP_OPEN, file, 0, true);
	return 0;
}

SEC("fexit/vfs_open")
int BPF_PROG(fsslower_vfs_open_exit, const struct path *path, struct file *file, int ret)
{
	op_finished(FS_OP_OPEN, ret);
	return 0;
}

/* vfs_fsync, not vfs_fsync_range: the latter also runs inside every O_SYNC write. */
SEC("fentry/vfs_fsync")
int BPF_PROG(fsslower_vfs_fsync_entry, struct file *file, int datasync)
{
	file_op_started(FS_OP_FSYNC, file, NULL);
	return 0;
}

SEC("fexit/vfs_fsync")
int BPF_PROG(fsslower_vfs_fsync_exit, struct file *file, int datasync, int ret)
{
	op_finished(FS_OP_FSYNC, ret);
	return 0;
}

/* kprobes: the same functions; a kretprobe has only the result, the rest was saved at entry. */

SEC("kprobe/vfs_read")
int BPF_KPROBE(fsslower_vfs_read_kprobe, struct file *file, char *buf, size_t count, loff_t *pos)
{
	file_op_started(FS_OP_READ, file, pos);
	return 0;
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(fsslower_vfs_read_kretprobe, ssize_t ret)
{
	op_finished(FS_OP_READ, ret);
	return 0;
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(fsslower_vfs_write_kprobe, struct file *file, const char *buf, size_t count,
	       loff_t *pos)
{
	file_op_started(FS_OP_WRITE, file, pos);
	return 0;
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(fsslower_vfs_write_kretprobe, ssize_t ret)
{
	op_finished(FS_OP_WRITE, ret);
	return 0;
}

SEC("kprobe/vfs_open")
int BPF_KPROBE(fsslower_vfs_open_kprobe, const struct path *path, struct file *file)
{
	if (traced_process())
		op_started(FS_OP_OPEN, file, 0, true);
	return 0;
}

SEC("kretprobe/vfs_open")
int BPF_KRETPROBE(fsslower_vfs_open_kretprobe, int ret)
{
	op_finished(FS_OP_OPEN, ret);
	return 0;
}

SEC("kprobe/vfs_fsync")
int BPF_KPROBE(fsslower_vfs_fsync_kprobe, struct file *file, int datasync)
{
	file_op_started(FS_OP_FSYNC, file, NULL);
	return 0;
}

SEC("kretprobe/vfs_fsync")
int BPF_KRETPROBE(fsslower_vfs_fsync_kretprobe, int ret)
{
	op_finished(FS_OP_FSYNC, ret);
	return 0;
}

/* Syscall tracepoints: only a descriptor at entry, resolved to its file here. */

/* `pos_arg` is the syscall's explicit position (pread64/pwrite64), else NULL for the file's own. */
static __always_inline void syscall_io_entered(__u32 op, long fd, const __s64 *pos_arg)
{
	struct file *file;
	__s64 offset;

	if (!traced_process())
		return;
	file = file_of_fd(fd);
	if (!traced_file(file))
		return;
	if (pos_arg)
		offset = *pos_arg;
	else if (op == FS_OP_FSYNC)
		offset = 0;
	else
		offset = BPF_CORE_READ(file, f_pos);
	op_started(op, file, offset, false);
}

SEC("tracepoint/syscalls/sys_enter_read")
int fsslower_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	syscall_io_entered(FS_OP_READ, ctx->args[0], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_read")
int fsslower_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_READ, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_pread64")
int fsslower_enter_pread64(struct trace_event_raw_sys_enter *ctx)
{
	__s64 pos = ctx->args[3];

	syscall_io_entered(FS_OP_READ, ctx->args[0], &pos);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_pread64")
int fsslower_exit_pread64(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_READ, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_readv")
int fsslower_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	syscall_io_entered(FS_OP_READ, ctx->args[0], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_readv")
int fsslower_exit_readv(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_READ, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int fsslower_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	syscall_io_entered(FS_OP_WRITE, ctx->args[0], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_write")
int fsslower_exit_write(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_WRITE, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_pwrite64")
int fsslower_enter_pwrite64(struct trace_event_raw_sys_enter *ctx)
{
	__s64 pos = ctx->args[3];

	syscall_io_entered(FS_OP_WRITE, ctx->args[0], &pos);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_pwrite64")
int fsslower_exit_pwrite64(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_WRITE, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_writev")
int fsslower_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	syscall_io_entered(FS_OP_WRITE, ctx->args[0], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_writev")
int fsslower_exit_writev(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_WRITE, ctx->ret);
	return 0;
}

/* openat is timed whole, path lookup included: its file exists only once it returns. */
SEC("tracepoint/syscalls/sys_enter_openat")
int fsslower_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	if (traced_process())
		op_started(FS_OP_OPEN, NULL, 0, true);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int fsslower_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_OPEN, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_fsync")
int fsslower_enter_fsync(struct trace_event_raw_sys_enter *ctx)
{
	syscall_io_entered(FS_OP_FSYNC, ctx->args[0], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_fsync")
int fsslower_exit_fsync(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_FSYNC, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int fsslower_enter_fdatasync(struct trace_event_raw_sys_enter *ctx)
{
	syscall_io_entered(FS_OP_FSYNC, ctx->args[0], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_fdatasync")
int fsslower_exit_fdatasync(struct trace_event_raw_sys_exit *ctx)
{
	op_finished(FS_OP_FSYNC, ctx->ret);
	return 0;
}

/* Only used on the stack: this keeps the type in BTF, where tests check fsslower.ts against it. */
const struct fs_op_event *unused_event __attribute__((unused));

_Static_assert(sizeof(struct fs_op_event) == 120, "fsslower.ts expects a 120-byte event");

char LICENSE[] SEC("license") = "GPL";
