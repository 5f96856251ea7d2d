import type { AttachMethod, Requirement } from '../types.js';

/** What each tracepoint attach method needs of the kernel, and the suffix of its programs in the tools' .bpf.c. */
const tracepointMethods = {
  tp_btf: { feature: 'tpBtf', programSuffix: '_btf' },
  raw_tracepoint: { feature: 'rawTracepoint', programSuffix: '_raw' },
  tracepoint: { feature: 'tracepoint', programSuffix: '_tracepoint' },
} as const;

/**
 * The pair of attach methods of a tool on kernel tracepoints: tp_btf (typed
 * arguments, BTF) first, else `fallback` on the same tracepoints. Each program is
 * `<program>_btf` for tp_btf and `<program>_raw` or `<program>_tracepoint` for the fallback.
 */
export function tracepointAttachMethods(options: {
  /** Program names without their method suffix. */
  programs: readonly string[];
  /** Tracepoints the kernel must have, as `category:name` (perf's spelling). */
  tracepoints: readonly string[];
  /** What else the programs need (a stack-trace map), checked after the method's own feature. */
  requires?: readonly Requirement[];
  /** raw_tracepoint (same arguments, untyped) unless said. */
  fallback?: 'raw_tracepoint' | 'tracepoint';
}): AttachMethod[] {
  const tracepoints = options.tracepoints.map((tracepoint): Requirement => {
    const [category = '', name = ''] = tracepoint.split(':');
    return { kind: 'tracepoint', category, name };
  });
  return (['tp_btf', options.fallback ?? 'raw_tracepoint'] as const).map((name) => {
    const { feature, programSuffix } = tracepointMethods[name];
    return {
      name,
      programs: options.programs.map((program) => program + programSuffix),
      requires: [{ kind: 'feature', feature }, ...(options.requires ?? []), ...tracepoints],
    };
  });
}
