import { z } from 'zod';
import { parsePatternSpec } from '@bpfscope/formats';
import type { FeatureSource } from '../../capabilities/capabilities.js';
import { cString } from '../../encode.js';
import { Action, ProbeBuilder, StackFlags, addProbe, emptyPlan, probeConfig, resolveTarget } from '../../customProbe/compile.js';
import type { ProbePlan } from '../../customProbe/compile.js';
import { PlanCache, attachedWith, customProbeAttachMethods, specString, targetParams, withSpec } from '../../customProbe/customTool.js';
import { CUSTOM_PROBE_OBJECT, attachPlan, configurePlan, customProbeConfigStructs } from '../../customProbe/load.js';
import { TASK_COMM_LEN, collectStackProfile, notUserAndKernelOnly, stackIdAt, userAndKernelOnlyMessage } from '../../stacks/stackTraces.js';
import type { StackToolDefinition } from '../types.js';

// Mirrors struct probe_stack_key in customprobe.h.
export const ProbeStackKeyOffset = { slot: 0, pid: 4, userStackId: 8, kernelStackId: 12, comm: 16 } as const;
export const PROBE_STACK_KEY_SIZE = 32;
const DEFAULT_MAX_STACKS = 16384;

export const stackcountParams = z
  .object({
    pattern: specString(
      "where to take stacks, as bcc's stackcount takes it: t:sched:sched_switch, c:malloc, p:/path/to/binary:function, a glob, or a kernel function where kprobes work",
    ),
    ...targetParams,
    userOnly: z.boolean().default(false).describe('user stacks only, like bcc -U'),
    kernelOnly: z.boolean().default(false).describe('kernel stacks only, like bcc -K'),
    maxStacks: z
      .number()
      .int()
      .min(1024)
      .max(65_536)
      .default(DEFAULT_MAX_STACKS)
      .describe('distinct stacks (about 1 KiB each) the kernel can hold; overflow is counted, not hidden'),
  })
  .strict()
  .refine(notUserAndKernelOnly, userAndKernelOnlyMessage);

export type StackcountParams = z.infer<typeof stackcountParams>;

function compileStackcount(params: StackcountParams, features: FeatureSource): ProbePlan {
  return withSpec('stackcount', { param: 'pattern' }, params.pattern, () => {
    const spec = parsePatternSpec(params.pattern);
    const plan = emptyPlan();
    const points = resolveTarget(spec.target, { features, pid: params.pid, pointsSoFar: 0 });
    const builder = new ProbeBuilder({ spec: params.pattern, target: spec.target, points, returns: false });
    const config = probeConfig(Action.stack, builder, []);
    config.stacks = (params.kernelOnly ? 0 : StackFlags.user) | (params.userOnly ? 0 : StackFlags.kernel);
    addProbe(plan, config, builder, points);
    return plan;
  });
}

const plans = new PlanCache<StackcountParams, ProbePlan>(compileStackcount);

export const stackcount: StackToolDefinition<StackcountParams> = {
  name: 'stackcount',
  // A user's spec: operator tokens only, a CPU budget and a time to live, whatever it attaches to.
  custom: true,
  title: 'Count stacks at an event',
  description: "bcc's stackcount: the user and kernel stacks that lead to a tracepoint or function, counted in the kernel, as a flame graph",
  howItWorks:
    'One prebuilt BPF program takes the stacks (bpf_get_stackid) at each event and counts them per process in the kernel; a capture reads the counts and the stack-trace map and symbolizes them. User stacks are walked by frame pointer.',
  category: 'cpu',
  outputKind: 'stacks',
  objectFile: CUSTOM_PROBE_OBJECT,
  structs: [{ struct: 'probe_stack_key', offsets: ProbeStackKeyOffset, size: PROBE_STACK_KEY_SIZE }, ...customProbeConfigStructs],
  paramsSchema: stackcountParams,
  attachMethods: customProbeAttachMethods,
  cli: { positional: 'pattern', verbatim: ['pattern'] },
  configure(object, params) {
    configurePlan(object, plans.renew(params), { pid: params.pid }, { stacks: params.maxStacks });
  },
  attach: (object, params) => attachPlan(object, plans.get(params)),
  attachedWith: (params) => attachedWith(plans.get(params)),
  collect(object, _params, capture) {
    return collectStackProfile(
      object,
      {
        countsMap: 'stacks',
        unit: 'samples',
        // A classic tracepoint hands the program the registers where the tracepoint fired (perf_fetch_caller_regs),
        // so kernel stacks begin there, as a sample's do: no tracer frames to strip.
        kernelStacksFrom: 'sample',
        decodeKey: (key) => ({
          pid: key.readUInt32LE(ProbeStackKeyOffset.pid),
          tid: 0,
          userStackId: stackIdAt(key, ProbeStackKeyOffset.userStackId),
          kernelStackId: stackIdAt(key, ProbeStackKeyOffset.kernelStackId),
          timeSlot: 0,
          comm: cString(key, ProbeStackKeyOffset.comm, TASK_COMM_LEN),
        }),
        timeline: false,
      },
      capture,
    );
  },
};

/** The attach points a stackcount session would have (for a count shown before attaching), checking the pattern. */
export function stackcountPlan(params: StackcountParams, features?: FeatureSource): ProbePlan {
  return plans.renew(params, features);
}
