// One error policy for the addon: every failure becomes a JS BpfError (class injected
// once from TypeScript) carrying an errno-style code, the errno number and a message
// that includes what libbpf printed while the failing call ran.
#pragma once
#include <napi.h>
#include <string>

namespace bpfscope
{

void SetErrorClass(Napi::Env env, Napi::Function ctor);
// Throws BpfError(message, code) into env; returns undefined for `return Throw(...)`.
Napi::Value ThrowBpfError(Napi::Env env, int err, const std::string &message);
// libbpf prints diagnostics (verifier log, relocation failures) through a callback:
// keep the recent ones so an error message can say *why* and not just "-22".
void InstallLibbpfLogCapture();
void ClearLibbpfLog();
std::string TakeLibbpfLog();
const char *ErrnoName(int err);

} // namespace bpfscope
