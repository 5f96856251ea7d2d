import { z } from 'zod';
import { SpecProblem, parseTraceSpec } from '@bpfscope/formats';
import type { FormatPart, TraceSpec } from '@bpfscope/formats';
import { cString } from '../../encode.js';
import { Action, addLatencyStarts, addProbe, coveringTracepoint, emptyPlan, probeConfig, resolveTarget, ProbeBuilder } from '../../customProbe/compile.js';
import type { ProbePlan, ValueType } from '../../customProbe/compile.js';
import { PlanCache, attachedWith, customProbeAttachMethods, specString, targetParams, tidParam, withSpec } from '../../customProbe/customTool.js';
import { CUSTOM_PROBE_OBJECT, attachPlan, configurePlan, customProbeConfigStructs } from '../../customProbe/load.js';
import { formatMessage } from '../../customProbe/printf.js';
import type { PrintfValue } from '../../customProbe/printf.js';
import type { FeatureSource } from '../../capabilities/capabilities.js';
import { findTracepointFormat } from '../../tracefs/format.js';
import type { TableToolDefinition } from '../types.js';

// Mirrors struct probe_event in customprobe.h.
export const ProbeEventOffset = {
  timestampNs: 0,
  pid: 8,
  tid: 12,
  point: 16,
  cpu: 20,
  userStackId: 24,
  kernelStackId: 28,
  comm: 32,
  values: 48,
  strings: 112,
} as const;
export const PROBE_EVENT_SIZE = 624;
const COMM_LEN = 16;
const STRING_LEN = 128;

export const traceParams = z
  .object({
    probes: z
      .array(specString('a probe as bcc trace takes it: probe [(filter)] ["format", args...]'))
      .min(1)
      .max(8)
      .describe(
        'probes as bcc\'s trace takes them, e.g. t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count; p:c:malloc(size_t size) (size > 4096) "%d", size; r:c:malloc "ret %p", retval',
      ),
    ...targetParams,
    tid: tidParam,
  })
  .strict();

export type TraceParams = z.infer<typeof traceParams>;

export interface TraceRow {
  /** When the event happened, epoch ms. */
  time: number;
  pid: number;
  tid: number;
  comm: string;
  /** The tracepoint or function that fired (bcc's FUNC). */
  func: string;
  /** The format applied to the values read ('' without a format). */
  message: string;
  /** The values printed, in order: numbers, strings, or decimal strings beyond 2^53 (JSON only). */
  args: Array<number | string>;
  /** Which of the session's probes fired (index in `probes`). */
  probe: number;
}

/** How one printed argument is found in the record. */
interface TraceArgument {
  field: number;
  /** The string slot for %s. */
  slot?: number;
  type: ValueType;
}

interface TraceProbePlan {
  /** Index in params.probes. */
  spec: number;
  format: FormatPart[];
  args: TraceArgument[];
}

interface TracePlan {
  plan: ProbePlan;
  /** By the kernel's probe index (latency starts have none). */
  probes: Map<number, TraceProbePlan>;
}

/**
 * The talk's example, `sys_read (arg3 > 20000) "read %d bytes", arg3`, on a kernel
 * without kprobes: the same probe on the syscall's tracepoint, its argument
 * number N becoming the tracepoint's Nth field.
 */
function tracepointSuggestion(spec: TraceSpec): string | undefined {
  const { target } = spec;
  if (target.kind !== 'function' || target.library !== '') return undefined;
  const covering = coveringTracepoint(target.function, target.retprobe);
  if (!covering) return undefined;
  const format = findTracepointFormat(covering.category, covering.name);
  const fields = format?.fields.filter((field) => !field.common && field.name !== '__syscall_nr') ?? [];
  const replacements: Array<{ start: number; end: number; text: string }> = [
    { start: target.span.start, end: target.span.end, text: `t:${covering.category}:${covering.name}` },
  ];
  const text = spec.text;
  // Arguments by number, and signature names by position, become args->field.
  const names = new Map<string, number>((spec.signature ?? []).map((param, index) => [param.name, index]));
  const pattern = /\b(arg([1-6])|retval|\$retval|[A-Za-z_]\w*)\b/g;
  const after = spec.signature ? text.indexOf(')', target.span.end) + 1 || target.span.end : target.span.end;
  if (spec.signature) replacements.push({ start: target.span.end, end: after, text: '' });
  let inString = false;
  for (let at = after; at < text.length; at++) {
    if (text[at] === '"' && text[at - 1] !== '\\') inString = !inString;
    if (inString) continue;
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match || match.index !== at) continue;
    const word = match[0];
    const position = match[2] !== undefined ? Number(match[2]) - 1 : names.get(word);
    const field = position === undefined ? undefined : fields[position];
    if (field && text.slice(Math.max(0, at - 6), at) !== 'args->') replacements.push({ start: at, end: at + word.length, text: `args->${field.name}` });
    if ((word === 'retval' || word === '$retval') && covering.name.startsWith('sys_exit_'))
      replacements.push({ start: at, end: at + word.length, text: 'args->ret' });
    at += word.length - 1;
  }
  replacements.sort((a, b) => b.start - a.start);
  let suggestion = text;
  for (const { start, end, text: replacement } of replacements) suggestion = suggestion.slice(0, start) + replacement + suggestion.slice(end);
  return suggestion.trim();
}

function compileTrace(params: TraceParams, features: FeatureSource): TracePlan {
  const plan = emptyPlan();
  const probes = new Map<number, TraceProbePlan>();
  params.probes.forEach((text, index) => {
    withSpec('trace', { param: 'probes', index }, text, () => {
      const spec = parseTraceSpec(text);
      let points;
      try {
        points = resolveTarget(spec.target, { features, pid: params.pid, pointsSoFar: plan.points.length });
      } catch (error) {
        // Suggest the whole probe rewritten for the tracepoint, not only its target.
        if (error instanceof SpecProblem && error.options.suggestion !== undefined) {
          throw new SpecProblem(error.message, error.span, { ...error.options, suggestion: tracepointSuggestion(spec) ?? error.options.suggestion });
        }
        throw error;
      }
      const returns = spec.target.kind === 'function' && spec.target.retprobe;
      const context = { spec: text, target: spec.target, points, returns, ...(spec.signature ? { signature: spec.signature } : {}) };
      const builder = new ProbeBuilder(context);
      const conversions = (spec.format?.parts ?? []).flatMap((part) => (part.kind === 'conversion' ? [part.conversion] : []));
      const values = spec.args.map((arg, argIndex) => builder.formatted(arg, conversions[argIndex]?.conversion ?? 'd'));
      const ops = builder.filter(spec.filter);
      const config = probeConfig(Action.emit, builder, ops);
      // $latency: the functions' entries are stamped by a probe of their own.
      const attachedPoints = builder.usesLatency ? addLatencyStarts(plan, context, points) : points;
      const args = values.map((value, argIndex): TraceArgument => {
        const argument: TraceArgument = { field: value.field, type: value.type };
        if (conversions[argIndex]?.conversion === 's') argument.slot = builder.slotOf(value.field);
        return argument;
      });
      const probe = addProbe(plan, config, builder, attachedPoints);
      probes.set(probe, { spec: index, format: spec.format?.parts ?? [], args });
    });
  });
  return { plan, probes };
}

const plans = new PlanCache<TraceParams, TracePlan>(compileTrace);

/** What a point is called in FUNC: a tracepoint's event name (as bcc prints it), a function's name. */
function funcName(plan: ProbePlan, point: number): string {
  const found = plan.points[point];
  if (!found) return `point ${point}`;
  return found.attachment.kind === 'tracepoint' || found.attachment.kind === 'syscall' ? (found.name.split(':')[1] ?? found.name) : found.name;
}

function jsonValue(value: PrintfValue): number | string {
  if (value.kind === 'string') return value.value;
  const number = value.signed ? BigInt.asIntN(value.size * 8, value.value) : BigInt.asUintN(value.size * 8, value.value);
  return Number.isSafeInteger(Number(number)) ? Number(number) : number.toString();
}

export function decodeTraceEvent(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number, session: { params: TraceParams }): TraceRow {
  const { plan, probes } = plans.get(session.params);
  const point = record.readUInt32LE(ProbeEventOffset.point);
  const probeIndex = plan.points[point]?.probe ?? -1;
  const probe = probes.get(probeIndex);
  const values: PrintfValue[] = (probe?.args ?? []).map((argument) => {
    if (argument.slot !== undefined) return { kind: 'string', value: cString(record, ProbeEventOffset.strings + argument.slot * STRING_LEN, STRING_LEN) };
    const raw = record.readBigUInt64LE(ProbeEventOffset.values + argument.field * 8);
    const type = argument.type;
    return type.kind === 'integer'
      ? { kind: 'integer', value: raw, size: type.size, signed: type.signed }
      : { kind: 'integer', value: raw, size: 8, signed: false };
  });
  return {
    time: toWallClockMs(record.readBigUInt64LE(ProbeEventOffset.timestampNs)),
    pid: record.readUInt32LE(ProbeEventOffset.pid),
    tid: record.readUInt32LE(ProbeEventOffset.tid),
    comm: cString(record, ProbeEventOffset.comm, COMM_LEN),
    func: funcName(plan, point),
    message: probe ? formatMessage(probe.format, values) : '',
    args: values.map(jsonValue),
    probe: probe?.spec ?? -1,
  };
}

/** The attach points a trace session would have (for a count shown before attaching), checking every spec. */
export function tracePlan(params: TraceParams, features?: FeatureSource): ProbePlan {
  return plans.renew(params, features).plan;
}

export const trace: TableToolDefinition<TraceParams, TraceRow> = {
  name: 'trace',
  // A user's spec: operator tokens only, a CPU budget and a time to live, whatever it attaches to.
  custom: true,
  title: 'Trace custom probes',
  description:
    "bcc's trace: prints a line for each event of any tracepoint or user function that passes a filter, with a printf-style message of its arguments",
  howItWorks:
    'One prebuilt BPF program, configured at load time from the probe spec (fields, filter, what to print), attached to every tracepoint or function the spec names; no compiler runs on the host. Tracepoint fields come from tracefs, function arguments from registers; a wildcard over syscall tracepoints attaches once to raw_syscalls.',
  category: 'processes',
  outputKind: 'table',
  objectFile: CUSTOM_PROBE_OBJECT,
  structs: [{ struct: 'probe_event', offsets: ProbeEventOffset, size: PROBE_EVENT_SIZE }, ...customProbeConfigStructs],
  paramsSchema: traceParams,
  attachMethods: customProbeAttachMethods,
  cli: { positional: 'probes', verbatim: ['probes'] },
  ringBufferMap: 'events',
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left' },
    { header: 'PID', key: 'pid', width: 7, display: 'integer', align: 'left' },
    { header: 'TID', key: 'tid', width: 7, display: 'integer', align: 'left' },
    { header: 'COMM', key: 'comm', width: 15, display: 'text', align: 'left' },
    { header: 'FUNC', key: 'func', width: 16, display: 'text', align: 'left' },
    // bcc trace's header for the message is "-".
    { header: '-', key: 'message', width: 0, display: 'text', align: 'left' },
  ],
  configure(object, params) {
    const { plan } = plans.renew(params);
    configurePlan(object, plan, { pid: params.pid, tid: params.tid });
  },
  attach(object, params) {
    attachPlan(object, plans.get(params).plan);
  },
  attachedWith: (params) => attachedWith(plans.get(params).plan),
  decode: decodeTraceEvent,
};
