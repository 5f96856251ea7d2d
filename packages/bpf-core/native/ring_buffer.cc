#include "ring_buffer.h"

#include <cerrno>
#include <cstring>

#include "bpf_object.h"
#include "errors.h"

namespace bpfscope
{

namespace
{
// Returned from the sample callback to stop a drain early once a batch is full; the
// remaining records stay in the ring and the fd stays readable, so libuv calls us
// again on the next loop turn and other JS work runs in between.
constexpr int kBatchFull = -EAGAIN;
// A batch buffer grown past this by a burst is freed once delivered: an idle reader holds no burst's worth of memory.
constexpr size_t kKeptBatchBytes = 256 << 10;
} // namespace

Napi::Function NativeRingBuffer::Define(Napi::Env env)
{
	return DefineClass(env, "NativeRingBuffer",
			   {
				   InstanceMethod("close", &NativeRingBuffer::Close),
				   InstanceMethod("drain", &NativeRingBuffer::Drain),
			   });
}

// new NativeRingBuffer(object: NativeBpfObject, mapName: string, onBatch(buffer, count), maxBatchEvents?)
NativeRingBuffer::NativeRingBuffer(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<NativeRingBuffer>(info)
    , env_(info.Env())
{
	Napi::Env env = info.Env();
	if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsString() ||
	    !info[2].IsFunction()) {
		ThrowBpfError(env, EINVAL, "NativeRingBuffer(object, mapName, onBatch) expected");
		return;
	}
	NativeBpfObject *object =
		Napi::ObjectWrap<NativeBpfObject>::Unwrap(info[0].As<Napi::Object>());
	if (env.IsExceptionPending() || object == nullptr)
		return;
	struct bpf_map *map = object->FindMap(env, info[1]);
	if (map == nullptr)
		return;
	if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF) {
		ThrowBpfError(env, EINVAL,
			      std::string("map ") + bpf_map__name(map) + " is not a ring buffer");
		return;
	}
	if (info.Length() > 3 && info[3].IsNumber())
		max_batch_events_ = std::max(1u, info[3].As<Napi::Number>().Uint32Value());
	ClearLibbpfLog();
	ring_ = ring_buffer__new(bpf_map__fd(map), OnSample, this, nullptr);
	if (ring_ == nullptr) {
		int err = errno;
		ThrowBpfError(env, err,
			      std::string("failed to create ring buffer for ") +
				      bpf_map__name(map) + ": " + strerror(err));
		return;
	}
	uv_loop_t *loop = nullptr;
	napi_get_uv_event_loop(env, &loop);
	poll_ = new uv_poll_t;
	int err = uv_poll_init(loop, poll_, ring_buffer__epoll_fd(ring_));
	if (err == 0) {
		poll_->data = this;
		err = uv_poll_start(poll_, UV_READABLE, OnReadable);
	}
	if (err != 0) {
		delete poll_;
		poll_ = nullptr;
		ring_buffer__free(ring_);
		ring_ = nullptr;
		ThrowBpfError(env, -err,
			      std::string("failed to poll ring buffer: ") + uv_strerror(err));
		return;
	}
	callback_ = Napi::Persistent(info[2].As<Napi::Function>());
	owner_ = Napi::Persistent(info[0].As<Napi::Object>()); // keep the object (and map) alive
	async_context_ = new Napi::AsyncContext(env, "bpfscope:ringbuffer");
	// The poll handle keeps the process alive while events may still arrive.
	Ref();
}

NativeRingBuffer::~NativeRingBuffer()
{
	Stop();
}

void NativeRingBuffer::Stop()
{
	if (poll_ != nullptr) {
		uv_poll_stop(poll_);
		uv_close(reinterpret_cast<uv_handle_t *>(poll_),
			 [](uv_handle_t *handle) { delete reinterpret_cast<uv_poll_t *>(handle); });
		poll_ = nullptr;
		Unref();
	}
	if (ring_ != nullptr)
		ring_buffer__free(ring_);
	ring_ = nullptr;
	delete async_context_;
	async_context_ = nullptr;
	if (!owner_.IsEmpty())
		owner_.Reset();
}

int NativeRingBuffer::OnSample(void *context, void *data, size_t size)
{
	auto *self = static_cast<NativeRingBuffer *>(context);
	uint32_t length = static_cast<uint32_t>(size);
	size_t padded = (size + 7) & ~static_cast<size_t>(7);
	size_t offset = self->batch_.size();
	self->batch_.resize(offset + 8 + padded);
	memcpy(self->batch_.data() + offset, &length, sizeof(length));
	memcpy(self->batch_.data() + offset + 8, data, size);
	self->batch_count_++;
	if (self->batch_count_ >= self->max_batch_events_ ||
	    self->batch_.size() >= self->max_batch_bytes_)
		return kBatchFull;
	return 0;
}

void NativeRingBuffer::OnReadable(uv_poll_t *handle, int status, int events)
{
	(void)events;
	auto *self = static_cast<NativeRingBuffer *>(handle->data);
	if (self == nullptr || self->ring_ == nullptr || status < 0)
		return;
	int err = ring_buffer__consume(self->ring_);
	(void)err; // kBatchFull is expected; other errors surface as missing events, counted in BPF
	self->DeliverBatch();
}

void NativeRingBuffer::DeliverBatch()
{
	if (batch_count_ == 0)
		return;
	Napi::HandleScope scope(env_);
	Napi::Buffer<uint8_t> buffer =
		Napi::Buffer<uint8_t>::Copy(env_, batch_.data(), batch_.size());
	uint32_t count = batch_count_;
	batch_.clear();
	batch_count_ = 0;
	if (batch_.capacity() > kKeptBatchBytes)
		std::vector<uint8_t>().swap(batch_);
	napi_value receiver = Value();
	callback_.MakeCallback(receiver, {buffer, Napi::Number::New(env_, count)}, *async_context_);
	if (env_.IsExceptionPending()) {
		Napi::Error error = env_.GetAndClearPendingException();
		napi_fatal_exception(env_, error.Value());
	}
}

// drain(): synchronously consume whatever is in the ring now (used at close so the
// last events are not lost); returns the number of events delivered.
Napi::Value NativeRingBuffer::Drain(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint32_t total = 0;
	while (ring_ != nullptr) {
		int err = ring_buffer__consume(ring_);
		uint32_t count = batch_count_;
		DeliverBatch();
		if (env.IsExceptionPending())
			return env.Undefined();
		total += count;
		if (err != kBatchFull)
			break;
	}
	return Napi::Number::New(env, total);
}

Napi::Value NativeRingBuffer::Close(const Napi::CallbackInfo &info)
{
	Stop();
	return info.Env().Undefined();
}

} // namespace bpfscope
