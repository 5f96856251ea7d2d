import { describe, expect, it } from 'vitest';
import { SpecProblem, parseArgdistSpec, parsePatternSpec, parseTraceSpec } from '../src/index.js';

/** The problem a spec has: where (0-based) and what. */
function problemOf(parse: () => unknown): { at: number; end: number; message: string } {
  try {
    parse();
  } catch (error) {
    if (error instanceof SpecProblem) return { at: error.span.start, end: error.span.end, message: error.message };
    throw error;
  }
  throw new Error('expected a SpecProblem');
}

describe("trace's probes", () => {
  it("parses the talk's example: a tracepoint, a filter, a format and its argument", () => {
    const spec = parseTraceSpec('t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count');
    expect(spec.target).toMatchObject({ kind: 'tracepoint', category: 'syscalls', event: 'sys_enter_read', span: { start: 0, end: 25 } });
    expect(spec.filter).toMatchObject({
      kind: 'compare',
      op: '>',
      left: { kind: 'field', name: 'count', span: { start: 27, end: 38 } },
      right: { kind: 'number', value: 20000n },
    });
    expect(spec.format?.parts).toEqual([
      { kind: 'text', text: 'read ' },
      { kind: 'conversion', conversion: { text: '%d', conversion: 'd', flags: '', span: { start: 54, end: 56 } } },
      { kind: 'text', text: ' bytes' },
    ]);
    expect(spec.args).toEqual([{ kind: 'field', name: 'count', span: { start: 65, end: 76 } }]);
  });

  it('reads bcc target forms: p:lib:func, r:lib:func, a bare kernel function, lib:func, a path, a signature', () => {
    expect(parseTraceSpec('p:c:malloc').target).toMatchObject({ kind: 'function', retprobe: false, library: 'c', function: 'malloc' });
    expect(parseTraceSpec('r:c:malloc "%p", retval').target).toMatchObject({ kind: 'function', retprobe: true, library: 'c', function: 'malloc' });
    expect(parseTraceSpec('r::do_sys_open').target).toMatchObject({ kind: 'function', retprobe: true, library: '', function: 'do_sys_open' });
    expect(parseTraceSpec('sys_read (arg3 > 20000) "read %d bytes", arg3').target).toMatchObject({ kind: 'function', library: '', function: 'sys_read' });
    expect(parseTraceSpec('c:open').target).toMatchObject({ kind: 'function', library: 'c', function: 'open' });
    expect(parseTraceSpec('p:/usr/bin/bash:readline').target).toMatchObject({ library: '/usr/bin/bash', function: 'readline' });
    const spec = parseTraceSpec('p:c:write(int fd, const void *buf, size_t count) (count > 1024 && fd != 1) "fd %d wrote %d", fd, count');
    expect(spec.signature?.map((param) => [param.type.text, param.name])).toEqual([
      ['int', 'fd'],
      ['const void *', 'buf'],
      ['size_t', 'count'],
    ]);
    expect(spec.filter?.kind).toBe('and');
    expect(spec.args.map((arg) => arg.kind)).toEqual(['name', 'name']);
  });

  it('reads filters with !, ||, masks, casts, strings, STRCMP and builtins', () => {
    const spec = parseTraceSpec('t:sched:sched_switch (!(args->prev_state & 1) || STRCMP("bash", args->next_comm)) "%s", $comm');
    expect(spec.filter).toMatchObject({
      kind: 'or',
      left: { kind: 'not', operand: { kind: 'truthy', value: { kind: 'binary', op: '&' } } },
      right: { kind: 'compare', op: '==', left: { kind: 'field', name: 'next_comm' }, right: { kind: 'string', value: 'bash' } },
    });
    expect(spec.args[0]).toMatchObject({ kind: 'builtin', name: 'comm' });
    expect(parseTraceSpec('p:c:puts ((char *)arg1 == "hi")').filter).toMatchObject({
      left: { kind: 'cast', type: { text: 'char *', pointers: 1, base: 'char' } },
    });
    expect(parseTraceSpec('t:a:b (args->x == -1)').filter).toMatchObject({ right: { kind: 'number', value: -1n } });
    expect(parseTraceSpec('t:a:b (0x10 <= args->x)').filter).toMatchObject({ op: '<=', left: { kind: 'number', value: 16n } });
  });

  it('points at an unbalanced parenthesis and says what was expected', () => {
    expect(problemOf(() => parseTraceSpec('t:syscalls:sys_enter_read (args->count > 20000 "read"'))).toEqual({
      at: 47,
      end: 53,
      message: 'expected ")" to close the filter opened at character 27, found the string "read"',
    });
    expect(problemOf(() => parseTraceSpec('t:a:b ((args->x > 1) "x"'))).toMatchObject({ at: 21, message: expect.stringContaining('")" to close the filter') });
    expect(problemOf(() => parseTraceSpec('t:a:b (args->x > 1))'))).toMatchObject({
      at: 19,
      message: 'expected a format string ("...") or the end of the spec, found ")"',
    });
  });

  it('checks formats against their arguments', () => {
    expect(problemOf(() => parseTraceSpec('t:a:b "%d %d", args->x'))).toMatchObject({
      at: 10,
      message: expect.stringContaining('2 conversions but 1 argument'),
    });
    expect(problemOf(() => parseTraceSpec('t:a:b "%d", args->x, args->y'))).toMatchObject({ at: 21, message: expect.stringContaining('this is argument 2') });
    expect(problemOf(() => parseTraceSpec('t:a:b "%f", args->x'))).toMatchObject({ at: 7, message: expect.stringContaining('unknown conversion') });
    expect(problemOf(() => parseTraceSpec('t:a:b "%K", args->x'))).toMatchObject({ at: 7, message: expect.stringContaining('%K') });
    expect(problemOf(() => parseTraceSpec('t:a:b "unterminated'))).toMatchObject({ at: 6, message: expect.stringContaining('unterminated string') });
  });

  it('refuses malformed targets with their position', () => {
    expect(problemOf(() => parseTraceSpec('x:c:malloc'))).toMatchObject({ at: 0, end: 1, message: expect.stringContaining('unknown probe type "x"') });
    expect(problemOf(() => parseTraceSpec('t:syscalls'))).toMatchObject({ at: 0, message: 'expected t:category:event' });
    expect(problemOf(() => parseTraceSpec('t::sys_enter_read'))).toMatchObject({ at: 2, message: expect.stringContaining('t:category:event') });
    expect(problemOf(() => parseTraceSpec('p:c:'))).toMatchObject({ at: 4, message: 'expected a function name' });
    expect(problemOf(() => parseTraceSpec('a:b:c:d'))).toMatchObject({ at: 5, message: expect.stringContaining('too many ":"') });
    expect(problemOf(() => parseTraceSpec('   '))).toMatchObject({ message: expect.stringContaining('empty') });
  });

  it('refuses what it does not support, saying so', () => {
    expect(problemOf(() => parseTraceSpec('p:c:f (*arg1 == 1)'))).toMatchObject({ at: 7, message: expect.stringContaining('dereferencing') });
    expect(problemOf(() => parseTraceSpec('p:c:f (arg1 + 1 > 2)'))).toMatchObject({ at: 12, message: expect.stringContaining('"+" is not supported') });
    expect(problemOf(() => parseTraceSpec('p:c:f ($nope > 2)'))).toMatchObject({
      at: 7,
      end: 12,
      message: expect.stringContaining('unknown special value $nope'),
    });
    expect(problemOf(() => parseTraceSpec('p:c:f "%d", arg1 > 2'))).toMatchObject({ message: 'expected a value, found a condition (">")' });
  });
});

describe("argdist's specifiers", () => {
  it('parses -H and -C forms with signatures, types, expressions, filters and labels', () => {
    const spec = parseArgdistSpec('p::tcp_cleanup_rbuf(struct sock *sk, int copied):int:copied');
    expect(spec.target).toMatchObject({ kind: 'function', library: '', function: 'tcp_cleanup_rbuf' });
    expect(spec.signature?.map((param) => [param.type.text, param.name])).toEqual([
      ['struct sock *', 'sk'],
      ['int', 'copied'],
    ]);
    expect(spec.types.map((type) => type.text)).toEqual(['int']);
    expect(spec.exprs).toMatchObject([{ kind: 'name', name: 'copied' }]);
    const counted = parseArgdistSpec('p:c:write(int fd, const void *buf, size_t count):int,size_t:fd,count:fd==1#writes to stdout');
    expect(counted.types.map((type) => type.text)).toEqual(['int', 'size_t']);
    expect(counted.filter).toMatchObject({ kind: 'compare', op: '==' });
    expect(counted.label).toBe('writes to stdout');
    expect(parseArgdistSpec('t:syscalls:sys_enter_read():u64:args->count').exprs).toMatchObject([{ kind: 'field', name: 'count' }]);
    expect(parseArgdistSpec('t:syscalls:sys_enter_read:u64:args->count').exprs).toMatchObject([{ kind: 'field', name: 'count' }]);
    expect(parseArgdistSpec('r:c:read():u64:$latency').exprs).toMatchObject([{ kind: 'builtin', name: 'latency' }]);
    expect(parseArgdistSpec('r:c:gets():char*:$retval').types[0]).toMatchObject({ pointers: 1, base: 'char' });
    expect(parseArgdistSpec('p:c:malloc').types).toEqual([]);
  });

  it('points at type and expression mistakes', () => {
    expect(problemOf(() => parseArgdistSpec('p:c:write(int fd):int,int:fd'))).toMatchObject({
      at: 26,
      message: expect.stringContaining('2 types but 1 expression'),
    });
    expect(problemOf(() => parseArgdistSpec('p:c:write(int):int:fd'))).toMatchObject({
      message: expect.stringContaining('a parameter name after the type "int"'),
    });
    expect(problemOf(() => parseArgdistSpec('p:c:write(int fd:int:fd'))).toMatchObject({
      at: 16,
      message: expect.stringContaining('"," or ")" in the signature'),
    });
    expect(problemOf(() => parseArgdistSpec('t:syscalls:sys_enter_read(u64 x):u64:x'))).toMatchObject({
      message: expect.stringContaining('takes no signature'),
    });
  });
});

describe('funccount, funclatency and stackcount patterns', () => {
  it('reads bcc pattern forms', () => {
    expect(parsePatternSpec('t:syscalls:sys_enter_*').target).toMatchObject({ kind: 'tracepoint', category: 'syscalls', event: 'sys_enter_*' });
    expect(parsePatternSpec('c:malloc*').target).toMatchObject({ kind: 'function', library: 'c', function: 'malloc*' });
    expect(parsePatternSpec('vfs_*').target).toMatchObject({ kind: 'function', library: '', function: 'vfs_*' });
    expect(parsePatternSpec('p:/tmp/x:f').target).toMatchObject({ kind: 'function', library: '/tmp/x', function: 'f' });
    expect(parsePatternSpec('u:/usr/lib/libc.so.6:setjmp').target).toMatchObject({ kind: 'usdt', probe: 'setjmp' });
    expect(problemOf(() => parsePatternSpec('c:malloc (x)'))).toMatchObject({ at: 9, message: expect.stringContaining('the end of the pattern') });
  });
});

describe('USDT probes', () => {
  it('reads u:library:probe and u:library:provider:probe, in trace, argdist and patterns', () => {
    expect(parsePatternSpec('u:c:setjmp').target).toEqual({
      kind: 'usdt',
      library: 'c',
      probe: 'setjmp',
      span: { start: 0, end: 10 },
      librarySpan: { start: 2, end: 3 },
      probeSpan: { start: 4, end: 10 },
    });
    expect(parsePatternSpec('u:c:libc:setjmp').target).toMatchObject({
      kind: 'usdt',
      library: 'c',
      provider: 'libc',
      probe: 'setjmp',
      probeSpan: { start: 9, end: 15 },
    });
    expect(parseTraceSpec('u:/tmp/t:demo:tick (arg1 > 2) "%d %d", arg1, arg2').target).toMatchObject({ provider: 'demo', probe: 'tick' });
    // argdist: a provider is followed by the signature's "(", else the part after the probe is the type.
    expect(parseArgdistSpec('u:/tmp/t:demo:tick():int:arg1')).toMatchObject({
      target: { provider: 'demo', probe: 'tick' },
      exprs: [{ kind: 'arg', index: 1 }],
    });
    const noProvider = parseArgdistSpec('u:/tmp/t:tick:int:arg1');
    expect(noProvider.target).toMatchObject({ kind: 'usdt', probe: 'tick' });
    expect(noProvider.target).not.toHaveProperty('provider');
    expect(noProvider.types.map((type) => type.text)).toEqual(['int']);
    expect(problemOf(() => parsePatternSpec('u:c:a:b:c'))).toMatchObject({ message: expect.stringContaining('too many ":"') });
  });
});
