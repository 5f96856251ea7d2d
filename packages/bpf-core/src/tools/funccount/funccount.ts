import { z } from 'zod';
import { parsePatternSpec } from '@bpfscope/formats';
import type { FeatureSource } from '../../capabilities/capabilities.js';
import { Action, ProbeBuilder, addProbe, emptyPlan, probeConfig, resolveTarget } from '../../customProbe/compile.js';
import type { ProbePlan } from '../../customProbe/compile.js';
import { PlanCache, attachedWith, customProbeAttachMethods, specString, targetParams, withSpec } from '../../customProbe/customTool.js';
import { CUSTOM_PROBE_OBJECT, attachPlan, configurePlan, customProbeConfigStructs } from '../../customProbe/load.js';
import { PointCountsReader } from '../../customProbe/pointCounts.js';
import type { TableToolDefinition } from '../types.js';

export const funccountParams = z
  .object({
    pattern: specString(
      "what to count, as bcc's funccount takes it: t:syscalls:sys_enter_* (tracepoints), c:malloc* or p:/path/to/binary:function (user functions), vfs_* (kernel functions, where kprobes work); * and ? match any characters",
    ),
    ...targetParams,
    interval: z.number().int().min(1).max(3600).default(1).describe('seconds each row counts, like bcc -i').meta({ unit: 's' }),
  })
  .strict();

export type FunccountParams = z.infer<typeof funccountParams>;

export interface FunccountRow {
  /** End of the interval counted, epoch ms. */
  time: number;
  /** The tracepoint (category:name) or function counted. */
  func: string;
  count: number;
}

function compileFunccount(params: FunccountParams, features: FeatureSource): ProbePlan {
  return withSpec('funccount', { param: 'pattern' }, params.pattern, () => {
    const spec = parsePatternSpec(params.pattern);
    const plan = emptyPlan();
    const points = resolveTarget(spec.target, { features, pid: params.pid, pointsSoFar: 0 });
    const builder = new ProbeBuilder({ spec: params.pattern, target: spec.target, points, returns: false });
    addProbe(plan, probeConfig(Action.countPoint, builder, []), builder, points);
    return plan;
  });
}

const plans = new PlanCache<FunccountParams, ProbePlan>(compileFunccount);

/** The attach points a funccount session would have (for a count shown before attaching), checking the pattern. */
export function funccountPlan(params: FunccountParams, features?: FeatureSource): ProbePlan {
  return plans.renew(params, features);
}

export const funccount: TableToolDefinition<FunccountParams, FunccountRow> = {
  name: 'funccount',
  // A user's spec: operator tokens only, a CPU budget and a time to live, whatever it attaches to.
  custom: true,
  title: 'Count calls and events',
  description: "bcc's funccount: how often each tracepoint or function matching a pattern fires, per interval",
  howItWorks:
    'One prebuilt BPF program counts per attach point in a per-CPU array (no lookup, no lock), read once per interval; a wildcard over syscall tracepoints attaches once to raw_syscalls and counts by syscall number.',
  category: 'processes',
  outputKind: 'table',
  objectFile: CUSTOM_PROBE_OBJECT,
  structs: [{ struct: 'probe_point_counts', size: 8192 }, ...customProbeConfigStructs],
  paramsSchema: funccountParams,
  attachMethods: customProbeAttachMethods,
  cli: { positional: 'pattern', verbatim: ['pattern'] },
  // bcc: "%-36s %8s", FUNC COUNT; TIME for the interval (-T).
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'FUNC', key: 'func', width: 36, display: 'text', align: 'left' },
    { header: 'COUNT', key: 'count', width: 8, display: 'integer', align: 'right' },
  ],
  configure(object, params) {
    configurePlan(object, plans.renew(params), { pid: params.pid });
  },
  attach: (object, params) => attachPlan(object, plans.get(params)),
  attachedWith: (params) => attachedWith(plans.get(params)),
  intervalRows: {
    intervalMs: (params) => params.interval * 1000,
    open(object, params) {
      const plan = plans.get(params);
      const reader = new PointCountsReader(object);
      return {
        read({ endsAt }) {
          const rows = [...reader.read()]
            .map(([point, count]) => ({ time: endsAt, func: plan.points[point]?.name ?? `point ${point}`, count }))
            .sort((a, b) => b.count - a.count || a.func.localeCompare(b.func));
          return { rows, events: rows.reduce((sum, row) => sum + row.count, 0) };
        },
      };
    },
  },
  timeSeries: [{ title: 'calls', columns: ['count'], unit: 'per interval', seriesBy: 'func' }],
};
