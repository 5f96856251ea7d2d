import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { BpfObject } from '../bpfObject.js';
import { BpfError } from '../errors.js';
import { native } from '../native.js';
import { bpfObjectPath } from '../paths.js';

export type FeatureName =
  | 'btf'
  | 'ringbuf'
  | 'tracepoint'
  | 'rawTracepoint'
  | 'tpBtf'
  | 'fentry'
  | 'kprobe'
  | 'uprobe'
  | 'perfEventSampling'
  | 'hardwarePmu'
  | 'stackTraceMap';

export interface FeatureStatus {
  available: boolean;
  /** Why not, in the kernel's or libbpf's words, when unavailable. */
  reason?: string;
}

export interface Capabilities {
  kernelRelease: string;
  libbpfVersion: string;
  probedAt: string;
  /** How long the probe took, in milliseconds. */
  probeMs: number;
  features: Record<FeatureName, FeatureStatus>;
}

const TRACEFS_EVENTS = ['/sys/kernel/tracing/events', '/sys/kernel/debug/tracing/events'];

/** Is category:name a tracepoint of this kernel? Asks tracefs, which libbpf uses to attach. */
export function hasTracepoint(category: string, name: string): boolean {
  native.mountTracefs();
  return TRACEFS_EVENTS.some((root) => existsSync(`${root}/${category}/${name}/id`));
}

/** Is `name` a function of this kernel (by BTF, which fentry and tp_btf need anyway)? */
export function hasKernelFunction(name: string): boolean {
  return native.vmlinuxHasType('func', name);
}

// perf_event_attr types and configs (include/uapi/linux/perf_event.h).
export const PERF_TYPE_HARDWARE = 0;
export const PERF_TYPE_SOFTWARE = 1;
export const PERF_COUNT_HW_CPU_CYCLES = 0;
export const PERF_COUNT_SW_CPU_CLOCK = 0;

function describeError(error: unknown): string {
  if (error instanceof BpfError) return `${error.code}: ${error.message.split('\n')[0]}`;
  return error instanceof Error ? error.message : String(error);
}

function errnoStatus(errno: number, what: string): FeatureStatus {
  if (errno === 0) return { available: true };
  return { available: false, reason: `${what}: ${errnoName(errno)}` };
}

function errnoName(errno: number): string {
  const entry = Object.entries(os.constants.errno).find(([, value]) => value === errno);
  return entry ? `${entry[0]} (${errno})` : `errno ${errno}`;
}

function libcPath(): string | undefined {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  const match = /\s(\/\S*\/libc\.so\.6|\/\S*\/libc-[\d.]+\.so)$/m.exec(maps);
  return match?.[1];
}

/** Loads (and attaches) one program of probe.bpf.o alone: the answer is whether the kernel let us. */
function tryProgram(program: string, attach: (object: BpfObject) => void): FeatureStatus {
  let object: BpfObject | undefined;
  try {
    object = BpfObject.open(bpfObjectPath('probe.bpf.o'));
    object.selectPrograms([program]);
    object.load();
    attach(object);
    return { available: true };
  } catch (error) {
    return { available: false, reason: describeError(error) };
  } finally {
    object?.close();
  }
}

/**
 * Finds out what this kernel offers by trying each thing, never by version numbers:
 * production kernels backport features and distributions switch them off.
 */
export function probeCapabilities(): Capabilities {
  const started = performance.now();
  const btf = native.vmlinuxBtf();
  const features = {} as Record<FeatureName, FeatureStatus>;
  features.btf = btf.ok
    ? { available: true }
    : { available: false, reason: `no kernel BTF at /sys/kernel/btf/vmlinux (${errnoName(btf.errno)}): CO-RE programs cannot load` };
  features.ringbuf = errnoStatus(native.probeMapType('ringbuf'), 'BPF_MAP_TYPE_RINGBUF not supported');
  features.stackTraceMap = errnoStatus(native.probeMapType('stack_trace'), 'BPF_MAP_TYPE_STACK_TRACE not supported');
  if (!btf.ok) {
    for (const name of ['tracepoint', 'rawTracepoint', 'tpBtf', 'fentry', 'kprobe', 'uprobe', 'perfEventSampling'] as const) {
      features[name] = { available: false, reason: 'needs kernel BTF' };
    }
  } else {
    features.tracepoint = tryProgram('probe_tracepoint', (object) => object.attach('probe_tracepoint'));
    features.rawTracepoint = tryProgram('probe_raw_tp', (object) => object.attach('probe_raw_tp'));
    features.tpBtf = tryProgram('probe_tp_btf', (object) => object.attach('probe_tp_btf'));
    features.fentry = tryProgram('probe_fentry', (object) => object.attach('probe_fentry'));
    features.kprobe = tryProgram('probe_kprobe', (object) => object.attach('probe_kprobe'));
    const libc = libcPath();
    features.uprobe = libc
      ? tryProgram('probe_uprobe', (object) =>
          object.attachUprobe('probe_uprobe', { binaryPath: libc, functionName: 'getppid', pid: process.pid }),
        )
      : { available: false, reason: 'could not find libc in /proc/self/maps to test a uprobe' };
    features.perfEventSampling = tryProgram('probe_perf_event', (object) =>
      object.attachPerfEvent('probe_perf_event', { type: PERF_TYPE_SOFTWARE, config: PERF_COUNT_SW_CPU_CLOCK, frequency: 1 }),
    );
  }
  features.hardwarePmu = errnoStatus(
    native.perfEventOpenErrno(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES),
    'no hardware cycles counter (perf_event_open)',
  );
  return {
    kernelRelease: os.release(),
    libbpfVersion: native.libbpfVersion(),
    probedAt: new Date().toISOString(),
    probeMs: performance.now() - started,
    features,
  };
}

let cached: Capabilities | undefined;

/** The probe result for this process, probed once. */
export function getCapabilities(): Capabilities {
  cached ??= probeCapabilities();
  return cached;
}
