#include "bpf_object.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "errors.h"

namespace bpfscope
{

namespace
{

// Per-CPU maps hold one 8-byte-aligned slot per *possible* CPU.
size_t ValueBufferSize(const struct bpf_map *map)
{
	size_t value_size = bpf_map__value_size(map);
	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE: {
		int cpus = libbpf_num_possible_cpus();
		return ((value_size + 7) / 8) * 8 * (cpus > 0 ? cpus : 1);
	}
	default:
		return value_size;
	}
}

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

std::string ProgramTypeName(enum bpf_prog_type type)
{
	const char *name = libbpf_bpf_prog_type_str(type);
	return name ? name : "unknown";
}

bool IsBuffer(const Napi::Value &value)
{
	return value.IsBuffer();
}

} // namespace

Napi::Function NativeBpfObject::Define(Napi::Env env)
{
	return DefineClass(
		env, "NativeBpfObject",
		{
			InstanceMethod("programs", &NativeBpfObject::Programs),
			InstanceMethod("maps", &NativeBpfObject::Maps),
			InstanceMethod("setAutoload", &NativeBpfObject::SetAutoload),
			InstanceMethod("setGlobal", &NativeBpfObject::SetGlobal),
			InstanceMethod("setMapMaxEntries", &NativeBpfObject::SetMapMaxEntries),
			InstanceMethod("load", &NativeBpfObject::Load),
			InstanceMethod("attach", &NativeBpfObject::Attach),
			InstanceMethod("attachUprobe", &NativeBpfObject::AttachUprobe),
			InstanceMethod("attachPerfEvent", &NativeBpfObject::AttachPerfEvent),
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

struct bpf_map *NativeBpfObject::FindMap(Napi::Env env, const Napi::Value &name)
{
	if (!CheckOpen(env))
		return nullptr;
	if (!name.IsString()) {
		ThrowBpfError(env, EINVAL, "map name must be a string");
		return nullptr;
	}
	std::string map_name = name.As<Napi::String>();
	struct bpf_map *map = bpf_object__find_map_by_name(object_, map_name.c_str());
	if (map == nullptr)
		ThrowBpfError(env, ENOENT, "no map named " + map_name + " in BPF object");
	return map;
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

Napi::Value NativeBpfObject::Maps(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!CheckOpen(env))
		return env.Undefined();
	Napi::Array result = Napi::Array::New(env);
	struct bpf_map *map;
	uint32_t index = 0;
	bpf_object__for_each_map(map, object_)
	{
		Napi::Object entry = Napi::Object::New(env);
		const char *type = libbpf_bpf_map_type_str(bpf_map__type(map));
		entry.Set("name", bpf_map__name(map));
		entry.Set("type", type ? type : "unknown");
		entry.Set("keySize", bpf_map__key_size(map));
		entry.Set("valueSize", bpf_map__value_size(map));
		entry.Set("valueBufferSize", static_cast<double>(ValueBufferSize(map)));
		entry.Set("maxEntries", bpf_map__max_entries(map));
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
	if (!info[0].IsString() || !IsBuffer(info[1]))
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

Napi::Value NativeBpfObject::SetMapMaxEntries(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	if (!info[1].IsNumber())
		return ThrowBpfError(env, EINVAL, "setMapMaxEntries: entries must be a number");
	int err = bpf_map__set_max_entries(map, info[1].As<Napi::Number>().Uint32Value());
	if (err)
		return ThrowBpfError(env, err,
				     "failed to resize map " + std::string(bpf_map__name(map)));
	return env.Undefined();
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

// mapLookup(map, key: Buffer) → Buffer | null
Napi::Value NativeBpfObject::MapLookup(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	if (!IsBuffer(info[1]))
		return ThrowBpfError(env, EINVAL, "mapLookup: key must be a Buffer");
	Napi::Buffer<uint8_t> key = info[1].As<Napi::Buffer<uint8_t>>();
	if (key.Length() != bpf_map__key_size(map))
		return ThrowBpfError(env, EINVAL, "mapLookup: wrong key size");
	Napi::Buffer<uint8_t> value = Napi::Buffer<uint8_t>::New(env, ValueBufferSize(map));
	if (bpf_map_lookup_elem(bpf_map__fd(map), key.Data(), value.Data()) != 0) {
		int err = errno;
		if (err == ENOENT)
			return env.Null();
		return ThrowBpfError(env, err,
				     std::string("failed to look up in map ") + bpf_map__name(map) +
					     ": " + strerror(err));
	}
	return value;
}

// mapUpdate(map, key: Buffer, value: Buffer)
Napi::Value NativeBpfObject::MapUpdate(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	if (!IsBuffer(info[1]) || !IsBuffer(info[2]))
		return ThrowBpfError(env, EINVAL, "mapUpdate(map, key, value) expected Buffers");
	Napi::Buffer<uint8_t> key = info[1].As<Napi::Buffer<uint8_t>>();
	Napi::Buffer<uint8_t> value = info[2].As<Napi::Buffer<uint8_t>>();
	if (key.Length() != bpf_map__key_size(map) || value.Length() != ValueBufferSize(map))
		return ThrowBpfError(env, EINVAL, "mapUpdate: wrong key or value size");
	if (bpf_map_update_elem(bpf_map__fd(map), key.Data(), value.Data(), BPF_ANY) != 0) {
		int err = errno;
		return ThrowBpfError(env, err,
				     std::string("failed to update map ") + bpf_map__name(map) +
					     ": " + strerror(err));
	}
	return env.Undefined();
}

Napi::Value NativeBpfObject::MapDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	if (!IsBuffer(info[1]))
		return ThrowBpfError(env, EINVAL, "mapDelete: key must be a Buffer");
	Napi::Buffer<uint8_t> key = info[1].As<Napi::Buffer<uint8_t>>();
	if (key.Length() != bpf_map__key_size(map))
		return ThrowBpfError(env, EINVAL, "mapDelete: wrong key size");
	if (bpf_map_delete_elem(bpf_map__fd(map), key.Data()) != 0) {
		int err = errno;
		if (err == ENOENT)
			return Napi::Boolean::New(env, false);
		return ThrowBpfError(env, err,
				     std::string("failed to delete from map ") +
					     bpf_map__name(map) + ": " + strerror(err));
	}
	return Napi::Boolean::New(env, true);
}

// mapEntries(map, clear: boolean, maxEntries: number) → { keys: Buffer, values: Buffer, count }
// Keys and values come back packed in two Buffers (one allocation each, not one per
// entry). With clear, each entry read is deleted so the next interval starts empty.
Napi::Value NativeBpfObject::MapEntries(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	bool clear = info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
	uint32_t limit = info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value()
					    : bpf_map__max_entries(map);
	size_t key_size = bpf_map__key_size(map);
	size_t value_size = ValueBufferSize(map);
	int fd = bpf_map__fd(map);
	std::vector<uint8_t> keys;
	std::vector<uint8_t> values;
	std::vector<uint8_t> key(key_size), next(key_size), value(value_size);
	bool first = true;
	uint32_t count = 0;
	bool is_array = bpf_map__type(map) == BPF_MAP_TYPE_ARRAY ||
			bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY;
	while (count < limit) {
		int err = bpf_map_get_next_key(fd, first ? nullptr : key.data(), next.data());
		if (err != 0) {
			if (errno == ENOENT)
				break;
			int code = errno;
			return ThrowBpfError(env, code,
					     std::string("failed to iterate map ") +
						     bpf_map__name(map) + ": " + strerror(code));
		}
		first = false;
		if (bpf_map_lookup_elem(fd, next.data(), value.data()) == 0) {
			keys.insert(keys.end(), next.begin(), next.end());
			values.insert(values.end(), value.begin(), value.end());
			count++;
			if (clear) {
				if (is_array) {
					std::vector<uint8_t> zero(value_size, 0);
					bpf_map_update_elem(fd, next.data(), zero.data(), BPF_ANY);
				} else {
					// Deleting the current key is safe: get_next_key from a deleted key restarts
					// at the first key, which is the next unread one since we delete as we go.
					bpf_map_delete_elem(fd, next.data());
					first = true;
					continue;
				}
			}
		}
		key.swap(next);
	}
	Napi::Object result = Napi::Object::New(env);
	result.Set("keys", Napi::Buffer<uint8_t>::Copy(env, keys.data(), keys.size()));
	result.Set("values", Napi::Buffer<uint8_t>::Copy(env, values.data(), values.size()));
	result.Set("count", count);
	result.Set("keySize", static_cast<double>(key_size));
	result.Set("valueSize", static_cast<double>(value_size));
	return result;
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
	auto *worker = new CloseWorker(info[0].As<Napi::Function>(), object_, std::move(links_));
	links_.clear();
	object_ = nullptr;
	worker->Queue();
	return env.Undefined();
}

} // namespace bpfscope
