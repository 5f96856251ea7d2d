import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { BpfObject } from '../bpfObject.js';
import { BpfError } from '../errors.js';
import { native } from '../native.js';
import { bpfObjectPath } from '../paths.js';
import { VMLINUX_BTF, vmlinuxBtfProblem } from './kernelBtf.js';

export type FeatureName =
  'btf' | 'ringbuf' | 'tracepoint' | 'rawTracepoint' | 'tpBtf' | 'fentry' | 'kprobe' | 'uprobe' | 'perfEventSampling' | 'hardwarePmu' | 'stackTraceMap';

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

/**
 * Loads (and attaches) one program of probe.bpf.o alone: the answer is whether the
 * kernel let us. The probe is then closed off the JS thread: detaching waits out an
 * RCU grace period, which would otherwise dominate a tool's first start.
 */
function tryProgram(program: string, attach: (object: BpfObject) => void): FeatureStatus {
  let object: BpfObject | undefined;
  try {
    // Full vmlinux BTF: the probe must not depend on the minimized copy it may precede.
    object = BpfObject.open(bpfObjectPath('probe.bpf.o'), { fullKernelBtf: true });
    object.selectPrograms([program]);
    object.load();
    attach(object);
    return { available: true };
  } catch (error) {
    return { available: false, reason: describeError(error) };
  } finally {
    void object?.closeAsync();
  }
}

/** Every feature the probe knows, in report order. */
export const featureNames: readonly FeatureName[] = [
  'btf',
  'ringbuf',
  'stackTraceMap',
  'tracepoint',
  'rawTracepoint',
  'tpBtf',
  'fentry',
  'kprobe',
  'uprobe',
  'perfEventSampling',
  'hardwarePmu',
];

/** Anything that can say whether a feature is available (the kernel, or a test's fake). */
export interface FeatureSource {
  feature(name: FeatureName): FeatureStatus;
}

export function featureSourceOf(capabilities: Capabilities): FeatureSource {
  return { feature: (name) => capabilities.features[name] };
}

/**
 * Finds out what this kernel offers by trying each thing, never by version numbers:
 * production kernels backport features and distributions switch them off. Each
 * feature is probed on first use and remembered, so starting one tool costs only
 * the probes that tool needs.
 */
export class KernelFeatures implements FeatureSource {
  readonly #cache = new Map<FeatureName, FeatureStatus>();
  readonly #assumed = new Set<FeatureName>();
  #probeMs = 0;

  feature(name: FeatureName): FeatureStatus {
    if (this.#assumed.has(name)) return { available: true };
    let status = this.#cache.get(name);
    if (!status) {
      // hrtime, not performance.now(): the CLI would load perf_hooks for this alone.
      const started = process.hrtime.bigint();
      status = this.#probe(name);
      this.#probeMs += Number(process.hrtime.bigint() - started) / 1e6;
      this.#cache.set(name, status);
    }
    return status;
  }

  /**
   * Answers `name` as available, unprobed, until probeAssumed(): for a one-shot process whose own attach is
   * the test. A uprobe probe's teardown holds the kernel's event_mutex through RCU grace periods, which held
   * up bpfscope-tool's own uprobe attach by 100 ms and more.
   */
  assumeAvailable(name: FeatureName): void {
    if (!this.#cache.has(name)) this.#assumed.add(name);
  }

  /** Probes the features assumed available, for real: why an attach that relied on them failed. */
  probeAssumed(): Array<{ name: FeatureName; status: FeatureStatus }> {
    const names = [...this.#assumed];
    this.#assumed.clear();
    return names.map((name) => ({ name, status: this.feature(name) }));
  }

  /** Probes everything not yet probed and reports it all. */
  snapshot(): Capabilities {
    // A report is of the kernel: nothing assumed.
    this.probeAssumed();
    const features = Object.fromEntries(featureNames.map((name) => [name, this.feature(name)])) as Record<FeatureName, FeatureStatus>;
    return {
      kernelRelease: os.release(),
      libbpfVersion: native.libbpfVersion(),
      probedAt: new Date().toISOString(),
      probeMs: this.#probeMs,
      features,
    };
  }

  #probe(name: FeatureName): FeatureStatus {
    if (name !== 'btf' && name !== 'ringbuf' && name !== 'stackTraceMap' && name !== 'hardwarePmu' && !this.feature('btf').available) {
      return { available: false, reason: 'needs kernel BTF' };
    }
    switch (name) {
      case 'btf': {
        let problem: string | undefined;
        try {
          problem = vmlinuxBtfProblem();
        } catch (error) {
          const errno = Math.abs((error as NodeJS.ErrnoException).errno ?? 0);
          return { available: false, reason: `no kernel BTF at ${VMLINUX_BTF} (${errnoName(errno)}): CO-RE programs cannot load` };
        }
        return problem === undefined
          ? { available: true }
          : { available: false, reason: `kernel BTF at ${VMLINUX_BTF} is unreadable (${problem}): CO-RE programs cannot load` };
      }
      case 'ringbuf':
        return errnoStatus(native.probeMapType('ringbuf'), 'BPF_MAP_TYPE_RINGBUF not supported');
      case 'stackTraceMap':
        return errnoStatus(native.probeMapType('stack_trace'), 'BPF_MAP_TYPE_STACK_TRACE not supported');
      case 'tracepoint':
        return tryProgram('probe_tracepoint', (object) => object.attach('probe_tracepoint'));
      case 'rawTracepoint':
        return tryProgram('probe_raw_tp', (object) => object.attach('probe_raw_tp'));
      case 'tpBtf':
        return tryProgram('probe_tp_btf', (object) => object.attach('probe_tp_btf'));
      case 'fentry':
        return tryProgram('probe_fentry', (object) => object.attach('probe_fentry'));
      case 'kprobe':
        return tryProgram('probe_kprobe', (object) => object.attach('probe_kprobe'));
      case 'uprobe': {
        const libc = libcPath();
        if (!libc) return { available: false, reason: 'could not find libc in /proc/self/maps to test a uprobe' };
        return tryProgram('probe_uprobe', (object) => object.attachUprobe('probe_uprobe', { binaryPath: libc, functionName: 'getppid', pid: process.pid }));
      }
      case 'perfEventSampling':
        return tryProgram('probe_perf_event', (object) =>
          object.attachPerfEvent('probe_perf_event', { type: PERF_TYPE_SOFTWARE, config: PERF_COUNT_SW_CPU_CLOCK, frequency: 1 }),
        );
      case 'hardwarePmu':
        return errnoStatus(native.perfEventOpenErrno(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES), 'no hardware cycles counter (perf_event_open)');
      default: {
        const unreachable: never = name;
        return { available: false, reason: `unknown feature ${String(unreachable)}` };
      }
    }
  }
}

let kernelFeatures: KernelFeatures | undefined;

/** This process's view of the running kernel, probed lazily and once per feature. */
export function getKernelFeatures(): KernelFeatures {
  kernelFeatures ??= new KernelFeatures();
  return kernelFeatures;
}

/** Every feature of the running kernel, probing whatever is not known yet. */
export function getCapabilities(): Capabilities {
  return getKernelFeatures().snapshot();
}
