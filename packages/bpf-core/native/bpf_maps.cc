// NativeBpfObject's maps: listing and sizing them before load, then reading,
// writing and draining them from user space.
#include "bpf_object.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

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

} // namespace

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

// allocateOnUpdate(map): BPF_F_NO_PREALLOC, so creating a large hash map does not
// allocate and zero every element up front (callers check the kernel allows it).
Napi::Value NativeBpfObject::AllocateOnUpdate(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	int err = bpf_map__set_map_flags(map, bpf_map__map_flags(map) | BPF_F_NO_PREALLOC);
	if (err)
		return ThrowBpfError(env, err,
				     "failed to set the flags of map " +
					     std::string(bpf_map__name(map)));
	return env.Undefined();
}

// mapLookup(map, key: Buffer) → Buffer | null
Napi::Value NativeBpfObject::MapLookup(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct bpf_map *map = FindMap(env, info[0]);
	if (map == nullptr)
		return env.Undefined();
	if (!info[1].IsBuffer())
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
	if (!info[1].IsBuffer() || !info[2].IsBuffer())
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
	if (!info[1].IsBuffer())
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

} // namespace bpfscope
