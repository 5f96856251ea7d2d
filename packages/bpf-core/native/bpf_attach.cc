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

// The uprobe PMU's type and its retprobe bit (format/retprobe: "config:0"), as libbpf
// reads them; -1 where the kernel has no uprobe PMU (libbpf then goes through tracefs).
struct UprobePmu {
	int type = -1;
	int retprobe_bit = -1;
};

const UprobePmu &UprobePmuInfo()
{
	static const UprobePmu pmu = [] {
		UprobePmu found;
		std::ifstream type("/sys/bus/event_source/devices/uprobe/type");
		std::ifstream retprobe("/sys/bus/event_source/devices/uprobe/format/retprobe");
		std::string format;
		if (!(type >> found.type) || !std::getline(retprobe, format) ||
		    format.rfind("config:", 0) != 0) {
			found.type = -1;
			return found;
		}
		found.retprobe_bit = std::stoi(format.substr(strlen("config:")));
		return found;
	}();
	return pmu;
}

// libbpf's perf_event_open_probe for a uprobe: the USDT semaphore offset in config's upper half.
constexpr int kRefCtrOffsetShift = 32;

int OpenUprobePerfEvent(const UprobePmu &pmu, const std::string &binary, size_t offset, int pid,
			bool retprobe, size_t ref_ctr_offset)
{
	if (static_cast<__u64>(ref_ctr_offset) >> kRefCtrOffsetShift)
		return -EINVAL;
	struct perf_event_attr attr = {};
	attr.size = sizeof(attr);
	attr.type = static_cast<__u32>(pmu.type);
	if (retprobe)
		attr.config |= 1ULL << pmu.retprobe_bit;
	attr.config |= static_cast<__u64>(ref_ctr_offset) << kRefCtrOffsetShift;
	attr.config1 = reinterpret_cast<__u64>(binary.c_str());
	attr.config2 = offset;
	// As libbpf: every process is pid -1 on CPU 0 (a uprobe fires on any CPU).
	int fd = static_cast<int>(syscall(__NR_perf_event_open, &attr, pid < 0 ? -1 : pid,
					  pid == -1 ? 0 : -1, -1, PERF_FLAG_FD_CLOEXEC));
	return fd >= 0 ? fd : -errno;
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
	int pid = info[3].As<Napi::Number>().Int32Value();
	LIBBPF_OPTS(bpf_uprobe_opts, options);
	options.retprobe = info[4].As<Napi::Boolean>();
	options.bpf_cookie = static_cast<__u64>(info[5].As<Napi::Number>().Int64Value());
	if (info.Length() > 6 && info[6].IsNumber())
		options.ref_ctr_offset =
			static_cast<size_t>(info[6].As<Napi::Number>().Int64Value());
	std::string what =
		std::string(bpf_program__name(program)) + " to " + binary + "+0x" + ToHex(offset);
	ClearLibbpfLog();
	PendingUprobe *opened =
		TakePendingUprobe(binary, offset, pid, options.retprobe, options.ref_ctr_offset);
	if (opened == nullptr)
		return AddLink(env,
			       bpf_program__attach_uprobe_opts(program, pid, binary.c_str(), offset,
							       &options),
			       what);
	if (opened->fd < 0)
		return ThrowBpfError(env, -opened->err,
				     "failed to attach " + what + ": " + strerror(opened->err));
	LIBBPF_OPTS(bpf_perf_event_opts, event_options);
	event_options.bpf_cookie = options.bpf_cookie;
	struct bpf_link *link =
		bpf_program__attach_perf_event_opts(program, opened->fd, &event_options);
	if (link == nullptr || libbpf_get_error(link)) {
		int err = errno;
		close(opened->fd); // the link owns the event only once attached
		opened->fd = -1;
		errno = err;
	}
	return AddLink(env, link, what);
}

// openUprobeEvents([{binaryPath, fileOffset, pid, retprobe, refCtrOffset}]) → whether they
// are being opened. Registering a uprobe waits for an RCU grace period in the kernel
// (uprobe_register takes dup_mmap_sem for writing), as long as the verifier takes: a
// thread opens the perf events while load() runs, and attachUprobeAt takes them.
Napi::Value NativeBpfObject::OpenUprobeEvents(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!CheckOpen(env))
		return env.Undefined();
	if (loaded_ || !pending_uprobes_.empty() || uprobe_opener_.joinable())
		return ThrowBpfError(env, EBUSY, "openUprobeEvents: only once, before load");
	if (!info[0].IsArray())
		return ThrowBpfError(env, EINVAL, "openUprobeEvents(targets) expected");
	const UprobePmu &pmu = UprobePmuInfo();
	if (pmu.type < 0)
		return Napi::Boolean::New(env, false);
	Napi::Array targets = info[0].As<Napi::Array>();
	std::vector<PendingUprobe> pending;
	for (uint32_t i = 0; i < targets.Length(); i++) {
		Napi::Value value = targets.Get(i);
		if (!value.IsObject())
			return ThrowBpfError(env, EINVAL,
					     "openUprobeEvents: targets must be objects");
		Napi::Object target = value.As<Napi::Object>();
		Napi::Value binary = target.Get("binaryPath");
		Napi::Value offset = target.Get("fileOffset");
		Napi::Value pid = target.Get("pid");
		Napi::Value retprobe = target.Get("retprobe");
		Napi::Value ref_ctr_offset = target.Get("refCtrOffset");
		if (!binary.IsString() || !offset.IsNumber() || !pid.IsNumber() ||
		    !retprobe.IsBoolean() || !ref_ctr_offset.IsNumber())
			return ThrowBpfError(env, EINVAL,
					     "openUprobeEvents: {binaryPath, fileOffset, pid, "
					     "retprobe, refCtrOffset} expected");
		PendingUprobe uprobe;
		uprobe.binary = binary.As<Napi::String>();
		uprobe.offset = static_cast<size_t>(offset.As<Napi::Number>().Int64Value());
		uprobe.pid = pid.As<Napi::Number>().Int32Value();
		uprobe.retprobe = retprobe.As<Napi::Boolean>();
		uprobe.ref_ctr_offset =
			static_cast<size_t>(ref_ctr_offset.As<Napi::Number>().Int64Value());
		pending.push_back(std::move(uprobe));
	}
	if (pending.empty())
		return Napi::Boolean::New(env, false);
	pending_uprobes_ = std::move(pending);
	// The thread alone writes the entries' fd and err until ReleasePendingUprobes or
	// TakePendingUprobe joins it; the vector is not resized meanwhile.
	uprobe_opener_ = std::thread([entries = pending_uprobes_.data(),
				      count = pending_uprobes_.size(), pmu]() {
		for (size_t i = 0; i < count; i++) {
			PendingUprobe &uprobe = entries[i];
			int fd = OpenUprobePerfEvent(pmu, uprobe.binary, uprobe.offset, uprobe.pid,
						     uprobe.retprobe, uprobe.ref_ctr_offset);
			if (fd < 0)
				uprobe.err = -fd;
			else
				uprobe.fd = fd;
		}
	});
	return Napi::Boolean::New(env, true);
}

// The opened event for this uprobe, once (nullptr when it was not asked for).
NativeBpfObject::PendingUprobe *NativeBpfObject::TakePendingUprobe(const std::string &binary,
								   size_t offset, int pid,
								   bool retprobe,
								   size_t ref_ctr_offset)
{
	if (uprobe_opener_.joinable())
		uprobe_opener_.join();
	for (PendingUprobe &uprobe : pending_uprobes_) {
		if (!uprobe.taken && uprobe.binary == binary && uprobe.offset == offset &&
		    uprobe.pid == pid && uprobe.retprobe == retprobe &&
		    uprobe.ref_ctr_offset == ref_ctr_offset) {
			uprobe.taken = true;
			return &uprobe;
		}
	}
	return nullptr;
}

// Waits for the opener and closes the events no attach took.
void NativeBpfObject::ReleasePendingUprobes()
{
	if (uprobe_opener_.joinable())
		uprobe_opener_.join();
	for (PendingUprobe &uprobe : pending_uprobes_)
		if (!uprobe.taken && uprobe.fd >= 0)
			close(uprobe.fd);
	pending_uprobes_.clear();
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

// attachIter(program): a BPF iterator's link (iter/task...), kept open so each read needs no attach.
Napi::Value NativeBpfObject::AttachIter(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!loaded_)
		return ThrowBpfError(env, EINVAL, "attachIter: object not loaded");
	ClearLibbpfLog();
	return AddLink(env, bpf_program__attach_iter(program, nullptr), bpf_program__name(program));
}

// readIter(link, buffer) → bytes: one full pass of the iterator into the caller's buffer (reused every
// second); ENOSPC when the pass does not fit, so the caller grows the buffer and reads again.
Napi::Value NativeBpfObject::ReadIter(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsNumber() || !info[1].IsBuffer())
		return ThrowBpfError(env, EINVAL, "readIter(link, buffer) expected");
	int64_t index = info[0].As<Napi::Number>().Int64Value();
	if (index < 0 || static_cast<size_t>(index) >= links_.size() || links_[index] == nullptr)
		return ThrowBpfError(env, EINVAL, "readIter: no such link");
	Napi::Buffer<char> buffer = info[1].As<Napi::Buffer<char>>();
	int fd = bpf_iter_create(bpf_link__fd(links_[index]));
	if (fd < 0)
		return ThrowBpfError(env, -fd, std::string("bpf_iter_create: ") + strerror(-fd));
	size_t used = 0;
	int err = 0;
	for (;;) {
		if (used == buffer.Length()) {
			err = ENOSPC;
			break;
		}
		ssize_t got = read(fd, buffer.Data() + used, buffer.Length() - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = errno;
			break;
		}
		if (got == 0)
			break;
		used += static_cast<size_t>(got);
	}
	close(fd);
	if (err)
		return ThrowBpfError(env, err,
				     err == ENOSPC
					     ? "readIter: more than " +
						       std::to_string(buffer.Length()) + " bytes"
					     : std::string("readIter: ") + strerror(err));
	return Napi::Number::New(env, static_cast<double>(used));
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
