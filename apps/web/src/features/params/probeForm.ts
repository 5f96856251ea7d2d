// The probe builder's form and the spec text, both ways: a spec in bcc's syntax read into the fields a form shows
// (kind, target, signature, one filter comparison, trace's format and arguments, argdist's types and expressions),
// and a form written back as a spec. The text stays the source of truth: what the form cannot show (conditions
// joined with &&, an argdist label) leaves it read-only with a note, never rewritten.
import { parseArgdistSpec, parsePatternSpec, parseTraceSpec, SpecProblem } from '@bpfscope/formats';
import type { CompareOp, Filter, ProbeTarget, SignatureParam, Span, ValueExpr } from '@bpfscope/formats';
import type { UsdtProbe } from '../../api/types';

/** Which of bcc's spec syntaxes a tool takes: trace's probes, argdist's specifiers, or the others' patterns. */
export type SpecSyntax = 'trace' | 'argdist' | 'pattern';

export function specSyntax(tool: string): SpecSyntax {
  return tool === 'trace' ? 'trace' : tool === 'argdist' ? 'argdist' : 'pattern';
}

export type ProbeKind = 'tracepoint' | 'uprobe' | 'uretprobe' | 'usdt' | 'kprobe' | 'kretprobe';

export const PROBE_KINDS: ReadonlyArray<{ kind: ProbeKind; label: string }> = [
  { kind: 'tracepoint', label: 't: tracepoint' },
  { kind: 'uprobe', label: 'p: uprobe' },
  { kind: 'uretprobe', label: 'r: uretprobe' },
  { kind: 'usdt', label: 'u: USDT probe' },
  { kind: 'kprobe', label: 'p:: kprobe' },
  { kind: 'kretprobe', label: 'r:: kretprobe' },
];

export const COMPARE_OPS: readonly CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];

/** One comparison, `left op value`: a value read at the probe against a number or a string. */
export interface ProbeFilter {
  /** As written: `args->count`, `size`, `$comm`, `arg2 & 0xff`. */
  left: string;
  op: CompareOp;
  /** A number as written (`20000`, `0x10`, `-1`), or a string, quoted (`"bash"`); unquoted text is quoted when written. */
  value: string;
}

export interface ProbeForm {
  kind: ProbeKind;
  /** Tracepoints: `category:event` (globs allowed). */
  tracepoint: string;
  /** uprobes and USDT probes: a library name (`c`) or a path. */
  library: string;
  /** uprobes and kprobes: the function; USDT probes: `provider:name` or `name` (globs allowed where the tool takes them). */
  function: string;
  /** What is between a function's parentheses: `size_t size`; '' for none. */
  signature: string;
  filter?: ProbeFilter;
  /** trace: the format string as written between its quotes (escapes kept); '' for none. */
  format: string;
  /** trace: the arguments after the format, as written (`args->filename, args->count`). */
  args: string;
  /** argdist: the types and the expressions, as written (`u64`, `args->count`). */
  types: string;
  exprs: string;
}

export const EMPTY_FORM: ProbeForm = {
  kind: 'tracepoint',
  tracepoint: '',
  library: '',
  function: '',
  signature: '',
  format: '',
  args: '',
  types: '',
  exprs: '',
};

/** The form of a spec, or why the form cannot show it (a spec that does not parse, or one it has no fields for). */
export type FormReading = { form: ProbeForm } | { note: string; unparsed: boolean };

const slice = (text: string, span: Span) => text.slice(span.start, span.end);

function targetFields(target: ProbeTarget): Pick<ProbeForm, 'kind' | 'tracepoint' | 'library' | 'function'> | string {
  switch (target.kind) {
    case 'tracepoint':
      return { kind: 'tracepoint', tracepoint: `${target.category}:${target.event}`, library: '', function: '' };
    case 'function': {
      const kernel = target.library === '';
      const kind: ProbeKind = kernel ? (target.retprobe ? 'kretprobe' : 'kprobe') : target.retprobe ? 'uretprobe' : 'uprobe';
      return { kind, tracepoint: '', library: target.library, function: target.function };
    }
    case 'usdt':
      return {
        kind: 'usdt',
        tracepoint: '',
        library: target.library,
        function: target.provider === undefined ? target.probe : `${target.provider}:${target.probe}`,
      };
    default: {
      const unreachable: never = target;
      return unreachable;
    }
  }
}

/** What is between the parentheses after the function, as written; '' when there are none. */
function signatureText(text: string, target: ProbeTarget, signature: SignatureParam[] | undefined): string {
  if (signature === undefined || text[target.span.end] !== '(') return '';
  const close = text.indexOf(')', signature.at(-1)?.span.end ?? target.span.end + 1);
  return text.slice(target.span.end + 1, close).trim();
}

const isLiteral = (value: ValueExpr) => value.kind === 'number' || value.kind === 'string';

function filterFields(text: string, filter: Filter | undefined): { filter?: ProbeFilter } | string {
  if (filter === undefined) return {};
  if (filter.kind !== 'compare') {
    return filter.kind === 'and' || filter.kind === 'or'
      ? `the filter joins conditions with ${filter.kind === 'and' ? '&&' : '||'}: the form shows one comparison`
      : 'the filter is not one comparison (value op number or string): the form shows one';
  }
  if (isLiteral(filter.left) || !isLiteral(filter.right)) return 'the filter compares two values: the form compares a value with a number or a string';
  // A number as one token (`- 1` is -1), a string as written.
  const value = filter.right.kind === 'number' ? slice(text, filter.right.span).replace(/\s+/g, '') : slice(text, filter.right.span);
  return { filter: { left: slice(text, filter.left.span), op: filter.op, value } };
}

const listText = (text: string, items: ReadonlyArray<{ span: Span }>) =>
  items.length === 0 ? '' : text.slice((items[0] as { span: Span }).span.start, (items.at(-1) as { span: Span }).span.end);

/** Reads `text` (one spec) into the form, or says why the form cannot show it. */
export function formFromSpec(syntax: SpecSyntax, text: string): FormReading {
  if (text.trim() === '') return { form: EMPTY_FORM };
  try {
    switch (syntax) {
      case 'trace': {
        const spec = parseTraceSpec(text);
        const target = targetFields(spec.target);
        if (typeof target === 'string') return { note: target, unparsed: false };
        const filter = filterFields(text, spec.filter);
        if (typeof filter === 'string') return { note: filter, unparsed: false };
        const format = spec.format ? text.slice(spec.format.span.start + 1, spec.format.span.end - 1) : '';
        return {
          form: { ...EMPTY_FORM, ...target, signature: signatureText(text, spec.target, spec.signature), ...filter, format, args: listText(text, spec.args) },
        };
      }
      case 'argdist': {
        const spec = parseArgdistSpec(text);
        if (spec.label !== undefined) return { note: 'the specifier has a label (#…): the form has no field for it', unparsed: false };
        const target = targetFields(spec.target);
        if (typeof target === 'string') return { note: target, unparsed: false };
        const filter = filterFields(text, spec.filter);
        if (typeof filter === 'string') return { note: filter, unparsed: false };
        return {
          form: {
            ...EMPTY_FORM,
            ...target,
            signature: signatureText(text, spec.target, spec.signature),
            ...filter,
            types: listText(text, spec.types),
            exprs: listText(text, spec.exprs),
          },
        };
      }
      case 'pattern': {
        const target = targetFields(parsePatternSpec(text).target);
        if (typeof target === 'string') return { note: target, unparsed: false };
        return { form: { ...EMPTY_FORM, ...target } };
      }
      default: {
        const unreachable: never = syntax;
        return unreachable;
      }
    }
  } catch (error) {
    if (error instanceof SpecProblem) return { note: `the text does not parse (${error.message}): the form follows once it does`, unparsed: true };
    throw error;
  }
}

/** A C string literal of a format as written between quotes: a bare `"` escaped, a trailing lone backslash doubled. */
function quoted(raw: string): string {
  let out = '';
  for (let at = 0; at < raw.length; at++) {
    const char = raw[at] as string;
    if (char === '\\') {
      out += at + 1 < raw.length ? `\\${raw[at + 1] as string}` : '\\\\';
      at++;
    } else out += char === '"' ? '\\"' : char;
  }
  return `"${out}"`;
}

const NUMBER = /^-?(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/;

/** A filter's value as the spec takes it: a number as written, a string quoted. */
export function filterValue(value: string): string {
  const trimmed = value.trim();
  if (NUMBER.test(trimmed) || (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"'))) return trimmed;
  return quoted(trimmed);
}

function targetText(form: ProbeForm): string {
  switch (form.kind) {
    case 'tracepoint':
      return `t:${form.tracepoint.trim()}`;
    case 'uprobe':
    case 'uretprobe':
      return `${form.kind === 'uprobe' ? 'p' : 'r'}:${form.library.trim()}:${form.function.trim()}`;
    case 'usdt':
      return `u:${form.library.trim()}:${form.function.trim()}`;
    case 'kprobe':
    case 'kretprobe':
      return `${form.kind === 'kprobe' ? 'p' : 'r'}::${form.function.trim()}`;
    default: {
      const unreachable: never = form.kind;
      return unreachable;
    }
  }
}

/** The spec a form says, in bcc's syntax. */
export function specFromForm(syntax: SpecSyntax, form: ProbeForm): string {
  const target = targetText(form);
  if (syntax === 'pattern') return target;
  const filter = form.filter && form.filter.left.trim() !== '' ? `${form.filter.left.trim()} ${form.filter.op} ${filterValue(form.filter.value)}` : '';
  // Tracepoints and USDT probes have no signature: their values are args->field and arg1..argN.
  const signature = hasSignature(form.kind) ? form.signature.trim() : '';
  if (syntax === 'trace') {
    const parts = [`${target}${signature !== '' ? `(${signature})` : ''}`];
    if (filter !== '') parts.push(`(${filter})`);
    const args = form.args.trim();
    if (form.format !== '' || args !== '') parts.push(`${quoted(form.format)}${args !== '' ? `, ${args}` : ''}`);
    return parts.join(' ');
  }
  // argdist: bcc writes the parentheses even when empty (t:net:net_dev_xmit():u16:args->len).
  let spec = `${target}(${signature})`;
  const types = form.types.trim();
  const exprs = form.exprs.trim();
  if (types !== '' || exprs !== '') spec += `:${types}:${exprs}`;
  if (filter !== '') spec += `:${filter}`;
  return spec;
}

/** Whether a probe of this kind names its function's parameters (a signature): not tracepoints, not USDT probes. */
export function hasSignature(kind: ProbeKind): boolean {
  return kind !== 'tracepoint' && kind !== 'usdt';
}

/**
 * The names a filter or an argument can read at a function: its signature's names, arg1..arg6 (a USDT probe's
 * arg1..argN, `usdtArgs` of them, as its note says), the return value, the builtins.
 */
export function functionValues(form: ProbeForm, syntax: SpecSyntax, usdtArgs?: number): string[] {
  if (form.kind === 'usdt') return [...Array.from({ length: usdtArgs ?? 6 }, (_, index) => `arg${index + 1}`), ...BUILTIN_VALUES];
  const names = form.signature
    .split(',')
    .map((param) => /([A-Za-z_]\w*)\s*$/.exec(param.trim())?.[1])
    .filter((name): name is string => name !== undefined && !/^(void|int|long|char|short|unsigned|signed)$/.test(name));
  const returns = form.kind === 'uretprobe' || form.kind === 'kretprobe';
  return [
    ...names,
    ...['arg1', 'arg2', 'arg3', 'arg4', 'arg5', 'arg6'],
    ...(returns ? ['$retval'] : []),
    ...(returns && syntax === 'argdist' ? ['$latency'] : []),
    ...BUILTIN_VALUES,
  ];
}

/** bcc's builtins ($pid is the thread, $tgid the process, as bcc's trace has them). */
export const BUILTIN_VALUES: readonly string[] = ['$tgid', '$pid', '$uid', '$gid', '$cpu', '$comm'];

/** The line `index` of a list of specs (one a line) replaced by `spec`. */
export function replaceLine(text: string, index: number, spec: string): string {
  const lines = text.split('\n');
  if (index >= lines.length) return [...lines.filter((line) => line.trim() !== ''), spec].join('\n');
  lines[index] = spec;
  return lines.join('\n');
}

/** Which line of `text` the character at `cursor` is on. */
export function lineIndexAt(text: string, cursor: number): number {
  return text.slice(0, Math.max(0, cursor)).split('\n').length - 1;
}

/** The item being typed at the end of a comma-separated list (`args->a, args->b` → `args->b`). */
export function lastItem(list: string): string {
  return (list.split(',').at(-1) ?? '').trim();
}

/** The list with its last item replaced by `item`. */
export function replaceLastItem(list: string, item: string): string {
  const comma = list.lastIndexOf(',');
  return comma === -1 ? item : `${list.slice(0, comma + 1)} ${item}`;
}

/** A USDT probe's arguments in a few words, `3 args: u64, u64, s32` (a form the agent does not read is `?`). */
export function usdtArgsText(probe: Pick<UsdtProbe, 'args'>): string {
  if (probe.args.length === 0) return 'no args';
  const types = probe.args.map((arg) => arg.type ?? '?').join(', ');
  return `${probe.args.length} arg${probe.args.length === 1 ? '' : 's'}: ${types}`;
}
