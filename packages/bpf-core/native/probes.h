// Feature probes that need no BPF object: they ask the kernel by trying.
#pragma once
#include <napi.h>

namespace bpfscope
{
Napi::Object InitProbes(Napi::Env env, Napi::Object exports);
}
