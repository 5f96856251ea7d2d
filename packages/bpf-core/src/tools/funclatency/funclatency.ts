import { z } from 'zod';
import { SpecProblem, parsePatternSpec } from '@bpfscope/formats';
import type { FeatureSource } from '../../capabilities/capabilities.js';
import { histogramStruct } from '../../histogram.js';
import { Action, ProbeBuilder, addLatencyStarts, addProbe, emptyPlan, probeConfig, resolveTarget } from '../../customProbe/compile.js';
import type { ProbePlan } from '../../customProbe/compile.js';
import { PlanCache, attachedWith, customProbeAttachMethods, specString, targetParams, withSpec } from '../../customProbe/customTool.js';
import { CUSTOM_PROBE_OBJECT, attachPlan, configurePlan, customProbeConfigStructs } from '../../customProbe/load.js';
import type { HistogramToolDefinition } from '../types.js';

// Mirrors struct probe_key in customprobe.h: the slot is the attach point with perFunction.
export const ProbeKeyOffset = { slot: 0, values: 8, string: 40 } as const;
export const PROBE_KEY_SIZE = 104;
/** Histograms kept: one, or one per function (perFunction). */
const MAX_HISTOGRAMS = 1024;

export const funclatencyParams = z
  .object({
    pattern: specString(
      "the functions to time, as bcc's funclatency takes them: c:nanosleep, p:c:read, /path/to/binary:function, a glob such as c:pthread_mutex_*, or a kernel function where kprobes work",
    ),
    ...targetParams,
    milliseconds: z.boolean().default(false).describe('histogram in milliseconds, like bcc -m (default microseconds, bcc -u)'),
    perFunction: z.boolean().default(false).describe('a histogram per function, like bcc -F'),
  })
  .strict();

export type FunclatencyParams = z.infer<typeof funclatencyParams>;

function compileFunclatency(params: FunclatencyParams, features: FeatureSource): ProbePlan {
  return withSpec('funclatency', { param: 'pattern' }, params.pattern, () => {
    const spec = parsePatternSpec(params.pattern);
    const { target } = spec;
    if (target.kind !== 'function') {
      throw new SpecProblem('funclatency times functions from entry to return: expected library:function (c:nanosleep) or a kernel function', target.span);
    }
    const plan = emptyPlan();
    const resolved = resolveTarget({ ...target, retprobe: false }, { features, pid: params.pid, pointsSoFar: 0 });
    if (resolved.length * 2 > 1000)
      throw new SpecProblem(`matches ${resolved.length} functions: each takes an entry and a return probe, at most 500`, target.functionSpan);
    const context = { spec: params.pattern, target, points: resolved, returns: false };
    const returns = addLatencyStarts(plan, context, resolved);
    const builder = new ProbeBuilder({ ...context, points: returns, returns: true });
    const latency = builder.integer({ kind: 'builtin', name: 'latency', span: target.span }, 'latency');
    const config = probeConfig(Action.hist, builder, []);
    config.value = { ...latency.plan, divisor: params.milliseconds ? 1_000_000n : 1000n };
    config.keyByPoint = params.perFunction;
    addProbe(plan, config, builder, returns);
    return plan;
  });
}

const plans = new PlanCache<FunclatencyParams, ProbePlan>(compileFunclatency);

export const funclatency: HistogramToolDefinition<FunclatencyParams> = {
  name: 'funclatency',
  // A user's spec: operator tokens only, a CPU budget and a time to live, whatever it attaches to.
  custom: true,
  title: 'Function latency',
  description: "bcc's funclatency: how long calls of a function (or functions matching a pattern) take, from entry to return, as a heat map",
  howItWorks:
    'A uprobe (or kprobe) on each function entry stamps the thread, the uretprobe (kretprobe) adds the time since to a log2 histogram in the kernel, read each second. Recursion or nesting of the matched functions on one thread keeps only the innermost start, as in bcc.',
  category: 'cpu',
  outputKind: 'histogram',
  objectFile: CUSTOM_PROBE_OBJECT,
  structs: [{ struct: 'probe_key', offsets: ProbeKeyOffset, size: PROBE_KEY_SIZE }, histogramStruct, ...customProbeConfigStructs],
  paramsSchema: funclatencyParams,
  attachMethods: customProbeAttachMethods,
  cli: { positional: 'pattern', verbatim: ['pattern'] },
  configure(object, params) {
    configurePlan(object, plans.renew(params), { pid: params.pid }, { hists: MAX_HISTOGRAMS });
  },
  attach: (object, params) => attachPlan(object, plans.get(params)),
  attachedWith: (params) => attachedWith(plans.get(params)),
  histogram: {
    source: 'map',
    map: 'hists',
    measure: 'function latency',
    unit: (params) => (params.milliseconds ? 'msecs' : 'usecs'),
    keyName: (params) => (params.perFunction ? 'function' : undefined),
    keyLabel: (key, params) => (params.perFunction ? (plans.get(params).points[key.readUInt32LE(ProbeKeyOffset.slot)]?.name ?? '?') : ''),
  },
};

/** The attach points a funclatency session would have (for a count shown before attaching), checking the pattern. */
export function funclatencyPlan(params: FunclatencyParams, features?: FeatureSource): ProbePlan {
  return plans.renew(params, features);
}
