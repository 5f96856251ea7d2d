// NativeBpfObject's life: open, configure (autoload, globals) and load the
// object, list its programs, and close it with its links.
#include "bpf_object.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace bpfscope
{

namespace
{

std::string ProgramTypeName(enum bpf_prog_type type)
{
	const char *name = libbpf_bpf_prog_type_str(type);
	return name ? name : "unknown";
}

} // namespace

Napi::Function NativeBpfObject::Define(Napi::Env env)
{
	return DefineClass(
		env, "NativeBpfObject",
		{
			InstanceMethod("programs", &NativeBpfObject::Programs),
			InstanceMethod("programStats", &NativeBpfObject::ProgramStats),
			InstanceMethod("maps", &NativeBpfObject::Maps),
			InstanceMethod("setAutoload", &NativeBpfObject::SetAutoload),
			InstanceMethod("setGlobal", &NativeBpfObject::SetGlobal),
			InstanceMethod("setMapMaxEntries", &NativeBpfObject::SetMapMaxEntries),
			InstanceMethod("allocateOnUpdate", &NativeBpfObject::AllocateOnUpdate),
			InstanceMethod("load", &NativeBpfObject::Load),
			InstanceMethod("attach", &NativeBpfObject::Attach),
			InstanceMethod("attachUprobe", &NativeBpfObject::AttachUprobe),
			InstanceMethod("attachTracepoint", &NativeBpfObject::AttachTracepoint),
			InstanceMethod("attachUprobeAt", &NativeBpfObject::AttachUprobeAt),
			InstanceMethod("openUprobeEvents", &NativeBpfObject::OpenUprobeEvents),
			InstanceMethod("attachKprobe", &NativeBpfObject::AttachKprobe),
			InstanceMethod("attachPerfEvent", &NativeBpfObject::AttachPerfEvent),
			InstanceMethod("attachIter", &NativeBpfObject::AttachIter),
			InstanceMethod("readIter", &NativeBpfObject::ReadIter),
			InstanceMethod("linkIds", &NativeBpfObject::LinkIds),
			InstanceMethod("mapLookup", &NativeBpfObject::MapLookup),
			InstanceMethod("mapUpdate", &NativeBpfObject::MapUpdate),
			InstanceMethod("mapDelete", &NativeBpfObject::MapDelete),
			InstanceMethod("mapEntries", &NativeBpfObject::MapEntries),
			InstanceMethod("close", &NativeBpfObject::Close),
			InstanceMethod("closeAsync", &NativeBpfObject::CloseAsync),
		});
}

// new NativeBpfObject(path: string, btfCustomPath?: string): a custom BTF (a
// minimized copy of the kernel's, made for our objects) saves parsing all of vmlinux.
NativeBpfObject::NativeBpfObject(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<NativeBpfObject>(info)
{
	Napi::Env env = info.Env();
	if (info.Length() < 1 || !info[0].IsString()) {
		ThrowBpfError(env, EINVAL, "NativeBpfObject: expected an object file path");
		return;
	}
	std::string path = info[0].As<Napi::String>();
	std::string btf_path = info.Length() > 1 && info[1].IsString()
				       ? info[1].As<Napi::String>().Utf8Value()
				       : "";
	LIBBPF_OPTS(bpf_object_open_opts, options);
	if (!btf_path.empty())
		options.btf_custom_path = btf_path.c_str();
	ClearLibbpfLog();
	struct bpf_object *object = bpf_object__open_file(path.c_str(), &options);
	long err = libbpf_get_error(object);
	if (err != 0 || object == nullptr) {
		ThrowBpfError(env, static_cast<int>(err ? err : -ENOENT),
			      "failed to open BPF object " + path + ": " +
				      strerror(static_cast<int>(err ? -err : ENOENT)));
		return;
	}
	object_ = object;
}

NativeBpfObject::~NativeBpfObject()
{
	Destroy();
}

void NativeBpfObject::Destroy()
{
	ReleasePendingUprobes();
	for (auto it = links_.rbegin(); it != links_.rend(); ++it)
		bpf_link__destroy(*it);
	links_.clear();
	if (object_ != nullptr)
		bpf_object__close(object_);
	object_ = nullptr;
}

bool NativeBpfObject::CheckOpen(Napi::Env env)
{
	if (object_ != nullptr)
		return true;
	ThrowBpfError(env, EBADF, "BPF object is closed");
	return false;
}

struct bpf_program *NativeBpfObject::FindProgram(Napi::Env env, const Napi::Value &name)
{
	if (!CheckOpen(env))
		return nullptr;
	if (!name.IsString()) {
		ThrowBpfError(env, EINVAL, "program name must be a string");
		return nullptr;
	}
	std::string program_name = name.As<Napi::String>();
	struct bpf_program *program =
		bpf_object__find_program_by_name(object_, program_name.c_str());
	if (program == nullptr)
		ThrowBpfError(env, ENOENT, "no program named " + program_name + " in BPF object");
	return program;
}

Napi::Value NativeBpfObject::Programs(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!CheckOpen(env))
		return env.Undefined();
	Napi::Array result = Napi::Array::New(env);
	struct bpf_program *program;
	uint32_t index = 0;
	bpf_object__for_each_program(program, object_)
	{
		Napi::Object entry = Napi::Object::New(env);
		entry.Set("name", bpf_program__name(program));
		entry.Set("section", bpf_program__section_name(program));
		entry.Set("type", ProgramTypeName(bpf_program__type(program)));
		entry.Set("autoload", bpf_program__autoload(program));
		int fd = loaded_ ? bpf_program__fd(program) : -1;
		int id = -1;
		if (fd >= 0) {
			struct bpf_prog_info prog_info = {};
			__u32 length = sizeof(prog_info);
			if (bpf_obj_get_info_by_fd(fd, &prog_info, &length) == 0)
				id = static_cast<int>(prog_info.id);
		}
		entry.Set("id", id);
		result.Set(index++, entry);
	}
	return result;
}

// programStats() → [{ name, id, runTimeNs, runCount, recursionMisses }] of the loaded
// programs: what the kernel counts while BPF statistics are on (BPF_ENABLE_STATS or
// kernel.bpf_stats_enabled). u64 counters as doubles: exact up to 2^53 ns (104 days).
Napi::Value NativeBpfObject::ProgramStats(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!CheckOpen(env))
		return env.Undefined();
	Napi::Array result = Napi::Array::New(env);
	if (!loaded_)
		return result;
	struct bpf_program *program;
	uint32_t index = 0;
	bpf_object__for_each_program(program, object_)
	{
		int fd = bpf_program__fd(program);
		if (fd < 0)
			continue;
		struct bpf_prog_info prog_info = {};
		__u32 length = sizeof(prog_info);
		int err = bpf_obj_get_info_by_fd(fd, &prog_info, &length);
		if (err)
			return ThrowBpfError(env, err,
					     std::string("failed to read stats of ") +
						     bpf_program__name(program) + ": " +
						     strerror(-err));
		Napi::Object entry = Napi::Object::New(env);
		entry.Set("name", bpf_program__name(program));
		entry.Set("id", prog_info.id);
		entry.Set("runTimeNs", static_cast<double>(prog_info.run_time_ns));
		entry.Set("runCount", static_cast<double>(prog_info.run_cnt));
		entry.Set("recursionMisses", static_cast<double>(prog_info.recursion_misses));
		result.Set(index++, entry);
	}
	return result;
}

// setAutoload(program: string, autoload: boolean): fallback programs live in the same
// object and are switched off before load.
Napi::Value NativeBpfObject::SetAutoload(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_program *program = FindProgram(env, info[0]);
	if (program == nullptr)
		return env.Undefined();
	if (!info[1].IsBoolean())
		return ThrowBpfError(env, EINVAL, "setAutoload: autoload must be a boolean");
	int err = bpf_program__set_autoload(program, info[1].As<Napi::Boolean>());
	if (err)
		return ThrowBpfError(env, err,
				     "failed to set autoload of " +
					     std::string(bpf_program__name(program)) +
					     ": object already loaded");
	return env.Undefined();
}

// setGlobal(name: string, bytes: Buffer): writes a `const volatile` (or .data/.bss)
// global before load. The variable is found through the object's BTF DATASEC, and
// the byte length must match its size exactly so a TS/C layout drift fails loudly.
Napi::Value NativeBpfObject::SetGlobal(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!CheckOpen(env))
		return env.Undefined();
	if (loaded_)
		return ThrowBpfError(env, EBUSY, "setGlobal: object already loaded");
	if (!info[0].IsString() || !info[1].IsBuffer())
		return ThrowBpfError(env, EINVAL, "setGlobal(name, buffer) expected");
	std::string name = info[0].As<Napi::String>();
	Napi::Buffer<uint8_t> bytes = info[1].As<Napi::Buffer<uint8_t>>();
	struct btf *btf = bpf_object__btf(object_);
	if (btf == nullptr)
		return ThrowBpfError(env, ENOENT, "setGlobal: BPF object has no BTF");

	struct bpf_map *map;
	bpf_object__for_each_map(map, object_)
	{
		if (!bpf_map__is_internal(map))
			continue;
		const char *map_name = bpf_map__name(map);
		// Internal map names are "<obj prefix>.rodata" etc.; the DATASEC is the suffix.
		const char *section = strchr(map_name, '.');
		if (section == nullptr)
			continue;
		int datasec_id = btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC);
		if (datasec_id < 0)
			continue;
		const struct btf_type *datasec = btf__type_by_id(btf, datasec_id);
		const struct btf_var_secinfo *vars = btf_var_secinfos(datasec);
		for (int i = 0; i < btf_vlen(datasec); i++) {
			const struct btf_type *var = btf__type_by_id(btf, vars[i].type);
			const char *var_name = btf__name_by_offset(btf, var->name_off);
			if (var_name == nullptr || name != var_name)
				continue;
			if (vars[i].size != bytes.Length()) {
				return ThrowBpfError(env, EINVAL,
						     "setGlobal: " + name + " is " +
							     std::to_string(vars[i].size) +
							     " bytes, got " +
							     std::to_string(bytes.Length()));
			}
			size_t section_size = 0;
			void *data = const_cast<void *>(bpf_map__initial_value(map, &section_size));
			if (data == nullptr || vars[i].offset + vars[i].size > section_size) {
				return ThrowBpfError(env, EINVAL,
						     "setGlobal: cannot reach initial value of " +
							     std::string(section));
			}
			memcpy(static_cast<uint8_t *>(data) + vars[i].offset, bytes.Data(),
			       bytes.Length());
			return env.Undefined();
		}
	}
	return ThrowBpfError(env, ENOENT, "setGlobal: no global variable named " + name);
}

Napi::Value NativeBpfObject::Load(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!CheckOpen(env))
		return env.Undefined();
	if (loaded_)
		return ThrowBpfError(env, EBUSY, "BPF object already loaded");
	ClearLibbpfLog();
	int err = bpf_object__load(object_);
	if (err)
		return ThrowBpfError(env, err,
				     std::string("failed to load BPF object ") +
					     bpf_object__name(object_) + ": " + strerror(-err));
	loaded_ = true;
	return env.Undefined();
}

Napi::Value NativeBpfObject::Close(const Napi::CallbackInfo &info)
{
	Destroy();
	return info.Env().Undefined();
}

namespace
{
// Detaching a tracepoint waits for an RCU grace period in the kernel (tens of ms
// to 150 ms): do it on the libuv thread pool so the JS thread keeps serving.
class CloseWorker : public Napi::AsyncWorker
{
public:
	CloseWorker(Napi::Function callback, struct bpf_object *object,
		    std::vector<struct bpf_link *> links)
	    : Napi::AsyncWorker(callback, "bpfscope:close")
	    , object_(object)
	    , links_(std::move(links))
	{
	}

	void Execute() override
	{
		for (auto it = links_.rbegin(); it != links_.rend(); ++it)
			bpf_link__destroy(*it);
		if (object_ != nullptr)
			bpf_object__close(object_);
	}

private:
	struct bpf_object *object_;
	std::vector<struct bpf_link *> links_;
};
} // namespace

// closeAsync(callback): like close(), off the JS thread; the handle is unusable at once.
Napi::Value NativeBpfObject::CloseAsync(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsFunction())
		return ThrowBpfError(env, EINVAL, "closeAsync(callback) expected");
	ReleasePendingUprobes();
	auto *worker = new CloseWorker(info[0].As<Napi::Function>(), object_, std::move(links_));
	links_.clear();
	object_ = nullptr;
	worker->Queue();
	return env.Undefined();
}

} // namespace bpfscope
