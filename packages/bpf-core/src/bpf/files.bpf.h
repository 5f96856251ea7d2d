/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* From a system call's file descriptor to the kernel's objects behind it, with CO-RE reads. */
#ifndef __BPFSCOPE_FILES_BPF_H
#define __BPFSCOPE_FILES_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* The current task's open file behind descriptor fd, or NULL. */
static __always_inline struct file *file_of_fd(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *file = NULL;
	struct fdtable *fdt;
	struct file **fds;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (!fds || bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

#endif /* __BPFSCOPE_FILES_BPF_H */
