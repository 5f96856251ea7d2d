// NativeBpfObject owns one libbpf bpf_object and every link attached from it.
// Links are fd-owned kernel objects: closing them (explicitly, or by the kernel
// when the process dies, even by SIGKILL) detaches the programs.
#pragma once
#include <bpf/libbpf.h>
#include <napi.h>

#include <string>
#include <thread>
#include <vector>

namespace bpfscope
{

class NativeBpfObject : public Napi::ObjectWrap<NativeBpfObject>
{
public:
	static Napi::Function Define(Napi::Env env);
	explicit NativeBpfObject(const Napi::CallbackInfo &info);
	~NativeBpfObject() override;

	struct bpf_object *object() const
	{
		return object_;
	}
	struct bpf_map *FindMap(Napi::Env env, const Napi::Value &name);

private:
	// bpf_object.cc: open, configure, load, close.
	Napi::Value Programs(const Napi::CallbackInfo &info);
	Napi::Value ProgramStats(const Napi::CallbackInfo &info);
	Napi::Value SetAutoload(const Napi::CallbackInfo &info);
	Napi::Value SetGlobal(const Napi::CallbackInfo &info);
	Napi::Value Load(const Napi::CallbackInfo &info);
	Napi::Value Close(const Napi::CallbackInfo &info);
	Napi::Value CloseAsync(const Napi::CallbackInfo &info);
	bool CheckOpen(Napi::Env env);
	struct bpf_program *FindProgram(Napi::Env env, const Napi::Value &name);
	void Destroy();

	// bpf_attach.cc: links.
	Napi::Value Attach(const Napi::CallbackInfo &info);
	Napi::Value AttachUprobe(const Napi::CallbackInfo &info);
	Napi::Value AttachTracepoint(const Napi::CallbackInfo &info);
	Napi::Value AttachUprobeAt(const Napi::CallbackInfo &info);
	Napi::Value AttachKprobe(const Napi::CallbackInfo &info);
	Napi::Value AttachPerfEvent(const Napi::CallbackInfo &info);
	Napi::Value AttachIter(const Napi::CallbackInfo &info);
	Napi::Value ReadIter(const Napi::CallbackInfo &info);
	Napi::Value LinkIds(const Napi::CallbackInfo &info);
	Napi::Value AddLink(Napi::Env env, struct bpf_link *link, const std::string &what);

	// bpf_attach.cc: uprobe perf events opened on a thread while the object loads.
	struct PendingUprobe {
		std::string binary;
		size_t offset;
		int pid;
		bool retprobe;
		size_t ref_ctr_offset;
		int fd = -1;
		int err = 0; // positive errno when opening failed
		bool taken = false;
	};
	Napi::Value OpenUprobeEvents(const Napi::CallbackInfo &info);
	PendingUprobe *TakePendingUprobe(const std::string &binary, size_t offset, int pid,
					 bool retprobe, size_t ref_ctr_offset);
	void ReleasePendingUprobes();

	// bpf_maps.cc: maps.
	Napi::Value Maps(const Napi::CallbackInfo &info);
	Napi::Value SetMapMaxEntries(const Napi::CallbackInfo &info);
	Napi::Value AllocateOnUpdate(const Napi::CallbackInfo &info);
	Napi::Value MapLookup(const Napi::CallbackInfo &info);
	Napi::Value MapUpdate(const Napi::CallbackInfo &info);
	Napi::Value MapDelete(const Napi::CallbackInfo &info);
	Napi::Value MapEntries(const Napi::CallbackInfo &info);

	struct bpf_object *object_ = nullptr;
	std::vector<struct bpf_link *> links_;
	bool loaded_ = false;
	std::vector<PendingUprobe> pending_uprobes_;
	std::thread uprobe_opener_;
};

} // namespace bpfscope
