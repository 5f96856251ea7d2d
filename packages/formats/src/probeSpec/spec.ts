// What a custom probe spec says, once parsed: where to attach, what to read,
// what to test and what to print or aggregate. Every node keeps its position in
// the spec text, so an error found later (an unknown field, a type mismatch)
// still points at the character that caused it.

/** Characters [start, end) of the spec text. */
export interface Span {
  start: number;
  end: number;
}

/** Where a probe attaches, as bcc writes it. */
export type ProbeTarget =
  /** t:category:event (globs allowed in both parts). */
  | { kind: 'tracepoint'; category: string; event: string; span: Span; categorySpan: Span; eventSpan: Span }
  /**
   * p:library:function or r:library:function (globs allowed in the function): a uprobe
   * when library is set (a name such as `c`, or a path), a kprobe when it is empty.
   */
  | { kind: 'function'; retprobe: boolean; library: string; function: string; span: Span; librarySpan: Span; functionSpan: Span }
  /** u:library:probe or u:library:provider:probe: a USDT probe (an ELF .note.stapsdt note). */
  | { kind: 'usdt'; library: string; provider?: string; probe: string; span: Span; librarySpan: Span; probeSpan: Span };

/** A parameter of a probe's signature, `malloc(size_t size)`: its C type and name. */
export interface SignatureParam {
  type: CType;
  name: string;
  span: Span;
}

/** A C type as far as a custom probe needs it: an integer of some width, or a pointer (a char pointer reads as a string). */
export interface CType {
  /** As written, normalized (`const char *`). */
  text: string;
  /** Pointer depth: `char *` is 1. */
  pointers: number;
  /** The type without pointers and qualifiers (`char`, `unsigned int`, `struct sock`). */
  base: string;
  span: Span;
}

export type Builtin = 'pid' | 'tid' | 'uid' | 'gid' | 'cpu' | 'comm' | 'latency';

/** An operand: something read at the probe, a constant, or arithmetic on them. */
export type ValueExpr =
  /** args->name: a field of the tracepoint's record. */
  | { kind: 'field'; name: string; span: Span }
  /** A name from the signature, or a bare identifier to be resolved. */
  | { kind: 'name'; name: string; span: Span }
  /** arg1 … arg6: the function's arguments by position (1-based). */
  | { kind: 'arg'; index: number; span: Span }
  /** retval / $retval: the return value (return probes). */
  | { kind: 'retval'; span: Span }
  /**
   * bcc's $pid (the kernel's pid: a thread) and $tgid (the process), $uid, $gid, $cpu, $comm,
   * $latency (argdist, return probes); bpftrace's bare pid (the process), tid and comm.
   */
  | { kind: 'builtin'; name: Builtin; span: Span }
  | { kind: 'number'; value: bigint; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'cast'; type: CType; operand: ValueExpr; span: Span }
  | { kind: 'binary'; op: '&' | '/' | '>>'; left: ValueExpr; right: ValueExpr; span: Span };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A filter: comparisons joined by &&, || and !. */
export type Filter =
  | { kind: 'compare'; op: CompareOp; left: ValueExpr; right: ValueExpr; span: Span }
  | { kind: 'truthy'; value: ValueExpr; span: Span }
  | { kind: 'and' | 'or'; left: Filter; right: Filter; span: Span }
  | { kind: 'not'; operand: Filter; span: Span };

/** A printf conversion of trace's format string. */
export interface FormatConversion {
  /** The conversion as written, `%-8d`. */
  text: string;
  /** The conversion character: d i u x X o c s p. */
  conversion: string;
  /** Flags, width and precision as written (`-8`, `08`), kept for the output. */
  flags: string;
  width?: number;
  precision?: number;
  span: Span;
}

/** A piece of a format string: literal text, or a conversion taking the next argument. */
export type FormatPart = { kind: 'text'; text: string } | { kind: 'conversion'; conversion: FormatConversion };

/** trace's probe: `probe [(filter)] ["format", args...]`. */
export interface TraceSpec {
  text: string;
  target: ProbeTarget;
  signature?: SignatureParam[];
  filter?: Filter;
  format?: { parts: FormatPart[]; span: Span };
  args: ValueExpr[];
}

/** argdist's specifier: `type:library:function(signature)[:types:exprs[:filter]][#label]`. */
export interface ArgdistSpec {
  text: string;
  target: ProbeTarget;
  signature?: SignatureParam[];
  /** The declared types of the expressions, one each. */
  types: CType[];
  exprs: ValueExpr[];
  filter?: Filter;
  label?: string;
}

/** funccount, funclatency and stackcount: `[type:][library:]function`, or `t:category:event`. */
export interface PatternSpec {
  text: string;
  target: ProbeTarget;
}
