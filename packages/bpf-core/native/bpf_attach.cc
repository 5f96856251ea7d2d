// NativeBpfObject's links: attaching loaded programs (by section, uprobes, perf
// events on every online CPU); each link is kept until the object is closed.
#include "bpf_object.h"

#include <bpf/bpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "errors.h"

namespace bpfscope
{

namespace
{

// "0-1,4" → {0,1,4}. Sampling attaches to online CPUs only.
std::vector<int> OnlineCpus()
{
	std::vector<int> cpus;
	std::ifstream in("/sys/devices/system/cpu/online");
	std::string text;
	std::getline(in, text);
	size_t pos = 0;
	while (pos < text.size()) {
		size_t comma = text.find(',', pos);
		std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos
									       : comma - pos);
		size_t dash = part.find('-');
		int first = std::stoi(part.substr(0, dash));
		int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
		for (int cpu = first; cpu <= last; cpu++)
			cpus.push_back(cpu);
		if (comma == std::string::npos)
			break;
		pos = comma + 1;
	}
	return cpus;
}

std::string ToHex(size_t value)
{
	char text[2 * sizeof(value) + 1];
	snprintf(text, sizeof(text), "%zx", value);
	return text;
}

} // namespace

Napi::Value NativeBpfObject::AddLink(Napi::Env env, struct bpf_link *link, const std::string &what)
{
	long err = libbpf_get_error(link);
	if (link == nullptr || err) {
		int code = static_cast<int>(err ? err : -errno);
		return ThrowBpfError(env, code,
				     "failed to attach " + what + ": " +
					     strerror(code < 0 ? -code : code));
	}
	links_.push_back(link);
	return Napi::Number::New(env, static_cast<double>(links_.size() - 1));
}

// attach(program): attach by section name (tracepoint, tp_btf, raw_tp, fentry, kprobe...).
Napi::Value NativeBpfObject::Attach(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attach: object not loaded");
	ClearLibbpfLog();
	return AddLink(env, bpf_program__attach(program), bpf_program__name(program));
}

// attachUprobe(program, binaryPath, functionName, pid, retprobe)
Napi::Value NativeBpfObject::AttachUprobe(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attachUprobe: object not loaded");
	if (!info[1].IsString() || !info[2].IsString() || !info[3].IsNumber() ||
	    !info[4].IsBoolean())
		return ThrowBpfError(
			env, EINVAL,
			"attachUprobe(program, binaryPath, functionName, pid, retprobe) expected");
	std::string binary = info[1].As<Napi::String>();
	std::string function = info[2].As<Napi::String>();
	LIBBPF_OPTS(bpf_uprobe_opts, options);
	options.func_name = function.c_str();
	options.retprobe = info[4].As<Napi::Boolean>();
	ClearLibbpfLog();
	struct bpf_link *link = bpf_program__attach_uprobe_opts(
		program, info[3].As<Napi::Number>().Int32Value(), binary.c_str(), 0, &options);
	return AddLink(env, link,
		       std::string(bpf_program__name(program)) + " to " + binary + ":" + function);
}

// attachTracepoint(program, category, name, cookie): a classic tracepoint, with
// the BPF cookie (bpf_get_attach_cookie) that tells one attachment of a shared
// program from another.
Napi::Value NativeBpfObject::AttachTracepoint(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attachTracepoint: object not loaded");
	if (!info[1].IsString() || !info[2].IsString() || !info[3].IsNumber())
		return ThrowBpfError(env, EINVAL,
				     "attachTracepoint(program, category, name, cookie) expected");
	std::string category = info[1].As<Napi::String>();
	std::string name = info[2].As<Napi::String>();
	LIBBPF_OPTS(bpf_tracepoint_opts, options);
	options.bpf_cookie = static_cast<__u64>(info[3].As<Napi::Number>().Int64Value());
	ClearLibbpfLog();
	struct bpf_link *link = bpf_program__attach_tracepoint_opts(program, category.c_str(),
								    name.c_str(), &options);
	return AddLink(env, link,
		       std::string(bpf_program__name(program)) + " to tracepoint " + category +
			       ":" + name);
}

// attachUprobeAt(program, binaryPath, fileOffset, pid, retprobe, cookie[, refCtrOffset]): a
// uprobe at an offset user space found in the ELF file (wildcards resolve every symbol
// once, rather than libbpf parsing the file again for each), with its BPF cookie; a USDT
// probe's semaphore is the counter at refCtrOffset, raised by the kernel while attached.
Napi::Value NativeBpfObject::AttachUprobeAt(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attachUprobeAt: object not loaded");
	if (!info[1].IsString() || !info[2].IsNumber() || !info[3].IsNumber() ||
	    !info[4].IsBoolean() || !info[5].IsNumber())
		return ThrowBpfError(
			env, EINVAL,
			"attachUprobeAt(program, binaryPath, fileOffset, pid, retprobe, "
			"cookie) expected");
	std::string binary = info[1].As<Napi::String>();
	size_t offset = static_cast<size_t>(info[2].As<Napi::Number>().Int64Value());
	LIBBPF_OPTS(bpf_uprobe_opts, options);
	options.retprobe = info[4].As<Napi::Boolean>();
	options.bpf_cookie = static_cast<__u64>(info[5].As<Napi::Number>().Int64Value());
	if (info.Length() > 6 && info[6].IsNumber())
		options.ref_ctr_offset =
			static_cast<size_t>(info[6].As<Napi::Number>().Int64Value());
	ClearLibbpfLog();
	struct bpf_link *link = bpf_program__attach_uprobe_opts(
		program, info[3].As<Napi::Number>().Int32Value(), binary.c_str(), offset, &options);
	return AddLink(env, link,
		       std::string(bpf_program__name(program)) + " to " + binary + "+0x" +
			       ToHex(offset));
}

// attachKprobe(program, functionName, retprobe, cookie): a kprobe or kretprobe on a
// kernel function, with its BPF cookie.
Napi::Value NativeBpfObject::AttachKprobe(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attachKprobe: object not loaded");
	if (!info[1].IsString() || !info[2].IsBoolean() || !info[3].IsNumber())
		return ThrowBpfError(
			env, EINVAL,
			"attachKprobe(program, functionName, retprobe, cookie) expected");
	std::string function = info[1].As<Napi::String>();
	LIBBPF_OPTS(bpf_kprobe_opts, options);
	options.retprobe = info[2].As<Napi::Boolean>();
	options.bpf_cookie = static_cast<__u64>(info[3].As<Napi::Number>().Int64Value());
	ClearLibbpfLog();
	struct bpf_link *link =
		bpf_program__attach_kprobe_opts(program, function.c_str(), &options);
	return AddLink(env, link,
		       std::string(bpf_program__name(program)) + " to kernel function " + function);
}

// attachPerfEvent(program, {type, config, frequency?, period?}): one perf event per
// online CPU, each owned by its link (destroying the link closes the event fd).
Napi::Value NativeBpfObject::AttachPerfEvent(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attachPerfEvent: object not loaded");
	if (!info[1].IsObject())
		return ThrowBpfError(env, EINVAL, "attachPerfEvent(program, options) expected");
	Napi::Object options = info[1].As<Napi::Object>();
	struct perf_event_attr attr = {};
	attr.size = sizeof(attr);
	attr.type = options.Get("type").As<Napi::Number>().Uint32Value();
	attr.config = static_cast<__u64>(options.Get("config").As<Napi::Number>().Int64Value());
	Napi::Value frequency = options.Get("frequency");
	if (frequency.IsNumber()) {
		attr.freq = 1;
		attr.sample_freq = static_cast<__u64>(frequency.As<Napi::Number>().Int64Value());
	} else {
		attr.sample_period =
			static_cast<__u64>(options.Get("period").As<Napi::Number>().Int64Value());
	}
	size_t first_new = links_.size();
	for (int cpu : OnlineCpus()) {
		int fd = static_cast<int>(
			syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
		if (fd < 0) {
			int err = errno;
			if (err == ENODEV)
				continue; // CPU went offline between listing and opening
			for (size_t i = first_new; i < links_.size(); i++)
				bpf_link__destroy(links_[i]);
			links_.resize(first_new);
			return ThrowBpfError(env, err,
					     "failed to open perf event on CPU " +
						     std::to_string(cpu) + ": " + strerror(err));
		}
		struct bpf_link *link = bpf_program__attach_perf_event(program, fd);
		long err = libbpf_get_error(link);
		if (link == nullptr || err) {
			close(fd);
			for (size_t i = first_new; i < links_.size(); i++)
				bpf_link__destroy(links_[i]);
			links_.resize(first_new);
			int code = static_cast<int>(err ? err : -errno);
			return ThrowBpfError(
				env, code,
				std::string("failed to attach ") + bpf_program__name(program) +
					" to perf event on CPU " + std::to_string(cpu));
		}
		links_.push_back(link);
	}
	return Napi::Number::New(env, static_cast<double>(links_.size() - first_new));
}

// linkIds(): kernel ids of BPF links (-1 where the attachment is not a BPF link).
Napi::Value NativeBpfObject::LinkIds(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	Napi::Array ids = Napi::Array::New(env, links_.size());
	for (size_t i = 0; i < links_.size(); i++) {
		struct bpf_link_info link_info = {};
		__u32 length = sizeof(link_info);
		int fd = bpf_link__fd(links_[i]);
		int id = -1;
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &link_info, &length) == 0)
			id = static_cast<int>(link_info.id);
		ids.Set(static_cast<uint32_t>(i), id);
	}
	return ids;
}

} // namespace bpfscope
