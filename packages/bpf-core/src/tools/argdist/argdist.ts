import { z } from 'zod';
import { SpecProblem, parseArgdistSpec } from '@bpfscope/formats';
import type { ArgdistSpec, ValueExpr } from '@bpfscope/formats';
import type { FeatureSource } from '../../capabilities/capabilities.js';
import { cString } from '../../encode.js';
import { GrowingCountsReader, decodeHistogramSlots, histogramStruct, linearSlotCount } from '../../histogram.js';
import type { LinearBuckets } from '../../histogram.js';
import {
  Action,
  PROBE_KEY_STR_LEN,
  PROBE_LINEAR_BUCKETS,
  PROBE_LINEAR_SLOTS,
  PROBE_MAX_KEYS,
  ProbeBuilder,
  addLatencyStarts,
  addProbe,
  emptyPlan,
  probeConfig,
  resolveTarget,
} from '../../customProbe/compile.js';
import type { ProbePlan, ReadValue, ValueType } from '../../customProbe/compile.js';
import { PlanCache, attachedWith, customProbeAttachMethods, specString, targetParams, withSpec } from '../../customProbe/customTool.js';
import { CUSTOM_PROBE_OBJECT, attachPlan, configurePlan, customProbeConfigStructs } from '../../customProbe/load.js';
import type { TableToolDefinition } from '../types.js';

// Mirrors struct probe_key and struct probe_count in customprobe.h.
export const ProbeKeyOffset = { slot: 0, values: 8, string: 40 } as const;
export const PROBE_KEY_SIZE = 104;
export const ProbeCountOffset = { count: 0 } as const;
const MAX_COUNT_KEYS = 10240;
const MAX_HISTOGRAMS = 1024;
// Each linear histogram is PROBE_LINEAR_SLOTS u64s (8 KB): 256 keys preallocate 2 MB.
const MAX_LINEAR_HISTOGRAMS = 256;

const specList = (flag: string, description: string) =>
  z
    .array(specString(`an argdist specifier for ${flag}`))
    .max(8)
    .default([])
    .describe(description);

export const argdistParams = z
  .object({
    histogram: specList(
      '-H',
      "histograms of a value, as bcc's argdist -H takes them: p::tcp_cleanup_rbuf(struct sock *sk, int copied):int:copied, t:syscalls:sys_enter_read():u64:args->count, r:c:read():u64:$latency (µs)",
    ),
    count: specList(
      '-C',
      "counts by key, as bcc's argdist -C takes them: p:c:write(int fd):int:fd, t:syscalls:sys_enter_openat():char*:args->filename, p:c:malloc (calls)",
    ),
    ...targetParams,
    interval: z.number().int().min(1).max(3600).default(1).describe('seconds each count row covers, like bcc -i').meta({ unit: 's' }),
    top: z.number().int().min(1).max(10_000).optional().describe('only the N largest counts of each probe each interval, like bcc -T'),
    linear: z
      .array(
        z
          .number()
          .int()
          .min(-(2 ** 53) + 1)
          .max(2 ** 53 - 1),
      )
      .length(3, { message: 'linear takes three numbers: min, max, step (as bpftrace lhist(value, min, max, step))' })
      .optional()
      .describe(
        `linear buckets for the -H histograms instead of log2, as bpftrace's lhist(value, min, max, step): min,max,step, at most ${PROBE_LINEAR_BUCKETS} buckets, plus one below min and one from max up`,
      ),
  })
  .strict()
  .superRefine((params, context) => {
    if (!params.linear) return;
    const [min = 0, max = 0, step = 0] = params.linear;
    const problem = (message: string) => context.addIssue({ code: 'custom', message, path: ['linear'] });
    if (params.histogram.length === 0) return problem('linear buckets are for histograms: give a -H specifier');
    if (step < 1) return problem(`step must be at least 1, got ${step}`);
    if (max <= min) return problem(`max (${max}) must be greater than min (${min})`);
    if ((max - min) % step !== 0) return problem(`max - min (${max - min}) must be a multiple of step (${step})`);
    if ((max - min) / step > PROBE_LINEAR_BUCKETS)
      return problem(`${(max - min) / step} buckets: at most ${PROBE_LINEAR_BUCKETS}; take a larger step or a narrower range`);
    return undefined;
  })
  .refine((params) => params.histogram.length + params.count.length > 0, {
    message: 'give at least one specifier in histogram (-H) or count (-C)',
    path: ['histogram'],
  })
  .refine((params) => params.histogram.length + params.count.length <= 8, { message: 'at most 8 specifiers in all', path: ['count'] });

export type ArgdistParams = z.infer<typeof argdistParams>;

export interface ArgdistRow {
  /** End of the interval counted, epoch ms. */
  time: number;
  /** The specifier, or its #label. */
  probe: string;
  count: number;
  /** The key's values as bcc prints them: `fd = 1, count = 1024`; the probe itself for a count of calls. */
  event: string;
}

interface ArgdistKey {
  name: string;
  type: ValueType;
}

interface ArgdistProbe {
  label: string;
  mode: 'histogram' | 'count';
  keys: ArgdistKey[];
  stringKey?: string;
}

interface ArgdistPlan {
  plan: ProbePlan;
  probes: Map<number, ArgdistProbe>;
  histograms: number;
  /** The -H specifiers' expressions, as written, by specifier. */
  expressions: Map<string, string>;
}

/** argdist's declared type of an expression is a cast of it. */
function typed(spec: ArgdistSpec, index: number): ValueExpr {
  const expr = spec.exprs[index] as ValueExpr;
  const type = spec.types[index];
  return type ? { kind: 'cast', type, operand: expr, span: expr.span } : expr;
}

function compileSpec(plan: ArgdistPlan, text: string, mode: 'histogram' | 'count', params: ArgdistParams, features: FeatureSource): void {
  const spec = parseArgdistSpec(text);
  const points = resolveTarget(spec.target, { features, pid: params.pid, pointsSoFar: plan.plan.points.length });
  const returns = spec.target.kind === 'function' && spec.target.retprobe;
  const context = { spec: text, target: spec.target, points, returns, ...(spec.signature ? { signature: spec.signature } : {}) };
  const builder = new ProbeBuilder(context);
  const label = spec.label ?? text;
  const probe: ArgdistProbe = { label, mode, keys: [] };
  let config;
  if (mode === 'histogram') {
    if (spec.exprs.length !== 1) {
      throw new SpecProblem(
        spec.exprs.length === 0 ? 'a histogram needs a value: type:expression after the probe' : 'a histogram takes one expression',
        spec.exprs[1]?.span ?? spec.target.span,
      );
    }
    const value = builder.integer(typed(spec, 0), 'a histogram value');
    plan.expressions.set(text, text.slice((spec.exprs[0] as ValueExpr).span.start, (spec.exprs[0] as ValueExpr).span.end).trim());
    const linear = linearBuckets(params);
    config = probeConfig(linear ? Action.linear : Action.hist, builder, builder.filter(spec.filter));
    // $latency is in ns; the heat map's axis is µs.
    const isLatency = spec.exprs[0]?.kind === 'builtin' && spec.exprs[0].name === 'latency';
    config.value = isLatency ? { ...value.plan, divisor: value.plan.divisor * 1000n } : value.plan;
    if (linear) {
      config.linear = {
        min: BigInt(linear.min),
        step: BigInt(linear.step),
        buckets: (linear.max - linear.min) / linear.step,
        // A masked or divided value is unsigned; a negative min then takes in everything below its buckets' start.
        signed: value.type.kind === 'integer' && value.type.signed && !isLatency,
      };
    }
    plan.histograms++;
  } else {
    const keys: ReadValue[] = [];
    let stringKey: ReadValue | undefined;
    spec.exprs.forEach((_, index) => {
      const type = spec.types[index];
      const expr = typed(spec, index);
      if (type && type.pointers === 1 && /char$/.test(type.base)) {
        if (stringKey) throw new SpecProblem('a count is keyed by one string at most', expr.span);
        stringKey = builder.string(expr, 'a string key');
        probe.stringKey = stringKey.text;
      } else {
        if (keys.length >= PROBE_MAX_KEYS) throw new SpecProblem(`a count is keyed by at most ${PROBE_MAX_KEYS} numbers`, expr.span);
        const key = builder.integer(expr, 'a key');
        keys.push(key);
        probe.keys.push({ name: key.text, type: key.type });
      }
    });
    config = probeConfig(Action.count, builder, builder.filter(spec.filter));
    config.keys = keys.map((key) => key.plan);
    if (stringKey) config.keyString = stringKey.field;
  }
  const attached = builder.usesLatency ? addLatencyStarts(plan.plan, context, points) : points;
  plan.probes.set(addProbe(plan.plan, config, builder, attached), probe);
}

function compileArgdist(params: ArgdistParams, features: FeatureSource): ArgdistPlan {
  const plan: ArgdistPlan = { plan: emptyPlan(), probes: new Map(), histograms: 0, expressions: new Map() };
  params.histogram.forEach((text, index) =>
    withSpec('argdist', { param: 'histogram', index }, text, () => compileSpec(plan, text, 'histogram', params, features)),
  );
  params.count.forEach((text, index) => withSpec('argdist', { param: 'count', index }, text, () => compileSpec(plan, text, 'count', params, features)));
  return plan;
}

const plans = new PlanCache<ArgdistParams, ArgdistPlan>(compileArgdist);

/** The linear buckets the params ask for (--linear min,max,step), validated by the schema. */
function linearBuckets(params: ArgdistParams): LinearBuckets | undefined {
  if (!params.linear) return undefined;
  const [min = 0, max = 0, step = 1] = params.linear;
  return { kind: 'linear', min, max, step };
}

/** What -H counts: the expression of its specifiers when they share one (`args->count`), else "value"; µs for $latency. */
function argdistValues(params: ArgdistParams): string | undefined {
  const expressions = new Set(params.histogram.map((text) => plans.get(params).expressions.get(text) ?? 'value'));
  if (expressions.size === 0) return undefined;
  if (expressions.size === 1 && expressions.has('$latency')) return undefined;
  return expressions.size === 1 ? ([...expressions][0] as string) : 'value';
}

function formatKeyValue(raw: bigint, type: ValueType): string {
  if (type.kind === 'integer') return (type.signed ? BigInt.asIntN(type.size * 8, raw) : BigInt.asUintN(type.size * 8, raw)).toString();
  return `0x${raw.toString(16)}`;
}

/** bcc's EVENT: `name = value` for each part of the key. */
export function argdistEvent(key: Buffer, probe: ArgdistProbe | undefined): string {
  if (!probe) return '?';
  const parts = probe.keys.map((part, index) => `${part.name} = ${formatKeyValue(key.readBigUInt64LE(ProbeKeyOffset.values + index * 8), part.type)}`);
  if (probe.stringKey !== undefined) parts.push(`${probe.stringKey} = ${cString(key, ProbeKeyOffset.string, PROBE_KEY_STR_LEN)}`);
  return parts.length > 0 ? parts.join(', ') : 'calls';
}

export const argdist: TableToolDefinition<ArgdistParams, ArgdistRow> = {
  name: 'argdist',
  // A user's spec: operator tokens only, a CPU budget and a time to live, whatever it attaches to.
  custom: true,
  title: 'Argument distributions',
  description: "bcc's argdist: a histogram of any value a tracepoint or function sees (-H, a heat map), or counts of its values (-C, a table per interval)",
  howItWorks:
    'One prebuilt BPF program reads the values the specifier names (tracepoint fields from tracefs, arguments from registers, $retval, $latency) and aggregates them in the kernel: log2 histograms for -H (or linear buckets with --linear min,max,step, as in bpftrace lhist), counts by key for -C, read once per second and per interval. Histogram slots count plain values (the session says which, in `values`), except $latency, which is in µs.',
  category: 'processes',
  outputKind: 'table',
  objectFile: CUSTOM_PROBE_OBJECT,
  structs: [
    { struct: 'probe_key', offsets: ProbeKeyOffset, size: PROBE_KEY_SIZE },
    { struct: 'probe_count', offsets: ProbeCountOffset, size: 8 },
    histogramStruct,
    { struct: 'probe_linear', size: PROBE_LINEAR_SLOTS * 8 },
    ...customProbeConfigStructs,
  ],
  paramsSchema: argdistParams,
  attachMethods: customProbeAttachMethods,
  cli: { verbatim: ['histogram', 'count'], histograms: true },
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'PROBE', key: 'probe', width: 24, display: 'text', align: 'left' },
    // bcc: "\t%-10s %s", COUNT EVENT.
    { header: 'COUNT', key: 'count', width: 10, display: 'integer', align: 'left' },
    { header: 'EVENT', key: 'event', width: 0, display: 'text', align: 'left' },
  ],
  configure(object, params) {
    const { plan } = plans.renew(params);
    configurePlan(
      object,
      plan,
      { pid: params.pid },
      {
        counts: params.count.length > 0 ? MAX_COUNT_KEYS : 1,
        hists: params.histogram.length > 0 && !params.linear ? MAX_HISTOGRAMS : 1,
        linearHists: params.histogram.length > 0 && params.linear ? MAX_LINEAR_HISTOGRAMS : 1,
      },
    );
  },
  attach: (object, params) => attachPlan(object, plans.get(params).plan),
  attachedWith: (params) => attachedWith(plans.get(params).plan),
  intervalRows: {
    intervalMs: (params) => params.interval * 1000,
    open(object, params) {
      const { probes } = plans.get(params);
      const counts = new GrowingCountsReader(object, 'counts', { maxKeys: object.map('counts').maxEntries });
      const linear = linearBuckets(params);
      const histograms = linear
        ? new GrowingCountsReader(object, 'linear_hists', {
            maxKeys: object.map('linear_hists').maxEntries,
            counts: (value) => decodeHistogramSlots(value, linearSlotCount(linear)),
          })
        : new GrowingCountsReader(object, 'hists', { maxKeys: object.map('hists').maxEntries });
      return {
        read({ endsAt }) {
          const rows: ArgdistRow[] = counts.read().map(({ key, counts: [count = 0] }) => {
            const probe = probes.get(key.readUInt32LE(ProbeKeyOffset.slot));
            return { time: endsAt, probe: probe?.label ?? '?', count, event: argdistEvent(key, probe) };
          });
          rows.sort((a, b) => a.probe.localeCompare(b.probe) || b.count - a.count);
          const perProbe = new Map<string, number>();
          const shown = rows.filter((row) => {
            const rank = (perProbe.get(row.probe) ?? 0) + 1;
            perProbe.set(row.probe, rank);
            return params.top === undefined || rank <= params.top;
          });
          // The values histograms counted are events too, though they make no row.
          const histogramEvents = histograms.read().reduce((sum, { counts: slots }) => sum + slots.reduce((a, b) => a + b, 0), 0);
          return { rows: shown, events: rows.reduce((sum, row) => sum + row.count, 0) + histogramEvents };
        },
      };
    },
  },
  histogram: {
    source: 'map',
    map: 'hists',
    measure: 'values (argdist -H)',
    // $latency is timed in µs; anything else is a plain value (a size, a count), drawn without a time unit.
    unit: (params) => (argdistValues(params) === undefined && params.histogram.length > 0 ? 'usecs' : 'values'),
    keyName: (params) => (params.histogram.length > 1 ? 'probe' : undefined),
    values: (params) => argdistValues(params),
    keyLabel: (key, params) => (params.histogram.length > 1 ? (plans.get(params).probes.get(key.readUInt32LE(ProbeKeyOffset.slot))?.label ?? '?') : ''),
    linear: { map: 'linear_hists', buckets: linearBuckets },
  },
};

/** The attach points an argdist session would have (for a count shown before attaching), checking every specifier. */
export function argdistPlan(params: ArgdistParams, features?: FeatureSource): ProbePlan {
  return plans.renew(params, features).plan;
}
