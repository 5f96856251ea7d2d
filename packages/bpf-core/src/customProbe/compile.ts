// From parsed specs to what customprobe.bpf.c runs: attach points (each a
// tracepoint, a syscall number, a uprobe at a file offset or a kprobe), and per
// probe the fields to read, the filter as postfix steps, and what to do with an
// event. Every name and type is checked here, against tracefs and the ELF
// files, so a wrong spec fails with its position before anything is loaded.
import { SpecProblem } from '@bpfscope/formats';
import type { Builtin, CType, Filter, ProbeTarget, SignatureParam, Span, ValueExpr } from '@bpfscope/formats';
import type { FeatureSource } from '../capabilities/capabilities.js';
import { ToolError } from '../errors.js';
import { syscallNumbers } from './syscalls.js';
import { MAX_ATTACH_POINTS, kernelFunctions, resolveFunctions, resolveLibrary } from './targets.js';
import { findTracepointFormat, readAvailableEvents } from '../tracefs/format.js';
import { globToRegExp, hasWildcard } from './glob.js';
import type { ProbeRecord, RecordField } from './recordFields.js';
import { integerType, probeRecord } from './recordFields.js';
import { USDT_MAX_ARGS, ptRegsOffset, readUsdtSites } from './usdt.js';
import type { UsdtArg, UsdtSite } from './usdt.js';

// Mirrors customprobe.h.
export const PROBE_MAX_PROBES = 8;
export const PROBE_MAX_POINTS = 1024;
export const PROBE_MAX_FIELDS = 8;
export const PROBE_MAX_STRINGS = 4;
export const PROBE_STR_LEN = 128;
export const PROBE_MAX_OPS = 16;
export const PROBE_MAX_CONSTS = 4;
export const PROBE_CONST_LEN = 64;
export const PROBE_MAX_KEYS = 4;
export const PROBE_KEY_STR_LEN = 64;
export const PROBE_SYSCALLS = 1024;
export const PROBE_NO_FIELD = 0xff;
export const PROBE_NO_POINT = 0xffff;
export const PROBE_COOKIE_SYSCALLS = 2 ** 32;
export const PROBE_LINEAR_BUCKETS = 1000;
export const PROBE_LINEAR_SLOTS = PROBE_LINEAR_BUCKETS + 2;

export const Source = {
  none: 0,
  record: 1,
  arg: 2,
  ret: 3,
  pid: 4,
  tid: 5,
  uid: 6,
  gid: 7,
  cpu: 8,
  comm: 9,
  latency: 10,
  usdtRegister: 11,
  usdtMemory: 12,
  usdtConstant: 13,
} as const;
export const StringKind = { none: 0, array: 1, dataLoc: 2, user: 3, kernel: 4, any: 5 } as const;
export const OpCode = { cmp: 1, and: 2, or: 3, not: 4 } as const;
export const Cmp = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5, strEq: 6, strNe: 7 } as const;
export const Action = { emit: 1, countPoint: 2, count: 3, hist: 4, stack: 5, start: 6, linear: 7 } as const;
export const StackFlags = { user: 1, kernel: 2 } as const;

/** struct probe_field. */
export interface PlannedField {
  source: number;
  size: number;
  isSigned: boolean;
  string: number;
  slot: number;
  offset: number;
  length: number;
  /** A USDT argument: the register's offset in struct pt_regs, and the constant or the displacement from it. */
  usdt?: { register: number; value: bigint };
}

/** struct probe_value: ((field >> shift) & mask) / divisor, or 1 without a field. */
export interface ValuePlan {
  field: number;
  shift: number;
  mask: bigint;
  divisor: bigint;
}

/** struct probe_op. */
export interface OpPlan {
  code: number;
  cmp: number;
  isSigned: boolean;
  constant: number;
  value: ValuePlan;
  operand: bigint;
}

/** struct probe_config. */
export interface ProbeConfigPlan {
  action: number;
  nfields: number;
  ops: OpPlan[];
  keys: ValuePlan[];
  keyString: number;
  keyByPoint: boolean;
  stacks: number;
  value: ValuePlan;
  consts: string[];
  /** Action.linear: slot 0 below min, slot i in [min + (i - 1) step, min + i step), slot buckets + 1 from max up. */
  linear?: { min: bigint; step: bigint; buckets: number; signed: boolean };
}

export type Attachment =
  | { kind: 'tracepoint'; category: string; name: string }
  /** A syscalls:sys_{enter,exit}_<name> tracepoint served by the probe's raw_syscalls attachment. */
  | { kind: 'syscall'; direction: 'enter' | 'exit'; nr: number }
  /** `usdt`: a USDT site, with its semaphore (0: none) and how it passes its arguments. */
  | { kind: 'uprobe'; binary: string; fileOffset: number; symbol: string; retprobe: boolean; usdt?: { semaphoreOffset: number; args: UsdtArg[] } }
  | { kind: 'kprobe'; function: string; retprobe: boolean };

export interface PointPlan {
  probe: number;
  /** What the point is called in output: the tracepoint (`syscalls:sys_enter_read`), the function (`malloc`). */
  name: string;
  attachment: Attachment;
  fields: PlannedField[];
}

/** Everything configure and attach need, and what decoders need to name points. */
export interface ProbePlan {
  probes: ProbeConfigPlan[];
  points: PointPlan[];
  /** The programs of customprobe.bpf.o this plan loads. */
  programs: string[];
  pid?: number;
  tid?: number;
}

export const NO_VALUE: ValuePlan = { field: PROBE_NO_FIELD, shift: 0, mask: 0n, divisor: 1n };
const ALL_BITS = 0xffff_ffff_ffff_ffffn;

/** What a value is, for type checks and printing. */
export type ValueType =
  | { kind: 'integer'; size: number; signed: boolean; typeName: string; untyped?: boolean }
  | { kind: 'pointer'; charPointer: boolean; typeName: string }
  | { kind: 'string'; typeName: string };

/** A value as a probe reads it: which field, transformed how, and its type. */
export interface ReadValue {
  plan: ValuePlan;
  type: ValueType;
  /** The field read (even with a transform), for strings and printing. */
  field: number;
  span: Span;
  /** Printable name, as written in the spec. */
  text: string;
}

// ---------------------------------------------------------------------------
// Attach points
// ---------------------------------------------------------------------------

export interface ResolvedPoint {
  name: string;
  attachment: Attachment;
  /** A return point's entry point in the plan, which $latency measures from. */
  entryPoint?: number;
  /** Tracepoints: the record layout (read when a field is used). */
  format?: () => ProbeRecord;
}

export interface ResolveOptions {
  features: FeatureSource;
  pid?: number;
  /** Attach points already taken by the session's other probes. */
  pointsSoFar: number;
}

/** Wildcards over more syscall tracepoints than this are attached once to raw_syscalls. */
const SYSCALL_DISPATCH_MIN = 4;

function limitProblem(count: number, what: string, span: Span): SpecProblem {
  return new SpecProblem(
    `matches ${count.toLocaleString('en-US')} ${what}: at most ${MAX_ATTACH_POINTS.toLocaleString('en-US')} attach points a session`,
    span,
  );
}

/** The tracepoints, functions or symbols a target names, each an attach point. */
export function resolveTarget(target: ProbeTarget, options: ResolveOptions): ResolvedPoint[] {
  const room = MAX_ATTACH_POINTS - options.pointsSoFar;
  switch (target.kind) {
    case 'tracepoint':
      return resolveTracepoints(target, options, room);
    case 'function': {
      if (target.library === '') return resolveKernelFunctions(target, options, room);
      const uprobe = options.features.feature('uprobe');
      if (!uprobe.available)
        throw new SpecProblem(`uprobes are not available on this kernel: ${uprobe.reason ?? 'unknown reason'}`, target.span, { code: 'UNAVAILABLE' });
      const binary = resolveLibrary(target.library, target.librarySpan, options.pid);
      const sites = resolveFunctions(binary, target.function, target.functionSpan, { limit: room });
      return sites.map((site) => ({
        name: site.symbol,
        attachment: { kind: 'uprobe', binary: site.binary, fileOffset: site.fileOffset, symbol: site.symbol, retprobe: target.retprobe },
      }));
    }
    case 'usdt':
      return resolveUsdt(target, options, room);
    default: {
      const unreachable: never = target;
      return unreachable;
    }
  }
}

/** The sites of a USDT probe (u:library:[provider:]probe, the probe a glob), each a uprobe with its semaphore. */
function resolveUsdt(target: Extract<ProbeTarget, { kind: 'usdt' }>, options: ResolveOptions, room: number): ResolvedPoint[] {
  const uprobe = options.features.feature('uprobe');
  if (!uprobe.available)
    throw new SpecProblem(`uprobes are not available on this kernel: ${uprobe.reason ?? 'unknown reason'}`, target.span, { code: 'UNAVAILABLE' });
  const binary = resolveLibrary(target.library, target.librarySpan, options.pid);
  let sites: UsdtSite[];
  try {
    sites = readUsdtSites(binary);
  } catch (error) {
    // Pointed at the library in the spec: a file that is not ELF, or that cannot be opened.
    if (error instanceof ToolError) throw new SpecProblem(error.message, target.librarySpan);
    throw error;
  }
  if (sites.length === 0) throw new SpecProblem(`${binary} has no USDT probes (no .note.stapsdt notes)`, target.librarySpan);
  const name = globToRegExp(target.probe);
  const provider = target.provider === undefined ? undefined : globToRegExp(target.provider);
  const matches = sites.filter((site) => name.test(site.name) && (provider === undefined || provider.test(site.provider)));
  if (matches.length === 0) {
    const known = [...new Set(sites.map((site) => `${site.provider}:${site.name}`))].sort();
    const shown = known.slice(0, 12).join(', ');
    throw new SpecProblem(
      `no USDT probe ${target.provider === undefined ? '' : `${target.provider}:`}${target.probe} in ${binary}; it has ${shown}${known.length > 12 ? ` and ${known.length - 12} more` : ''}`,
      target.probeSpan,
    );
  }
  if (matches.length > room) throw limitProblem(matches.length, 'USDT sites', target.span);
  return matches.map((site) => ({
    name: `${site.provider}:${site.name}`,
    attachment: {
      kind: 'uprobe',
      binary,
      fileOffset: site.fileOffset,
      symbol: `${site.provider}:${site.name}`,
      retprobe: false,
      usdt: { semaphoreOffset: site.semaphoreOffset, args: site.args },
    },
  }));
}

function resolveTracepoints(target: Extract<ProbeTarget, { kind: 'tracepoint' }>, options: ResolveOptions, room: number): ResolvedPoint[] {
  const tracepoint = options.features.feature('tracepoint');
  if (!tracepoint.available)
    throw new SpecProblem(`tracepoints are not available on this kernel: ${tracepoint.reason ?? 'unknown reason'}`, target.span, { code: 'UNAVAILABLE' });
  let matches: Array<{ category: string; name: string }>;
  if (!hasWildcard(target.category) && !hasWildcard(target.event)) {
    if (!findTracepointFormat(target.category, target.event)) throw unknownTracepoint(target);
    matches = [{ category: target.category, name: target.event }];
  } else {
    const category = globToRegExp(target.category);
    const event = globToRegExp(target.event);
    matches = readAvailableEvents().filter((candidate) => category.test(candidate.category) && event.test(candidate.name));
    if (matches.length === 0) throw new SpecProblem(`no tracepoint matches ${target.category}:${target.event}`, target.span);
    if (matches.length > room) throw limitProblem(matches.length, 'tracepoints', target.span);
    matches.sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
  }
  const numbers = syscallNumbers();
  const direction = matches.every((match) => match.category === 'syscalls' && match.name.startsWith('sys_enter_'))
    ? 'enter'
    : matches.every((match) => match.category === 'syscalls' && match.name.startsWith('sys_exit_'))
      ? 'exit'
      : undefined;
  const dispatch = direction !== undefined && numbers !== undefined && matches.length >= SYSCALL_DISPATCH_MIN;
  const formats = new Map<string, ProbeRecord>();
  return matches.map(({ category, name }) => {
    const format = () => {
      const key = `${category}:${name}`;
      let found = formats.get(key);
      if (!found) {
        const format = findTracepointFormat(category, name);
        if (!format) throw new SpecProblem(`tracepoint ${key} went away while the probe was prepared`, target.span);
        found = probeRecord(category, format);
        formats.set(key, found);
      }
      return found;
    };
    const nr = dispatch ? numbers?.get(name.slice(direction === 'enter' ? 'sys_enter_'.length : 'sys_exit_'.length)) : undefined;
    const attachment: Attachment = nr !== undefined && direction !== undefined ? { kind: 'syscall', direction, nr } : { kind: 'tracepoint', category, name };
    return { name: `${category}:${name}`, attachment, format };
  });
}

function unknownTracepoint(target: Extract<ProbeTarget, { kind: 'tracepoint' }>): SpecProblem {
  const all = readAvailableEvents();
  const sameName = all.filter((candidate) => candidate.name === target.event).map((candidate) => `t:${candidate.category}:${candidate.name}`);
  if (sameName.length > 0) return new SpecProblem(`no tracepoint ${target.category}:${target.event}; there is ${sameName.slice(0, 3).join(', ')}`, target.span);
  const inCategory = all.some((candidate) => candidate.category === target.category);
  if (!inCategory) return new SpecProblem(`no tracepoint category "${target.category}" on this kernel`, target.categorySpan);
  return new SpecProblem(`no tracepoint ${target.category}:${target.event} on this kernel`, target.eventSpan);
}

/**
 * The tracepoint that sees what a kernel function does, for kernels without
 * kprobes: a syscall's entry point is its syscalls:sys_enter_ (or, returning,
 * sys_exit_) tracepoint; a function with a tracepoint of its name has that one.
 */
export function coveringTracepoint(functionName: string, retprobe: boolean): { category: string; name: string } | undefined {
  const syscall =
    /^(?:__x64_|__arm64_|__ia32_|__se_|__do_|__)?sys_(\w+)$/.exec(functionName)?.[1] ??
    /^ksys_(\w+)$/.exec(functionName)?.[1] ??
    (/^do_sys_open(at2)?$/.test(functionName) ? 'openat' : undefined);
  if (syscall !== undefined) {
    const name = `sys_${retprobe ? 'exit' : 'enter'}_${syscall}`;
    if (findTracepointFormat('syscalls', name)) return { category: 'syscalls', name };
  }
  const sameName = readAvailableEvents().find((candidate) => candidate.name === functionName);
  return sameName;
}

function resolveKernelFunctions(target: Extract<ProbeTarget, { kind: 'function' }>, options: ResolveOptions, room: number): ResolvedPoint[] {
  const kprobe = options.features.feature('kprobe');
  if (!kprobe.available) {
    const covering = hasWildcard(target.function) ? undefined : coveringTracepoint(target.function, target.retprobe);
    const advice = covering
      ? `: the tracepoint t:${covering.category}:${covering.name} covers it`
      : '; use a tracepoint (t:category:event) or a uprobe (p:library:function)';
    throw new SpecProblem(
      `no kprobes on this kernel (${kprobe.reason ?? 'refused'}), so kernel function ${target.function} cannot be probed${advice}`,
      target.span,
      {
        code: 'UNAVAILABLE',
        ...(covering ? { suggestion: `t:${covering.category}:${covering.name}` } : {}),
      },
    );
  }
  const functions = kernelFunctions(target.function);
  if (functions.length === 0)
    throw new SpecProblem(`no kernel function ${target.function} can be probed (not in available_filter_functions)`, target.functionSpan);
  if (functions.length > room) throw limitProblem(functions.length, 'kernel functions', target.functionSpan);
  return functions.map((name) => ({ name, attachment: { kind: 'kprobe', function: name, retprobe: target.retprobe } }));
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

function typeOfCType(type: CType, what: string): ValueType {
  if (type.pointers > 0) return { kind: 'pointer', charPointer: type.pointers === 1 && /^(unsigned |signed )?char$/.test(type.base), typeName: type.text };
  const integer = integerType(type.base);
  if (integer) return { kind: 'integer', ...integer, typeName: type.text };
  if (/^(struct|union|enum) /.test(type.base)) {
    if (type.base.startsWith('enum ')) return { kind: 'integer', size: 4, signed: false, typeName: type.text };
    throw new SpecProblem(`${what} is a ${type.text}, not a number or a string: only pointers to it (${type.text} *) can be read`, type.span);
  }
  throw new SpecProblem(`unknown type "${type.text}": use a C integer type (int, long, size_t, u64...), char * or a pointer`, type.span);
}

function typeOfTracepointField(field: RecordField): ValueType {
  switch (field.kind) {
    case 'integer':
      return { kind: 'integer', size: field.valueSize, signed: field.valueSigned, typeName: field.type };
    case 'pointer':
      return { kind: 'pointer', charPointer: /\bchar\s*\*$/.test(field.type), typeName: field.type };
    case 'charArray':
    case 'dataLocString':
      return { kind: 'string', typeName: field.type };
    case 'other':
      return { kind: 'string', typeName: field.type };
    default: {
      const unreachable: never = field.kind;
      return unreachable;
    }
  }
}

const isStringCapable = (type: ValueType) =>
  type.kind === 'string' || (type.kind === 'pointer' && type.charPointer) || (type.kind === 'integer' && type.untyped === true);
const isNumeric = (type: ValueType) => type.kind === 'integer' || type.kind === 'pointer';
const signedType = (type: ValueType) => type.kind === 'integer' && type.signed;

function exprText(spec: string, span: Span): string {
  return spec.slice(span.start, span.end).trim();
}

// ---------------------------------------------------------------------------
// One probe's fields, filter and values
// ---------------------------------------------------------------------------

type FieldRef = { kind: 'record'; name: string } | { kind: 'arg'; index: number } | { kind: 'ret' } | { kind: 'builtin'; name: Builtin };

interface LogicalField {
  key: string;
  ref: FieldRef;
  type: ValueType;
  wantsString: boolean;
  span: Span;
}

/** Where a probe attaches and what it may name: the context its expressions are checked in. */
export interface ProbeContext {
  /** The spec text, for error positions and printable names. */
  spec: string;
  target: ProbeTarget;
  signature?: SignatureParam[];
  points: ResolvedPoint[];
  /** A return probe (r:), where arguments are gone and retval is there. */
  returns: boolean;
}

/** Builds one probe's fields and filter, checking every name and type as it goes. */
export class ProbeBuilder {
  readonly fields: LogicalField[] = [];
  readonly consts: string[] = [];
  /** True once $latency is read: the probe needs a start at the function's entry. */
  usesLatency = false;

  constructor(readonly context: ProbeContext) {}

  /** A value used as a number (a filter operand, a key, a histogram's value, a %d). */
  integer(expr: ValueExpr, what: string): ReadValue {
    const value = this.#value(expr, false);
    if (!isNumeric(value.type)) {
      throw new SpecProblem(`${what}: ${value.text} is a string (${value.type.typeName}), not a number`, expr.span);
    }
    return value;
  }

  /** A value used as a string (%s, a string key, compared with a string). */
  string(expr: ValueExpr, what: string): ReadValue {
    const value = this.#value(expr, true);
    if (!isStringCapable(value.type)) {
      throw new SpecProblem(
        `${what}: ${value.text} is ${value.type.kind === 'pointer' ? 'a pointer' : 'an integer'} (${value.type.typeName}), not a string`,
        expr.span,
      );
    }
    if (value.plan.shift !== 0 || value.plan.mask !== ALL_BITS || value.plan.divisor !== 1n) {
      throw new SpecProblem(`${what}: a string cannot be masked, shifted or divided`, expr.span);
    }
    return value;
  }

  /** A printf argument: a string for %s, else a number. */
  formatted(expr: ValueExpr, conversion: string): ReadValue {
    return conversion === 's' ? this.string(expr, `%s`) : this.integer(expr, `%${conversion}`);
  }

  #value(expr: ValueExpr, wantsString: boolean, cast?: CType): ReadValue {
    const text = exprText(this.context.spec, expr.span);
    switch (expr.kind) {
      case 'number':
      case 'string':
        throw new SpecProblem(`expected something the probe reads (args->field, a parameter, $retval...), found a constant`, expr.span);
      case 'cast': {
        return this.#value(expr.operand, wantsString || (expr.type.pointers === 1 && /char$/.test(expr.type.base)), expr.type);
      }
      case 'binary': {
        const left = this.#value(expr.left, false, cast);
        if (!isNumeric(left.type)) throw new SpecProblem(`"${expr.op}" needs a number: ${left.text} is a string`, expr.left.span);
        const amount = expr.right.kind === 'number' ? expr.right.value : 0n;
        const plan = { ...left.plan };
        if (expr.op === '&') {
          if (plan.divisor !== 1n) throw new SpecProblem('mask before dividing: (x & mask) / n', expr.span);
          plan.mask &= amount;
        } else if (expr.op === '>>') {
          if (plan.mask !== ALL_BITS || plan.divisor !== 1n || plan.shift !== 0) throw new SpecProblem('shift first: (x >> n) & mask', expr.span);
          if (amount > 63n) throw new SpecProblem('a shift is at most 63', expr.right.span);
          plan.shift = Number(amount);
        } else {
          if (plan.divisor !== 1n) throw new SpecProblem('divide once', expr.span);
          plan.divisor = amount;
        }
        // Masked, shifted or divided values are compared as unsigned: they are no longer the field's own.
        return { ...left, plan, type: { kind: 'integer', size: 8, signed: false, typeName: 'u64' }, span: expr.span, text };
      }
      default: {
        const { ref, type } = this.#resolve(expr, cast);
        const field = this.#field(ref, type, wantsString, expr.span);
        return { plan: { field, shift: 0, mask: ALL_BITS, divisor: 1n }, type: (this.fields[field] as LogicalField).type, field, span: expr.span, text };
      }
    }
  }

  /** What a name in the spec refers to, and its type (a cast's where there is one). */
  #resolve(expr: Exclude<ValueExpr, { kind: 'number' | 'string' | 'cast' | 'binary' }>, cast?: CType): { ref: FieldRef; type: ValueType } {
    const { target, signature, returns } = this.context;
    const withCast = (type: ValueType): ValueType => (cast ? typeOfCType(cast, exprText(this.context.spec, expr.span)) : type);
    switch (expr.kind) {
      case 'field': {
        if (target.kind !== 'tracepoint') {
          throw new SpecProblem(
            `args->${expr.name} names a tracepoint's field: this probe is a function, whose arguments are arg1..arg6 or the names of its signature`,
            expr.span,
          );
        }
        let type: ValueType | undefined;
        for (const point of this.context.points) {
          const format = point.format?.();
          const field = format?.fields.find((candidate) => candidate.name === expr.name);
          if (!format || !field) {
            const names = format?.fields.map((candidate) => candidate.name).join(', ') ?? '';
            throw new SpecProblem(`${point.name} has no field "${expr.name}"${names ? `; its fields: ${names}` : ''}`, expr.span);
          }
          if (field.kind === 'other')
            throw new SpecProblem(`${point.name}'s field ${expr.name} is a ${field.type}: not a number or a string a probe can read`, expr.span);
          type ??= typeOfTracepointField(field);
        }
        return { ref: { kind: 'record', name: expr.name }, type: withCast(type ?? { kind: 'integer', size: 8, signed: false, typeName: 'u64' }) };
      }
      case 'name': {
        const index = signature?.findIndex((param) => param.name === expr.name) ?? -1;
        if (index >= 0) {
          const param = signature?.[index] as SignatureParam;
          this.#checkArgument(expr.span, index);
          return { ref: { kind: 'arg', index }, type: withCast(typeOfCType(param.type, param.name)) };
        }
        if (expr.name === 'comm') return { ref: { kind: 'builtin', name: 'comm' }, type: { kind: 'string', typeName: 'char[16]' } };
        if (expr.name === 'pid') return { ref: { kind: 'builtin', name: 'pid' }, type: { kind: 'integer', size: 4, signed: false, typeName: 'u32' } };
        if (expr.name === 'tid') return { ref: { kind: 'builtin', name: 'tid' }, type: { kind: 'integer', size: 4, signed: false, typeName: 'u32' } };
        if (target.kind === 'tracepoint') {
          const format = this.context.points[0]?.format?.();
          if (format?.fields.some((field) => field.name === expr.name))
            throw new SpecProblem(`a tracepoint's fields are read as args->${expr.name}`, expr.span);
          throw new SpecProblem(
            `unknown name "${expr.name}": a tracepoint's fields are args->name (${format?.fields.map((field) => field.name).join(', ') ?? ''})`,
            expr.span,
          );
        }
        throw new SpecProblem(
          `unknown name "${expr.name}": declare it in a signature, e.g. ${target.kind === 'function' ? target.function : 'function'}(int ${expr.name}), or use arg1..arg6`,
          expr.span,
        );
      }
      case 'arg': {
        if (target.kind === 'tracepoint') throw new SpecProblem(`arg${expr.index} is a function's argument: a tracepoint's fields are args->name`, expr.span);
        this.#checkArgument(expr.span, expr.index - 1);
        const param = signature?.[expr.index - 1];
        const type: ValueType = param
          ? typeOfCType(param.type, param.name)
          : (this.#usdtArgType(expr.index - 1) ?? { kind: 'integer', size: 8, signed: false, typeName: 'u64', untyped: true });
        return { ref: { kind: 'arg', index: expr.index - 1 }, type: withCast(type) };
      }
      case 'retval': {
        if (!returns) throw new SpecProblem('$retval is only there when the function returns: use an r: probe', expr.span);
        return { ref: { kind: 'ret' }, type: withCast({ kind: 'integer', size: 8, signed: true, typeName: 'long' }) };
      }
      case 'builtin': {
        if (expr.name === 'latency') {
          if (!returns) throw new SpecProblem('$latency is the time from entry to return: use an r: probe', expr.span);
          this.usesLatency = true;
          return { ref: { kind: 'builtin', name: 'latency' }, type: { kind: 'integer', size: 8, signed: false, typeName: 'u64 (ns)' } };
        }
        if (expr.name === 'comm') return { ref: { kind: 'builtin', name: 'comm' }, type: { kind: 'string', typeName: 'char[16]' } };
        return { ref: { kind: 'builtin', name: expr.name }, type: withCast({ kind: 'integer', size: 4, signed: false, typeName: 'u32' }) };
      }
      default: {
        const unreachable: never = expr;
        return unreachable;
      }
    }
  }

  /** A USDT argument's type as every site's note gives it (`-4@...` an int), when they agree. */
  #usdtArgType(index: number): ValueType | undefined {
    const args = this.context.points.map((point) => (point.attachment.kind === 'uprobe' ? point.attachment.usdt?.args[index] : undefined));
    const first = args[0];
    if (first === undefined || first.kind === 'unsupported') return undefined;
    const agree = args.every((arg) => arg !== undefined && arg.kind !== 'unsupported' && arg.size === first.size && arg.signed === first.signed);
    if (!agree) return undefined;
    // Untyped still: a pointer passed as 8@%rdi may be printed as a string.
    return { kind: 'integer', size: first.size, signed: first.signed, typeName: `${first.signed ? 's' : 'u'}${first.size * 8}`, untyped: true };
  }

  #checkArgument(span: Span, index: number): void {
    if (this.context.returns) throw new SpecProblem('the arguments are gone when the function returns: read them in a p: probe, or use $retval', span);
    if (this.context.target.kind === 'usdt') {
      if (index >= USDT_MAX_ARGS) throw new SpecProblem(`a USDT probe has at most ${USDT_MAX_ARGS} arguments`, span);
    } else if (index > 5) throw new SpecProblem('only the first six arguments are passed in registers', span);
  }

  #field(ref: FieldRef, type: ValueType, wantsString: boolean, span: Span): number {
    const key = ref.kind === 'record' ? `record:${ref.name}` : ref.kind === 'arg' ? `arg:${ref.index}` : ref.kind === 'ret' ? 'ret' : `builtin:${ref.name}`;
    const castKey = `${key}:${type.kind}:${type.kind === 'integer' ? `${type.size}${type.signed ? 's' : 'u'}` : ''}`;
    let index = this.fields.findIndex((field) => field.key === castKey);
    if (index < 0) {
      if (this.fields.length >= PROBE_MAX_FIELDS) throw new SpecProblem(`too many values: a probe reads at most ${PROBE_MAX_FIELDS}`, span);
      index = this.fields.push({ key: castKey, ref, type, wantsString: false, span }) - 1;
    }
    const field = this.fields[index] as LogicalField;
    if (wantsString && !field.wantsString) {
      if (this.fields.filter((candidate) => candidate.wantsString).length >= PROBE_MAX_STRINGS) {
        throw new SpecProblem(`too many strings: a probe reads at most ${PROBE_MAX_STRINGS}`, span);
      }
      field.wantsString = true;
    }
    return index;
  }

  /** The filter as postfix steps. */
  filter(filter: Filter | undefined): OpPlan[] {
    const ops: OpPlan[] = [];
    if (filter) this.#filter(filter, ops);
    if (ops.length > PROBE_MAX_OPS)
      throw new SpecProblem(`the filter is too long: at most ${PROBE_MAX_OPS} steps (comparisons and &&, ||, !)`, filter?.span ?? { start: 0, end: 1 });
    return ops;
  }

  #filter(filter: Filter, ops: OpPlan[]): void {
    const step = (code: number): OpPlan => ({ code, cmp: 0, isSigned: false, constant: 0, value: NO_VALUE, operand: 0n });
    switch (filter.kind) {
      case 'and':
      case 'or':
        this.#filter(filter.left, ops);
        this.#filter(filter.right, ops);
        ops.push(step(filter.kind === 'and' ? OpCode.and : OpCode.or));
        return;
      case 'not':
        this.#filter(filter.operand, ops);
        ops.push(step(OpCode.not));
        return;
      case 'truthy': {
        const value = this.integer(filter.value, 'a condition');
        ops.push({ ...step(OpCode.cmp), cmp: Cmp.ne, value: value.plan, operand: 0n });
        return;
      }
      case 'compare': {
        let { left, right, op } = filter;
        if (left.kind === 'number' || left.kind === 'string') {
          [left, right] = [right, left];
          op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as const)[op];
        }
        if (right.kind === 'string') {
          if (op !== '==' && op !== '!=') throw new SpecProblem(`strings are compared with == or !=, not ${op}`, filter.span);
          const value = this.#stringOperand(left, right.value, right.span);
          const bytes = Buffer.byteLength(right.value);
          if (bytes >= PROBE_CONST_LEN) throw new SpecProblem(`a string to compare with is at most ${PROBE_CONST_LEN - 1} bytes`, right.span);
          let constant = this.consts.indexOf(right.value);
          if (constant < 0) {
            if (this.consts.length >= PROBE_MAX_CONSTS) throw new SpecProblem(`at most ${PROBE_MAX_CONSTS} strings in a filter`, right.span);
            constant = this.consts.push(right.value) - 1;
          }
          ops.push({ ...step(OpCode.cmp), cmp: op === '==' ? Cmp.strEq : Cmp.strNe, constant, value: value.plan });
          return;
        }
        if (right.kind !== 'number') {
          throw new SpecProblem('compare with a constant: one side of the comparison must be a number or a string', right.span);
        }
        const value = this.integer(left, 'a comparison');
        const cmp = { '==': Cmp.eq, '!=': Cmp.ne, '<': Cmp.lt, '<=': Cmp.le, '>': Cmp.gt, '>=': Cmp.ge }[op];
        ops.push({
          ...step(OpCode.cmp),
          cmp,
          isSigned: signedType(value.type) || right.value < 0n,
          value: value.plan,
          operand: BigInt.asUintN(64, right.value),
        });
        return;
      }
      default: {
        const unreachable: never = filter;
        return unreachable;
      }
    }
  }

  #stringOperand(expr: ValueExpr, literal: string, literalSpan: Span): ReadValue {
    const value = this.#value(expr, true);
    if (!isStringCapable(value.type)) {
      throw new SpecProblem(
        `type mismatch: ${value.text} is ${value.type.kind === 'pointer' ? 'a pointer' : 'an integer'} (${value.type.typeName}) and "${literal}" a string; compare it with a number`,
        { start: Math.min(expr.span.start, literalSpan.start), end: Math.max(expr.span.end, literalSpan.end) },
      );
    }
    return value;
  }

  /** The event's string slot of a field read as a string (slots go to string fields in order). */
  slotOf(field: number): number {
    const slot = this.fields.slice(0, field).filter((candidate) => candidate.wantsString).length;
    if (!this.fields[field]?.wantsString) throw new RangeError(`field ${field} is not read as a string`);
    return slot;
  }

  /** The fields of every attach point of the probe, and the number of string slots used. */
  plannedFields(point: ResolvedPoint): PlannedField[] {
    let slot = 0;
    return this.fields.map((field): PlannedField => {
      const planned: PlannedField = { source: Source.none, size: 8, isSigned: false, string: StringKind.none, slot: 0, offset: 0, length: 0 };
      if (field.wantsString) planned.slot = slot++;
      const type = field.type;
      if (type.kind === 'integer') {
        planned.size = type.size;
        planned.isSigned = type.signed;
      }
      const userMemory =
        point.attachment.kind === 'uprobe' ||
        point.attachment.kind === 'syscall' ||
        (point.attachment.kind === 'tracepoint' && point.attachment.category === 'syscalls');
      const pointerString = field.wantsString ? (userMemory ? StringKind.user : StringKind.any) : StringKind.none;
      const { ref } = field;
      switch (ref.kind) {
        case 'record': {
          const format = point.format?.() as ProbeRecord;
          const tracepointField = format.fields.find((candidate) => candidate.name === ref.name) as RecordField;
          planned.offset = tracepointField.offset;
          if (tracepointField.kind === 'charArray') {
            planned.string = StringKind.array;
            planned.length = tracepointField.size;
          } else if (tracepointField.kind === 'dataLocString') {
            planned.source = Source.record;
            planned.size = 4;
            planned.string = StringKind.dataLoc;
          } else {
            planned.source = Source.record;
            if (type.kind !== 'integer') planned.size = Math.min(8, tracepointField.size);
            // A cast may narrow a field; it never reads past it.
            planned.size = Math.min(planned.size, tracepointField.size);
            planned.string = pointerString;
          }
          return planned;
        }
        case 'arg':
          planned.string = pointerString;
          if (point.attachment.kind === 'uprobe' && point.attachment.usdt) return usdtField(planned, point, point.attachment.usdt.args, ref.index, field);
          planned.source = Source.arg;
          planned.offset = ref.index;
          return planned;
        case 'ret':
          planned.source = Source.ret;
          planned.string = pointerString;
          return planned;
        case 'builtin': {
          const sources: Record<Builtin, number> = {
            pid: Source.pid,
            tid: Source.tid,
            uid: Source.uid,
            gid: Source.gid,
            cpu: Source.cpu,
            comm: Source.comm,
            latency: Source.latency,
          };
          planned.source = sources[ref.name];
          if (ref.name === 'comm') planned.size = 0;
          if (ref.name === 'latency') {
            if (point.entryPoint === undefined) throw new SpecProblem('$latency needs the entry of the function it returns from', field.span);
            planned.offset = point.entryPoint;
          }
          return planned;
        }
        default: {
          const unreachable: never = ref;
          return unreachable;
        }
      }
    });
  }
}

/**
 * A USDT site's argument `index` as its note passes it. An undeclared argument
 * is read at the note's size and sign (`-4@%eax` is an int); a declared type or
 * cast is read as given.
 */
function usdtField(planned: PlannedField, point: ResolvedPoint, args: readonly UsdtArg[], index: number, field: LogicalField): PlannedField {
  const arg = args[index];
  if (arg === undefined) {
    throw new SpecProblem(`${point.name} has ${args.length} argument${args.length === 1 ? '' : 's'}: there is no arg${index + 1}`, field.span);
  }
  const where = `${point.name}'s arg${index + 1} is passed as "${arg.text}"`;
  if (arg.kind === 'unsupported') throw new SpecProblem(`${where}, a form bpfscope does not read (a register, disp(%register) or $constant)`, field.span);
  if (field.type.kind === 'integer' && field.type.untyped === true) {
    planned.size = arg.size;
    planned.isSigned = arg.signed;
  }
  if (arg.kind === 'constant') return { ...planned, source: Source.usdtConstant, usdt: { register: 0, value: arg.value } };
  const register = ptRegsOffset(arg.register);
  if (register === undefined) throw new SpecProblem(`${where}: register %${arg.register} is not read on this architecture`, field.span);
  return {
    ...planned,
    source: arg.kind === 'register' ? Source.usdtRegister : Source.usdtMemory,
    usdt: { register, value: BigInt(arg.kind === 'memory' ? arg.displacement : 0) },
  };
}

/** The tracepoint program and its copies (customprobe.bpf.c: one per probe on the same tracepoint). */
export function tracepointProgram(copy: number): string {
  return copy === 0 ? 'probe_tracepoint' : `probe_tracepoint_${copy + 1}`;
}

/**
 * Each tracepoint attachment of the points, with the copy of the tracepoint
 * program it uses: the kernel takes a program once per tracepoint, so the
 * second probe on a tracepoint uses the second copy. Syscall points are one
 * attachment per probe and direction, on raw_syscalls.
 */
export function tracepointAttachments(
  points: readonly PointPlan[],
): Array<{ point: number; category: string; name: string; program: string; dispatch: boolean }> {
  const copies = new Map<string, number>();
  const attachments: Array<{ point: number; category: string; name: string; program: string; dispatch: boolean }> = [];
  const dispatched = new Set<string>();
  points.forEach((point, index) => {
    const { attachment } = point;
    let category: string;
    let name: string;
    if (attachment.kind === 'tracepoint') {
      ({ category, name } = attachment);
    } else if (attachment.kind === 'syscall') {
      const key = `${point.probe}:${attachment.direction}`;
      if (dispatched.has(key)) return;
      dispatched.add(key);
      category = 'raw_syscalls';
      name = `sys_${attachment.direction}`;
    } else return;
    const target = `${category}:${name}`;
    const copy = copies.get(target) ?? 0;
    if (copy >= PROBE_MAX_PROBES) throw new RangeError(`more than ${PROBE_MAX_PROBES} probes on ${target}`);
    copies.set(target, copy + 1);
    attachments.push({ point: index, category, name, program: tracepointProgram(copy), dispatch: attachment.kind === 'syscall' });
  });
  return attachments;
}

/** The programs that serve a set of attach points. */
export function programsFor(points: readonly PointPlan[]): string[] {
  const programs = new Set<string>(tracepointAttachments(points).map((attachment) => attachment.program));
  for (const point of points) {
    if (point.attachment.kind === 'uprobe') programs.add('probe_uprobe');
    if (point.attachment.kind === 'kprobe') programs.add('probe_kprobe');
  }
  return [...programs].sort();
}

/** An empty probe config with `action`. */
export function probeConfig(action: number, builder: ProbeBuilder, ops: OpPlan[]): ProbeConfigPlan {
  return {
    action,
    nfields: builder.fields.length,
    ops,
    keys: [],
    keyString: PROBE_NO_FIELD,
    keyByPoint: false,
    stacks: 0,
    value: NO_VALUE,
    consts: builder.consts,
  };
}

/** Adds a probe's points to the plan, with its fields resolved for each; returns the probe's index. */
export function addProbe(plan: ProbePlan, config: ProbeConfigPlan, builder: ProbeBuilder, points: readonly ResolvedPoint[]): number {
  if (plan.probes.length >= PROBE_MAX_PROBES) throw new SpecProblem(`at most ${PROBE_MAX_PROBES} probes a session`, builder.context.target.span);
  const probe = plan.probes.push(config) - 1;
  for (const point of points) {
    plan.points.push({ probe, name: point.name, attachment: point.attachment, fields: builder.plannedFields(point) });
  }
  if (plan.points.length > MAX_ATTACH_POINTS) throw limitProblem(plan.points.length, 'attach points in all', builder.context.target.span);
  plan.programs = programsFor(plan.points);
  return probe;
}

export const emptyPlan = (): ProbePlan => ({ probes: [], points: [], programs: [] });

/** The probe's points at its function's entry: a return probe's, as p: probes (for $latency and funclatency). */
export function entryPoints(points: readonly ResolvedPoint[]): ResolvedPoint[] {
  return points.map((point) => {
    const { attachment } = point;
    if (attachment.kind === 'uprobe' || attachment.kind === 'kprobe') return { ...point, attachment: { ...attachment, retprobe: false } };
    return point;
  });
}

export function returnPoints(points: readonly ResolvedPoint[]): ResolvedPoint[] {
  return points.map((point) => {
    const { attachment } = point;
    if (attachment.kind === 'uprobe' || attachment.kind === 'kprobe') return { ...point, attachment: { ...attachment, retprobe: true } };
    return point;
  });
}

/**
 * For return points that read $latency (argdist, funclatency): a probe on the
 * same functions' entries, stamping when each thread passed. Returns the
 * return points, each knowing its entry point.
 */
export function addLatencyStarts(plan: ProbePlan, context: ProbeContext, points: readonly ResolvedPoint[]): ResolvedPoint[] {
  const starts = entryPoints(points);
  const builder = new ProbeBuilder({ ...context, points: starts, returns: false });
  const first = plan.points.length;
  addProbe(plan, probeConfig(Action.start, builder, []), builder, starts);
  return returnPoints(points).map((point, index) => ({ ...point, entryPoint: first + index }));
}
