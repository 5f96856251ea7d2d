// Parsers for the probe specs of bcc's multi-tools, in bcc's own syntax so that
// what users know pastes in: trace's `probe [(filter)] ["format", args]`,
// argdist's `type:library:function(signature):types:exprs[:filter][#label]` and
// the `[type:][library:]function` patterns of funccount, funclatency and
// stackcount. A problem is a SpecProblem at a character of the text, with what
// was expected there; nothing here touches the kernel, so the engine (bpf-core)
// and the web's probe builder read a spec with the same code.
import type {
  ArgdistSpec,
  Builtin,
  CType,
  CompareOp,
  Filter,
  FormatConversion,
  FormatPart,
  PatternSpec,
  ProbeTarget,
  SignatureParam,
  Span,
  TraceSpec,
  ValueExpr,
} from './spec.js';

/**
 * A problem with a spec, at the characters `span` of it: a mistake in it
 * (INVALID_PARAMS), or something this kernel cannot do (UNAVAILABLE: no
 * kprobes), with a spec that would work instead where there is one.
 */
export class SpecProblem extends Error {
  constructor(
    message: string,
    readonly span: Span,
    readonly options: { code?: 'INVALID_PARAMS' | 'UNAVAILABLE'; suggestion?: string } = {},
  ) {
    super(message);
  }
}

/** bcc's probe types: p (entry), r (return), t (tracepoint), u (USDT). */
const PROBE_TYPES = new Set(['p', 'r', 't', 'u']);
/** At most this many arguments a trace format takes (as bcc trace). */
export const MAX_FORMAT_ARGS = 6;
/** Longest spec accepted: far more than any real one, small enough to echo in an error. */
export const MAX_SPEC_LENGTH = 1024;

/** Words that start a C type in a cast or signature. */
const TYPE_WORDS = new Set([
  'const',
  'volatile',
  'unsigned',
  'signed',
  'char',
  'short',
  'int',
  'long',
  'void',
  'bool',
  '_Bool',
  'struct',
  'union',
  'enum',
  'size_t',
  'ssize_t',
  'pid_t',
  'uid_t',
  'gid_t',
  'off_t',
  'loff_t',
  'umode_t',
  'mode_t',
  'time_t',
  'dev_t',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  '__u8',
  '__u16',
  '__u32',
  '__u64',
  '__s8',
  '__s16',
  '__s32',
  '__s64',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
  'uintptr_t',
]);

type TokenKind = 'ident' | 'dollar' | 'number' | 'string' | 'punct' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  span: Span;
  /** A string literal's value, with the offset in the spec of each of its characters. */
  value?: string;
  offsets?: number[];
  number?: bigint;
}

const PUNCTUATION = [
  '->',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<<',
  '>>',
  '<',
  '>',
  '!',
  '(',
  ')',
  ',',
  '&',
  '/',
  '*',
  ':',
  '#',
  '-',
  '|',
  '+',
  '%',
  '~',
  '.',
  '[',
  ']',
];

/** A cursor over a spec: C-like tokens on demand, and raw scanning for the probe target. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  peek(): Token {
    const saved = this.pos;
    const token = this.next();
    this.pos = saved;
    return token;
  }

  next(): Token {
    this.skipSpace();
    const start = this.pos;
    const text = this.text;
    if (start >= text.length) return { kind: 'end', text: '', span: { start, end: start } };
    const rest = text.slice(start);
    const identifier = /^[A-Za-z_]\w*/.exec(rest);
    if (identifier) {
      this.pos += identifier[0].length;
      return { kind: 'ident', text: identifier[0], span: { start, end: this.pos } };
    }
    const dollar = /^\$[A-Za-z_]\w*/.exec(rest);
    if (dollar) {
      this.pos += dollar[0].length;
      return { kind: 'dollar', text: dollar[0], span: { start, end: this.pos } };
    }
    const number = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)(?![\w.])/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      const digits = number[1] as string;
      const value = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
      return { kind: 'number', text: number[0], span: { start, end: this.pos }, number: value };
    }
    if (/^\d/.test(rest)) {
      throw new SpecProblem(`"${/^[\w.]+/.exec(rest)?.[0] ?? rest[0]}" is not a number this spec can use (decimal, 0x hex or 0 octal integers)`, {
        start,
        end: start + (/^[\w.]+/.exec(rest)?.[0].length ?? 1),
      });
    }
    if (rest[0] === '"') return this.#string(start);
    const punctuation = PUNCTUATION.find((candidate) => rest.startsWith(candidate));
    if (punctuation) {
      this.pos += punctuation.length;
      return { kind: 'punct', text: punctuation, span: { start, end: this.pos } };
    }
    throw new SpecProblem(`unexpected character "${rest[0]}"`, { start, end: start + 1 });
  }

  #string(start: number): Token {
    let value = '';
    const offsets: number[] = [];
    let at = start + 1;
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
    while (at < this.text.length && this.text[at] !== '"') {
      const char = this.text[at] as string;
      if (char === '\\') {
        const escaped = escapes[this.text[at + 1] ?? ''];
        if (escaped === undefined) throw new SpecProblem('unknown escape in a string (\\n, \\t, \\\\, \\" are known)', { start: at, end: at + 2 });
        offsets.push(at);
        value += escaped;
        at += 2;
        continue;
      }
      offsets.push(at);
      value += char;
      at++;
    }
    if (at >= this.text.length) throw new SpecProblem('unterminated string: expected a closing "', { start, end: this.text.length });
    this.pos = at + 1;
    return { kind: 'string', text: this.text.slice(start, this.pos), span: { start, end: this.pos }, value, offsets };
  }

  /** Consumes the punctuation `text` or fails saying what was expected. */
  expect(text: string, what: string): Token {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw unexpected(token, what);
    return token;
  }

  accept(text: string): Token | undefined {
    const token = this.peek();
    if ((token.kind === 'punct' || token.kind === 'ident') && token.text === text) return this.next();
    return undefined;
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the spec';
  if (token.kind === 'string') return `the string ${token.text}`;
  return `"${token.text}"`;
}

function unexpected(token: Token, expected: string): SpecProblem {
  return new SpecProblem(
    `expected ${expected}, found ${describe(token)}`,
    token.kind === 'end' ? { start: token.span.start, end: token.span.start + 1 } : token.span,
  );
}

const span = (start: number, end: number): Span => ({ start, end });

// ---------------------------------------------------------------------------
// Probe targets
// ---------------------------------------------------------------------------

/** Characters of a library path or function name (globs and C++/versioned symbols included). */
const TARGET_PART = /^[\w./@$*?+\-~[\]]*$/;

/**
 * Reads `[type:][library:]function` or `t:category:event` from the scanner:
 * the run of characters up to white space or `(`, or, for argdist, up to the
 * colon after the function. One part is a kernel function (`vfs_read`), two a
 * library and a function (`c:malloc`), three a type and the rest.
 */
function parseTarget(scanner: Scanner, options: { stopAtThirdColon: boolean; defaultType: 'p' | 'r' }): ProbeTarget {
  scanner.skipSpace();
  const start = scanner.pos;
  const text = scanner.text;
  const partStarts = [start];
  let at = start;
  while (at < text.length && !/[\s(#]/.test(text[at] as string)) {
    if (text[at] === ':') {
      // argdist's u:library:provider:probe is told from u:library:probe:type by the signature's "(" after it.
      if (options.stopAtThirdColon && partStarts.length === 3 && !(text.slice(start, start + 2) === 'u:' && /^:[\w.@$-]+\(/.test(text.slice(at)))) break;
      partStarts.push(at + 1);
    }
    at++;
  }
  scanner.pos = at;
  if (at === start)
    throw new SpecProblem('expected a probe: t:category:event, p:library:function, r:library:function or a kernel function', span(start, start + 1));
  const parts = partStarts.map((partStart, index) => {
    const partEnd = index + 1 < partStarts.length ? (partStarts[index + 1] as number) - 1 : at;
    return { text: text.slice(partStart, partEnd), span: span(partStart, partEnd) };
  });
  const usdtProvider = parts.length === 4 && parts[0]?.text === 'u' ? parts.splice(2, 1)[0] : undefined;
  if (parts.length > 3) {
    const extra = parts[3] as { span: Span };
    throw new SpecProblem('too many ":" in the probe: expected type:library:function or t:category:event', span(extra.span.start - 1, extra.span.start));
  }
  let type: string = options.defaultType;
  let rest = parts;
  if (parts.length === 3) {
    const typePart = parts[0] as { text: string; span: Span };
    if (!PROBE_TYPES.has(typePart.text)) {
      throw new SpecProblem(`unknown probe type "${typePart.text}": expected p (function entry), r (return), t (tracepoint) or u (USDT)`, typePart.span);
    }
    type = typePart.text;
    rest = parts.slice(1);
  } else if (parts.length === 2 && (parts[0]?.text === 't' || parts[0]?.text === 'u')) {
    throw new SpecProblem(`expected ${parts[0].text === 't' ? 't:category:event' : 'u:library:probe'}`, span(start, at));
  }
  const fullSpan = span(start, at);
  if (rest.length === 1) rest = [{ text: '', span: span(start, start) }, rest[0] as { text: string; span: Span }];
  const [first, second] = rest as [{ text: string; span: Span }, { text: string; span: Span }];
  for (const part of [first, second]) {
    if (!TARGET_PART.test(part.text)) {
      const bad = [...part.text].findIndex((char) => !TARGET_PART.test(char));
      throw new SpecProblem(`unexpected character "${part.text[bad]}" in the probe`, span(part.span.start + bad, part.span.start + bad + 1));
    }
  }
  if (type === 't') {
    if (first.text === '' || second.text === '') {
      throw new SpecProblem('expected t:category:event, e.g. t:syscalls:sys_enter_read', first.text === '' ? first.span : second.span);
    }
    return { kind: 'tracepoint', category: first.text, event: second.text, span: fullSpan, categorySpan: first.span, eventSpan: second.span };
  }
  if (second.text === '')
    throw new SpecProblem(
      type === 'u' ? 'expected the USDT probe name after library:' : 'expected a function name',
      span(second.span.start, second.span.start + 1),
    );
  if (type === 'u') {
    if (first.text === '') throw new SpecProblem('expected the library or binary of the USDT probe (u:library:probe)', first.span);
    if (usdtProvider && !/^[\w.-]+$/.test(usdtProvider.text))
      throw new SpecProblem('expected a USDT provider name (u:library:provider:probe)', usdtProvider.span);
    return {
      kind: 'usdt',
      library: first.text,
      ...(usdtProvider ? { provider: usdtProvider.text } : {}),
      probe: second.text,
      span: fullSpan,
      librarySpan: first.span,
      probeSpan: second.span,
    };
  }
  return {
    kind: 'function',
    retprobe: type === 'r',
    library: first.text,
    function: second.text,
    span: fullSpan,
    librarySpan: first.span,
    functionSpan: second.span,
  };
}

// ---------------------------------------------------------------------------
// C types and signatures
// ---------------------------------------------------------------------------

function isTypeStart(token: Token): boolean {
  return token.kind === 'ident' && TYPE_WORDS.has(token.text);
}

/** A C type: words then stars (`const char *`, `struct sock *`, `unsigned long`). Stops before `name` when `named`. */
function parseType(scanner: Scanner, named: boolean): { type: CType; name?: Token } {
  const words: Token[] = [];
  let pointers = 0;
  const start = scanner.peek().span.start;
  let end = start;
  for (;;) {
    const token = scanner.peek();
    if (token.kind === 'ident' && pointers === 0) {
      words.push(scanner.next());
      end = token.span.end;
    } else if (token.kind === 'punct' && token.text === '*') {
      scanner.next();
      pointers++;
      end = token.span.end;
    } else if (named && token.kind === 'ident' && pointers > 0) {
      break;
    } else break;
  }
  let name: Token | undefined;
  if (named) {
    // The last word is the parameter's name unless it is a type word itself (`int` alone, unnamed).
    const last = words.at(-1);
    if (pointers > 0) {
      const token = scanner.peek();
      if (token.kind === 'ident') name = scanner.next();
    } else if (last && words.length > 1 && !TYPE_WORDS.has(last.text)) {
      name = words.pop();
      end = words.at(-1)?.span.end ?? start;
    }
  }
  if (words.length === 0) throw unexpected(scanner.peek(), 'a C type (int, u64, char *, struct sock *...)');
  const qualifiers = new Set(['const', 'volatile']);
  const base = words
    .filter((word) => !qualifiers.has(word.text))
    .map((word) => word.text)
    .join(' ');
  const text = `${words.map((word) => word.text).join(' ')}${pointers > 0 ? ` ${'*'.repeat(pointers)}` : ''}`;
  return { type: { text, base, pointers, span: span(start, end) }, ...(name ? { name } : {}) };
}

/** `(type name, ...)` right after a function: the names the filter, format and expressions may use. */
function parseSignature(scanner: Scanner): SignatureParam[] {
  scanner.expect('(', '"("');
  const params: SignatureParam[] = [];
  if (scanner.accept(')')) return params;
  const voidOnly = scanner.peek();
  if (voidOnly.kind === 'ident' && voidOnly.text === 'void') {
    const saved = scanner.pos;
    scanner.next();
    if (scanner.accept(')')) return params;
    scanner.pos = saved;
  }
  for (;;) {
    const { type, name } = parseType(scanner, true);
    if (!name) throw unexpected(scanner.peek(), `a parameter name after the type "${type.text}"`);
    if (params.some((param) => param.name === name.text)) throw new SpecProblem(`parameter "${name.text}" is named twice`, name.span);
    params.push({ type, name: name.text, span: span(type.span.start, name.span.end) });
    const separator = scanner.next();
    if (separator.kind === 'punct' && separator.text === ')') return params;
    if (separator.kind !== 'punct' || separator.text !== ',') throw unexpected(separator, '"," or ")" in the signature');
  }
}

// ---------------------------------------------------------------------------
// Expressions: one C-like grammar (precedence climbing), then sorted into
// filters (comparisons joined by && || !) and values.
// ---------------------------------------------------------------------------

type Node =
  | { kind: 'value'; value: ValueExpr; span: Span }
  | { kind: 'binary'; op: string; left: Node; right: Node; span: Span; opSpan: Span }
  | { kind: 'not'; operand: Node; span: Span }
  | { kind: 'strcmp'; literal: ValueExpr; operand: ValueExpr; span: Span };

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

// As bcc's trace has them: $pid is the kernel's pid, a thread; $tgid the process.
const BUILTINS: Record<string, Builtin | 'retval'> = {
  $pid: 'tid',
  $tid: 'tid',
  $tgid: 'pid',
  $uid: 'uid',
  $gid: 'gid',
  $cpu: 'cpu',
  $comm: 'comm',
  $task: 'comm',
  $latency: 'latency',
  $retval: 'retval',
};

class ExpressionParser {
  constructor(private readonly scanner: Scanner) {}

  parse(minPrecedence = 1): Node {
    let left = this.unary();
    for (;;) {
      const token = this.scanner.peek();
      const precedence = token.kind === 'punct' ? BINARY_PRECEDENCE[token.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.scanner.next();
      const right = this.parse(precedence + 1);
      left = { kind: 'binary', op: token.text, left, right, span: span(left.span.start, right.span.end), opSpan: token.span };
    }
  }

  unary(): Node {
    const token = this.scanner.peek();
    if (token.kind === 'punct' && token.text === '!') {
      this.scanner.next();
      const operand = this.unary();
      return { kind: 'not', operand, span: span(token.span.start, operand.span.end) };
    }
    if (token.kind === 'punct' && token.text === '-') {
      this.scanner.next();
      const operand = this.unary();
      if (operand.kind === 'value' && operand.value.kind === 'number') {
        const value = -operand.value.value;
        const negative = span(token.span.start, operand.span.end);
        return { kind: 'value', value: { kind: 'number', value, span: negative }, span: negative };
      }
      throw new SpecProblem('only a number can be negated here', span(token.span.start, operand.span.end));
    }
    if (token.kind === 'punct' && token.text === '*') {
      throw new SpecProblem('dereferencing a pointer is not supported: read strings with %s or a char * parameter, integers as arguments', token.span);
    }
    if (token.kind === 'punct' && token.text === '(') {
      this.scanner.next();
      const inside = this.scanner.peek();
      if (isTypeStart(inside)) {
        const { type } = parseType(this.scanner, false);
        this.scanner.expect(')', '")" to close the cast');
        const operand = this.unary();
        const operandValue = this.toValue(operand);
        const castSpan = span(token.span.start, operand.span.end);
        return { kind: 'value', value: { kind: 'cast', type, operand: operandValue, span: castSpan }, span: castSpan };
      }
      const node = this.parse();
      const close = this.scanner.next();
      if (close.kind !== 'punct' || close.text !== ')') throw unexpected(close, `")" to close the "(" at character ${token.span.start + 1}`);
      return { ...node, span: span(token.span.start, close.span.end) };
    }
    return this.primary();
  }

  primary(): Node {
    const token = this.scanner.next();
    const value = (expr: ValueExpr): Node => ({ kind: 'value', value: expr, span: expr.span });
    switch (token.kind) {
      case 'number':
        return value({ kind: 'number', value: token.number ?? 0n, span: token.span });
      case 'string':
        return value({ kind: 'string', value: token.value ?? '', span: token.span });
      case 'dollar': {
        const builtin = BUILTINS[token.text.toLowerCase()];
        if (builtin === undefined) {
          if (token.text === '$entry') throw new SpecProblem("argdist's $entry() is not supported: keep the value at entry with a p: probe", token.span);
          throw new SpecProblem(`unknown special value ${token.text}: expected $retval, $pid, $tgid, $uid, $gid, $cpu, $comm or $latency`, token.span);
        }
        if (builtin === 'retval') return value({ kind: 'retval', span: token.span });
        return value({ kind: 'builtin', name: builtin, span: token.span });
      }
      case 'ident': {
        if (token.text === 'args' && this.scanner.peek().text === '->') {
          this.scanner.next();
          const field = this.scanner.next();
          if (field.kind !== 'ident') throw unexpected(field, 'a field name after "args->"');
          return value({ kind: 'field', name: field.text, span: span(token.span.start, field.span.end) });
        }
        if (token.text === 'STRCMP') return this.strcmp(token);
        const arg = /^arg([1-9]\d?)$/.exec(token.text);
        if (arg) {
          const index = Number(arg[1]);
          // Functions pass six in registers (checked where the probe is known); a USDT probe has up to twelve.
          if (index > 12) throw new SpecProblem('arguments go up to arg12 (a USDT probe has at most twelve)', token.span);
          return value({ kind: 'arg', index, span: token.span });
        }
        if (token.text === 'retval') return value({ kind: 'retval', span: token.span });
        return value({ kind: 'name', name: token.text, span: token.span });
      }
      default:
        throw unexpected(token, 'a value: args->field, a parameter name, arg1..arg6, $retval, $pid, a number or a string');
    }
  }

  /** bcc trace's STRCMP("literal", expr): true when they are equal. */
  strcmp(name: Token): Node {
    this.scanner.expect('(', '"(" after STRCMP');
    const literal = this.toValue(this.parse());
    this.scanner.expect(',', '"," between the two strings of STRCMP');
    const operand = this.toValue(this.parse());
    const close = this.scanner.expect(')', '")" to close STRCMP');
    if (literal.kind !== 'string') throw new SpecProblem('STRCMP compares a string literal with a value: STRCMP("bash", $comm)', literal.span);
    return { kind: 'strcmp', literal, operand, span: span(name.span.start, close.span.end) };
  }

  /** A node used where a value is needed (an operand, an argument). */
  toValue(node: Node): ValueExpr {
    switch (node.kind) {
      case 'value':
        return node.value.kind === 'number' || node.value.kind === 'string' ? { ...node.value, span: node.span } : node.value;
      case 'binary': {
        if (node.op === '&' || node.op === '/' || node.op === '>>') {
          const right = this.toValue(node.right);
          if (right.kind !== 'number' || right.value <= 0n) {
            throw new SpecProblem(`the right side of "${node.op}" must be a positive constant`, right.span);
          }
          return { kind: 'binary', op: node.op, left: this.toValue(node.left), right, span: node.span };
        }
        if (BINARY_PRECEDENCE[node.op] !== undefined && (BINARY_PRECEDENCE[node.op] ?? 0) <= 7 && node.op !== '|') {
          throw new SpecProblem(`expected a value, found a condition ("${node.op}")`, node.opSpan);
        }
        throw new SpecProblem(
          `the operator "${node.op}" is not supported here: values can be masked (&), divided (/) or shifted (>>) by a constant`,
          node.opSpan,
        );
      }
      case 'not':
      case 'strcmp':
        throw new SpecProblem('expected a value, found a condition', node.span);
      default: {
        const unreachable: never = node;
        return unreachable;
      }
    }
  }

  /** A node used as a condition. */
  toFilter(node: Node): Filter {
    switch (node.kind) {
      case 'not':
        return { kind: 'not', operand: this.toFilter(node.operand), span: node.span };
      case 'strcmp':
        return { kind: 'compare', op: '==', left: node.operand, right: node.literal, span: node.span };
      case 'binary': {
        if (node.op === '&&' || node.op === '||') {
          return { kind: node.op === '&&' ? 'and' : 'or', left: this.toFilter(node.left), right: this.toFilter(node.right), span: node.span };
        }
        if (['==', '!=', '<', '<=', '>', '>='].includes(node.op)) {
          return { kind: 'compare', op: node.op as CompareOp, left: this.toValue(node.left), right: this.toValue(node.right), span: node.span };
        }
        return { kind: 'truthy', value: this.toValue(node), span: node.span };
      }
      case 'value':
        return { kind: 'truthy', value: this.toValue(node), span: node.span };
      default: {
        const unreachable: never = node;
        return unreachable;
      }
    }
  }
}

/** `(filter)`: a parenthesized condition. */
function parseParenthesizedFilter(scanner: Scanner): Filter {
  const open = scanner.expect('(', '"(" to start the filter');
  const parser = new ExpressionParser(scanner);
  const node = parser.parse();
  const close = scanner.next();
  if (close.kind !== 'punct' || close.text !== ')') throw unexpected(close, `")" to close the filter opened at character ${open.span.start + 1}`);
  return parser.toFilter(node);
}

// ---------------------------------------------------------------------------
// Format strings
// ---------------------------------------------------------------------------

const CONVERSION = /^%([-+ 0#]*)(\d+)?(?:\.(\d+))?(hh|h|ll|l|z|j|t)?([diouxXcspKU%])?/;

/** Splits trace's format string into text and conversions; each conversion keeps its position in the spec. */
export function parseFormat(token: { value?: string; offsets?: number[]; span: Span }): FormatPart[] {
  const value = token.value ?? '';
  const offsets = token.offsets ?? [];
  const parts: FormatPart[] = [];
  let text = '';
  for (let at = 0; at < value.length;) {
    if (value[at] !== '%') {
      text += value[at];
      at++;
      continue;
    }
    const match = CONVERSION.exec(value.slice(at)) as RegExpExecArray;
    const start = offsets[at] ?? token.span.start;
    const end = (offsets[at + match[0].length - 1] ?? start) + 1;
    const conversion = match[5];
    if (conversion === undefined) {
      throw new SpecProblem('unknown conversion in the format: expected %d, %u, %x, %s, %c, %p or %%', span(start, Math.max(end, start + 2)));
    }
    if (conversion === '%') {
      text += '%';
      at += match[0].length;
      continue;
    }
    if (conversion === 'K' || conversion === 'U') {
      throw new SpecProblem(`%${conversion} (symbol of an address) is not supported; print the address with %p or %x`, span(start, end));
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    const parsed: FormatConversion = { text: match[0], conversion, flags: match[1] ?? '', span: span(start, end) };
    if (match[2] !== undefined) parsed.width = Number(match[2]);
    if (match[3] !== undefined) parsed.precision = Number(match[3]);
    parts.push({ kind: 'conversion', conversion: parsed });
    at += match[0].length;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

// ---------------------------------------------------------------------------
// The specs
// ---------------------------------------------------------------------------

function checkLength(text: string): void {
  if (text.length > MAX_SPEC_LENGTH) throw new SpecProblem(`a spec is at most ${MAX_SPEC_LENGTH} characters`, span(MAX_SPEC_LENGTH, text.length));
  if (text.trim() === '') throw new SpecProblem('the spec is empty: expected a probe such as t:syscalls:sys_enter_read', span(0, 1));
}

function expectEnd(scanner: Scanner, what: string): void {
  const token = scanner.peek();
  if (token.kind !== 'end') throw unexpected(token, what);
}

/** trace's probe: `probe[(signature)] [(filter)] ["format"[, arg]...]`. */
export function parseTraceSpec(text: string): TraceSpec {
  checkLength(text);
  const scanner = new Scanner(text);
  const target = parseTarget(scanner, { stopAtThirdColon: false, defaultType: 'p' });
  const spec: TraceSpec = { text, target, args: [] };
  // A "(" touching a function is its signature; after a tracepoint it can only be the filter.
  if (target.kind !== 'tracepoint' && text[scanner.pos] === '(') spec.signature = parseSignature(scanner);
  if (scanner.peek().text === '(' && scanner.peek().kind === 'punct') spec.filter = parseParenthesizedFilter(scanner);
  const next = scanner.peek();
  if (next.kind === 'string') {
    const format = scanner.next();
    spec.format = { parts: parseFormat(format), span: format.span };
    const parser = new ExpressionParser(scanner);
    while (scanner.accept(',')) spec.args.push(parser.toValue(parser.parse()));
    const conversions = spec.format.parts.filter((part) => part.kind === 'conversion');
    if (spec.args.length > MAX_FORMAT_ARGS) {
      throw new SpecProblem(`at most ${MAX_FORMAT_ARGS} arguments to print`, (spec.args[MAX_FORMAT_ARGS] as ValueExpr).span);
    }
    if (conversions.length !== spec.args.length) {
      const extra = spec.args[conversions.length];
      if (extra)
        throw new SpecProblem(
          `the format has ${conversions.length} conversion${conversions.length === 1 ? '' : 's'} but this is argument ${conversions.length + 1}`,
          extra.span,
        );
      throw new SpecProblem(
        `the format has ${conversions.length} conversions but ${spec.args.length} argument${spec.args.length === 1 ? '' : 's'} follow it: expected "," and a value`,
        (conversions[spec.args.length] as { conversion: FormatConversion }).conversion.span,
      );
    }
    expectEnd(scanner, '"," and another argument, or the end of the spec');
  } else if (next.kind !== 'end') {
    throw unexpected(
      next,
      spec.filter ? 'a format string ("...") or the end of the spec' : 'a filter in parentheses, a format string ("...") or the end of the spec',
    );
  }
  return spec;
}

/** argdist's specifier. */
export function parseArgdistSpec(text: string): ArgdistSpec {
  checkLength(text);
  const scanner = new Scanner(text);
  const target = parseTarget(scanner, { stopAtThirdColon: true, defaultType: 'p' });
  const spec: ArgdistSpec = { text, target, types: [], exprs: [] };
  if (text[scanner.pos] === '(') {
    if (target.kind === 'tracepoint') {
      scanner.expect('(', '"("');
      scanner.expect(')', '")": a tracepoint takes no signature, its fields are args->name');
    } else spec.signature = parseSignature(scanner);
  }
  const parser = new ExpressionParser(scanner);
  if (scanner.accept(':')) {
    spec.types.push(parseType(scanner, false).type);
    while (scanner.accept(',')) spec.types.push(parseType(scanner, false).type);
    scanner.expect(':', '":" and the expressions after the types');
    spec.exprs.push(parser.toValue(parser.parse()));
    while (scanner.accept(',')) spec.exprs.push(parser.toValue(parser.parse()));
    if (spec.exprs.length !== spec.types.length) {
      const at = spec.exprs[Math.min(spec.exprs.length, spec.types.length) - 1] as ValueExpr;
      throw new SpecProblem(
        `${spec.types.length} type${spec.types.length === 1 ? '' : 's'} but ${spec.exprs.length} expression${spec.exprs.length === 1 ? '' : 's'}: give one type for each`,
        at.span,
      );
    }
    if (scanner.accept(':')) spec.filter = parser.toFilter(parser.parse());
  }
  const next = scanner.peek();
  if (next.kind === 'punct' && next.text === '#') {
    scanner.next();
    spec.label = text.slice(scanner.pos).trim();
    if (spec.label === '') throw new SpecProblem('expected a label after "#"', span(next.span.end, next.span.end + 1));
    scanner.pos = text.length;
  }
  expectEnd(
    scanner,
    spec.types.length === 0
      ? '":" and the types, "#" and a label, or the end of the specifier'
      : '":" and a filter, "#" and a label, or the end of the specifier',
  );
  return spec;
}

/** funccount's, funclatency's and stackcount's pattern: one probe, no filter. */
export function parsePatternSpec(text: string): PatternSpec {
  checkLength(text);
  const scanner = new Scanner(text);
  const target = parseTarget(scanner, { stopAtThirdColon: false, defaultType: 'p' });
  expectEnd(scanner, 'the end of the pattern ([type:][library:]function or t:category:event)');
  return { text, target };
}
