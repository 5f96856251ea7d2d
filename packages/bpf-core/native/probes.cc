#include "probes.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace bpfscope
{

namespace
{

struct btf *vmlinux_btf = nullptr;
int vmlinux_btf_error = 0;

struct btf *VmlinuxBtf()
{
	if (vmlinux_btf == nullptr && vmlinux_btf_error == 0) {
		struct btf *btf = btf__load_vmlinux_btf();
		long err = libbpf_get_error(btf);
		if (err || btf == nullptr)
			vmlinux_btf_error = err ? static_cast<int>(-err) : ENOENT;
		else
			vmlinux_btf = btf;
	}
	return vmlinux_btf;
}

// probeMapType("ringbuf") → 0 when supported, else a positive errno
Napi::Value ProbeMapType(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsString())
		return ThrowBpfError(env, EINVAL, "probeMapType(name) expected");
	std::string name = info[0].As<Napi::String>();
	for (int type = BPF_MAP_TYPE_UNSPEC + 1;; type++) {
		const char *type_name =
			libbpf_bpf_map_type_str(static_cast<enum bpf_map_type>(type));
		if (type_name == nullptr)
			break;
		if (name != type_name)
			continue;
		int ret = libbpf_probe_bpf_map_type(static_cast<enum bpf_map_type>(type), nullptr);
		return Napi::Number::New(env, ret == 1 ? 0 : (ret == 0 ? EOPNOTSUPP : -ret));
	}
	return ThrowBpfError(env, EINVAL, "unknown map type " + name);
}

// probeProgramType("tracing") → 0 when supported, else a positive errno
Napi::Value ProbeProgramType(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsString())
		return ThrowBpfError(env, EINVAL, "probeProgramType(name) expected");
	std::string name = info[0].As<Napi::String>();
	for (int type = BPF_PROG_TYPE_UNSPEC + 1;; type++) {
		const char *type_name =
			libbpf_bpf_prog_type_str(static_cast<enum bpf_prog_type>(type));
		if (type_name == nullptr)
			break;
		if (name != type_name)
			continue;
		int ret =
			libbpf_probe_bpf_prog_type(static_cast<enum bpf_prog_type>(type), nullptr);
		return Napi::Number::New(env, ret == 1 ? 0 : (ret == 0 ? EOPNOTSUPP : -ret));
	}
	return ThrowBpfError(env, EINVAL, "unknown program type " + name);
}

// vmlinuxHasType(kind: "func" | "struct" | "typedef" | "enum", name) → boolean
Napi::Value VmlinuxHasType(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsString() || !info[1].IsString())
		return ThrowBpfError(env, EINVAL, "vmlinuxHasType(kind, name) expected");
	std::string kind = info[0].As<Napi::String>();
	std::string name = info[1].As<Napi::String>();
	int btf_kind;
	if (kind == "func")
		btf_kind = BTF_KIND_FUNC;
	else if (kind == "struct")
		btf_kind = BTF_KIND_STRUCT;
	else if (kind == "typedef")
		btf_kind = BTF_KIND_TYPEDEF;
	else if (kind == "enum")
		btf_kind = BTF_KIND_ENUM;
	else
		return ThrowBpfError(env, EINVAL, "vmlinuxHasType: unknown kind " + kind);
	struct btf *btf = VmlinuxBtf();
	if (btf == nullptr)
		return Napi::Boolean::New(env, false);
	return Napi::Boolean::New(env, btf__find_by_name_kind(btf, name.c_str(), btf_kind) > 0);
}

// perfEventOpenErrno(type, config) → 0 when a sampling event of that type can be
// opened on CPU 0 (then closed again), else the errno.
Napi::Value PerfEventOpenErrno(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsNumber() || !info[1].IsNumber())
		return ThrowBpfError(env, EINVAL, "perfEventOpenErrno(type, config) expected");
	struct perf_event_attr attr = {};
	attr.size = sizeof(attr);
	attr.type = info[0].As<Napi::Number>().Uint32Value();
	attr.config = static_cast<__u64>(info[1].As<Napi::Number>().Int64Value());
	attr.freq = 1;
	attr.sample_freq = 49;
	attr.disabled = 1;
	int fd = static_cast<int>(
		syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
	if (fd < 0)
		return Napi::Number::New(env, errno);
	close(fd);
	return Napi::Number::New(env, 0);
}

// mountTracefs() → 0 or errno. libbpf finds tracepoint ids and kprobe/uprobe
// event types through tracefs; hosts that boot without it mounted still have it.
Napi::Value MountTracefs(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct stat st;
	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return Napi::Number::New(env, 0);
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
		return Napi::Number::New(env, errno);
	return Napi::Number::New(env, 0);
}

// nextBpfProgramId(afterId) → the lowest BPF program id above afterId, 0 when
// there is none, or a negative errno (EPERM without CAP_SYS_ADMIN).
Napi::Value NextBpfProgramId(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsNumber())
		return ThrowBpfError(env, EINVAL, "nextBpfProgramId(afterId) expected");
	__u32 next_id = 0;
	int err = bpf_prog_get_next_id(info[0].As<Napi::Number>().Uint32Value(), &next_id);
	if (err == -ENOENT)
		return Napi::Number::New(env, 0);
	if (err)
		return Napi::Number::New(env, err < 0 ? err : -errno);
	return Napi::Number::New(env, next_id);
}

// enableBpfStats() → a file descriptor that keeps the kernel's BPF run-time statistics
// (run_time_ns, run_cnt) on until it is closed, as bpftop does, or a negative errno
// (EPERM without CAP_SYS_ADMIN, EINVAL before Linux 5.8). The kernel counts holders,
// so kernel.bpf_stats_enabled and other tools' descriptors are left alone.
Napi::Value EnableBpfStats(const Napi::CallbackInfo &info)
{
	// libbpf returns -errno on failure.
	return Napi::Number::New(info.Env(), bpf_enable_stats(BPF_STATS_RUN_TIME));
}

Napi::Value NumPossibleCpus(const Napi::CallbackInfo &info)
{
	return Napi::Number::New(info.Env(), libbpf_num_possible_cpus());
}

Napi::Value LibbpfVersion(const Napi::CallbackInfo &info)
{
	return Napi::String::New(info.Env(), libbpf_version_string());
}

} // namespace

Napi::Object InitProbes(Napi::Env env, Napi::Object exports)
{
	exports.Set("probeMapType", Napi::Function::New(env, ProbeMapType));
	exports.Set("probeProgramType", Napi::Function::New(env, ProbeProgramType));
	exports.Set("vmlinuxHasType", Napi::Function::New(env, VmlinuxHasType));
	exports.Set("perfEventOpenErrno", Napi::Function::New(env, PerfEventOpenErrno));
	exports.Set("mountTracefs", Napi::Function::New(env, MountTracefs));
	exports.Set("numPossibleCpus", Napi::Function::New(env, NumPossibleCpus));
	exports.Set("libbpfVersion", Napi::Function::New(env, LibbpfVersion));
	exports.Set("nextBpfProgramId", Napi::Function::New(env, NextBpfProgramId));
	exports.Set("enableBpfStats", Napi::Function::New(env, EnableBpfStats));
	return exports;
}

} // namespace bpfscope
