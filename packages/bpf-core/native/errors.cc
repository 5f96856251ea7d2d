#include "errors.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace bpfscope
{

namespace
{
Napi::FunctionReference *error_class = nullptr;
// Bounded so a huge verifier log cannot grow the process without limit.
constexpr size_t kMaxLogBytes = 16 * 1024;
std::string libbpf_log;

int CaptureLibbpfPrint(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	va_list copy;
	va_copy(copy, args);
	int n = vsnprintf(nullptr, 0, format, copy);
	va_end(copy);
	if (n <= 0)
		return n;
	std::string line(static_cast<size_t>(n) + 1, '\0');
	vsnprintf(line.data(), line.size(), format, args);
	line.resize(static_cast<size_t>(n));
	libbpf_log += line;
	// Keep the tail: the verifier states its reason at the end of its log.
	if (libbpf_log.size() > kMaxLogBytes)
		libbpf_log.erase(0, libbpf_log.size() - kMaxLogBytes);
	return n;
}
} // namespace

void SetErrorClass(Napi::Env env, Napi::Function ctor)
{
	if (error_class == nullptr)
		error_class = new Napi::FunctionReference();
	*error_class = Napi::Persistent(ctor);
	(void)env;
}

void InstallLibbpfLogCapture()
{
	libbpf_set_print(CaptureLibbpfPrint);
}
void ClearLibbpfLog()
{
	libbpf_log.clear();
}
std::string TakeLibbpfLog()
{
	std::string out;
	out.swap(libbpf_log);
	while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
		out.pop_back();
	return out;
}

const char *ErrnoName(int err)
{
	switch (err) {
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case EINTR:
		return "EINTR";
	case EIO:
		return "EIO";
	case E2BIG:
		return "E2BIG";
	case EBADF:
		return "EBADF";
	case EAGAIN:
		return "EAGAIN";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case ENODEV:
		return "ENODEV";
	case EINVAL:
		return "EINVAL";
	case ENOSPC:
		return "ENOSPC";
	case ERANGE:
		return "ERANGE";
	case ENOSYS:
		return "ENOSYS";
	case ENOTSUP:
		return "EOPNOTSUPP";
	case 524:
		return "ENOTSUPP"; // kernel-internal, leaks out of BPF syscalls
	default:
		return "EUNKNOWN";
	}
}

Napi::Value ThrowBpfError(Napi::Env env, int err, const std::string &message)
{
	if (err < 0)
		err = -err;
	std::string full = message;
	std::string log = TakeLibbpfLog();
	if (!log.empty())
		full += "\n" + log;
	Napi::Value error;
	if (error_class != nullptr && !error_class->IsEmpty()) {
		error = error_class->New({Napi::String::New(env, full),
					  Napi::String::New(env, ErrnoName(err)),
					  Napi::Number::New(env, err)});
		if (env.IsExceptionPending())
			return env.Undefined();
	} else {
		Napi::Error plain = Napi::Error::New(env, full);
		plain.Set("code", Napi::String::New(env, ErrnoName(err)));
		plain.Set("errno", Napi::Number::New(env, err));
		error = plain.Value();
	}
	napi_throw(env, error);
	return env.Undefined();
}

} // namespace bpfscope
