// NativeRingBuffer consumes one BPF ring buffer map without blocking the JS thread:
// libuv polls the ring buffer's epoll fd, and when it is readable we drain up to a
// bounded batch and hand it to JS in one call (never one call per event).
#pragma once
#include <bpf/libbpf.h>
#include <napi.h>
#include <uv.h>

#include <vector>

namespace bpfscope
{

class NativeRingBuffer : public Napi::ObjectWrap<NativeRingBuffer>
{
public:
	static Napi::Function Define(Napi::Env env);
	explicit NativeRingBuffer(const Napi::CallbackInfo &info);
	~NativeRingBuffer() override;

private:
	Napi::Value Close(const Napi::CallbackInfo &info);
	Napi::Value Drain(const Napi::CallbackInfo &info);
	static int OnSample(void *context, void *data, size_t size);
	static void OnReadable(uv_poll_t *handle, int status, int events);
	void DeliverBatch();
	void Stop();

	Napi::Env env_;
	Napi::FunctionReference callback_;
	Napi::ObjectReference owner_;
	Napi::AsyncContext *async_context_ = nullptr;
	struct ring_buffer *ring_ = nullptr;
	uv_poll_t *poll_ = nullptr;
	// Batch layout handed to JS: repeated [u32 length][payload][pad to 8 bytes].
	std::vector<uint8_t> batch_;
	uint32_t batch_count_ = 0;
	uint32_t max_batch_events_ = 4096;
	size_t max_batch_bytes_ = 4 << 20;
};

} // namespace bpfscope
