// Entry point of the bpfscope native addon: a thin shim over libbpf. TypeScript
// validates and normalizes arguments; this side owns handles and moves bytes.
#include <napi.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "bpf_object.h"
#include "errors.h"
#include "probes.h"
#include "ring_buffer.h"

namespace bpfscope
{

namespace
{
Napi::Value SetErrorClassBinding(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsFunction())
		return ThrowBpfError(env, EINVAL, "setErrorClass(ctor) expected");
	SetErrorClass(env, info[0].As<Napi::Function>());
	return env.Undefined();
}

// releaseFreeMemory() → whether memory went back to the system. glibc keeps what is freed for reuse, and a burst
// (loading a BPF object, a storm's batches, a large reply) leaves it resident; malloc_trim returns its whole free pages.
Napi::Value ReleaseFreeMemory(const Napi::CallbackInfo &info)
{
#ifdef __GLIBC__
	return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
	return Napi::Boolean::New(info.Env(), false);
#endif
}

// Keeps the class constructors alive for the lifetime of the environment.
struct AddonData {
	Napi::FunctionReference object_ctor;
	Napi::FunctionReference ring_buffer_ctor;
};
} // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
	InstallLibbpfLogCapture();
	// Strict mode: no legacy fallbacks, errors returned rather than NULL-with-errno only.
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	auto *data = new AddonData();
	Napi::Function object_ctor = NativeBpfObject::Define(env);
	Napi::Function ring_buffer_ctor = NativeRingBuffer::Define(env);
	data->object_ctor = Napi::Persistent(object_ctor);
	data->ring_buffer_ctor = Napi::Persistent(ring_buffer_ctor);
	env.SetInstanceData(data);
	exports.Set("NativeBpfObject", object_ctor);
	exports.Set("NativeRingBuffer", ring_buffer_ctor);
	exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClassBinding));
	exports.Set("releaseFreeMemory", Napi::Function::New(env, ReleaseFreeMemory));
	return InitProbes(env, exports);
}

} // namespace bpfscope

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports)
{
	return bpfscope::Init(env, exports);
}

NODE_API_MODULE(bpfscope_native, InitAddon)
