import { describe, expect, it } from 'vitest';
import type { ProbeForm, SpecSyntax } from './probeForm';
import {
  EMPTY_FORM,
  filterValue,
  formFromSpec,
  functionValues,
  lastItem,
  lineIndexAt,
  replaceLastItem,
  replaceLine,
  specFromForm,
  specSyntax,
  usdtArgsText,
} from './probeForm';

// Specs from bcc's man pages and examples (trace, argdist, funccount, funclatency, stackcount), as bcc writes them.
// Canonical: the form writes them back character for character.
const CANONICAL: Record<SpecSyntax, string[]> = {
  trace: [
    't:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count',
    't:syscalls:sys_enter_openat "open %s", args->filename',
    't:block:block_rq_complete "sectors=%d", args->nr_sector',
    'p:c:malloc(size_t size) (size > 4096) "%d", size',
    'r:c:malloc "ret %p", retval',
    'r::do_sys_open "%llx", retval',
    'p:/usr/bin/bash:readline',
    'p:c:write(int fd, const char *buf, size_t count) (fd == 1) "%s", buf',
    'r:c:malloc ($retval == 0) "malloc failed"',
    'p:c:malloc (size > 4096)',
    't:sched:sched_process_exec (args->filename == "/bin/ls")',
    't:syscalls:sys_enter_write "wrote \\"%d\\"\\n", args->count',
    't:sched:sched_switch ($comm != "swapper/0") "%s -> %s", args->prev_comm, args->next_comm',
    't:syscalls:sys_enter_* ($tgid == 1234)',
    'p:c:open(char *filename) (filename == "test.txt") "opening %s", filename',
    't:syscalls:sys_enter_kill (args->sig == -9) "%d", args->pid',
    'p:c:malloc ((arg1 & 0xff) == 0x10) "%x", arg1',
    'u:pthread:pthread_create "%d", arg1',
    'u:/usr/bin/python3.11:python:gc__start (arg1 == 2) "gen %d", arg1',
  ],
  argdist: [
    'p:c:malloc(size_t size):size_t:size',
    'p::__kmalloc(size_t size):size_t:size',
    'r:c:read():u64:$latency',
    't:syscalls:sys_enter_read():u64:args->count',
    't:net:net_dev_xmit():u16:args->len',
    'p:c:write(int fd):int:fd',
    't:syscalls:sys_enter_openat():char*:args->filename',
    'p::tcp_cleanup_rbuf(struct sock *sk, int copied):int:copied',
    'p:c:write(int fd, const void *buf, size_t count):int,size_t:fd,count',
    't:irq:irq_handler_entry():int:args->irq',
    'p:c:write(int fd, const void *buf, size_t count):size_t:count:fd == 1',
    'p:c:malloc()',
    't:sched:sched_process_exec():char*:args->filename:$comm == "bash"',
    'u:/usr/bin/python3.11:python:gc__start():int:arg1',
    'u:pthread:pthread_start()',
  ],
  pattern: [
    'p:c:malloc',
    'r:c:malloc',
    't:sched:sched_switch',
    't:syscalls:sys_enter_*',
    'p::tcp_*',
    'p:/usr/lib/x86_64-linux-gnu/libc.so.6:getppid',
    'u:pthread:pthread_create',
    'u:/usr/bin/python3.11:python:gc__*',
  ],
};

// Specs the form reads, that it writes in its own way (the same probe): the text is only rewritten on a form edit.
const REWRITTEN: Array<{ syntax: SpecSyntax; text: string; written: string }> = [
  { syntax: 'trace', text: 'sys_read (arg3 > 20000) "read %d bytes", arg3', written: 'p::sys_read (arg3 > 20000) "read %d bytes", arg3' },
  { syntax: 'trace', text: 'c:malloc(size_t size)(size>4096)"%d",size', written: 'p:c:malloc(size_t size) (size > 4096) "%d", size' },
  {
    syntax: 'trace',
    text: 'p:c:open (STRCMP("test.txt", arg1)) "opening %s", arg1',
    written: 'p:c:open (arg1 == "test.txt") "opening %s", arg1',
  },
  { syntax: 'trace', text: 't:syscalls:sys_enter_kill (args->sig == - 9)', written: 't:syscalls:sys_enter_kill (args->sig == -9)' },
  { syntax: 'argdist', text: 'p:c:malloc', written: 'p:c:malloc()' },
  { syntax: 'argdist', text: 't:syscalls:sys_enter_read:u64:args->count', written: 't:syscalls:sys_enter_read():u64:args->count' },
  {
    syntax: 'argdist',
    text: 'p:c:write(int fd, const void *buf, size_t count):size_t:count:fd==1',
    written: 'p:c:write(int fd, const void *buf, size_t count):size_t:count:fd == 1',
  },
  { syntax: 'argdist', text: 'u:pthread:pthread_start', written: 'u:pthread:pthread_start()' },
  { syntax: 'pattern', text: 'c:malloc', written: 'p:c:malloc' },
  { syntax: 'pattern', text: 'vfs_read', written: 'p::vfs_read' },
  { syntax: 'pattern', text: 'tcp_*', written: 'p::tcp_*' },
];

// Specs the form cannot show: it stays read-only and says why; the text is left as it is.
const TEXT_ONLY: Array<{ syntax: SpecSyntax; text: string; note: RegExp; unparsed: boolean }> = [
  { syntax: 'trace', text: 't:syscalls:sys_enter_openat (args->dfd == -100 && args->flags & 1) "x"', note: /joins conditions with &&/, unparsed: false },
  { syntax: 'trace', text: 't:a:b (args->x == 1 || args->y == 2)', note: /joins conditions with \|\|/, unparsed: false },
  { syntax: 'trace', text: 't:sched:sched_switch (!(args->prev_state & 1))', note: /not one comparison/, unparsed: false },
  { syntax: 'trace', text: 't:sched:sched_switch (args->prev_state)', note: /not one comparison/, unparsed: false },
  { syntax: 'trace', text: 't:sched:sched_switch (args->prev_pid == args->next_pid)', note: /compares two values/, unparsed: false },
  { syntax: 'trace', text: 't:syscalls:sys_enter_read (20000 < args->count)', note: /compares two values/, unparsed: false },
  { syntax: 'trace', text: 'p::SyS_nanosleep(struct timespec *ts) "sleep for %lld ns", ts->tv_nsec', note: /does not parse/, unparsed: true },
  { syntax: 'trace', text: 't:syscalls:sys_enter_read (args->count > ', note: /does not parse/, unparsed: true },
  { syntax: 'argdist', text: 'p:c:puts(char *str):char*:str#puts strings', note: /label/, unparsed: false },
  {
    syntax: 'argdist',
    text: 'r::__vfs_read(void *file, void *buf, size_t count):size_t:$entry(count):$latency > 1000000',
    note: /does not parse/,
    unparsed: true,
  },
  { syntax: 'argdist', text: 'p:c:write(int fd, size_t n):int:fd:fd == 1 && n > 2', note: /joins conditions/, unparsed: false },
  { syntax: 'pattern', text: 'p:c:malloc(size_t size)', note: /does not parse/, unparsed: true },
];

const formOf = (syntax: SpecSyntax, text: string): ProbeForm => {
  const reading = formFromSpec(syntax, text);
  if (!('form' in reading)) throw new Error(`${text}: ${reading.note}`);
  return reading.form;
};

describe('spec ⇄ form', () => {
  for (const syntax of ['trace', 'argdist', 'pattern'] as const) {
    it(`writes back ${syntax}'s specs as bcc writes them, character for character`, () => {
      for (const text of CANONICAL[syntax]) expect(specFromForm(syntax, formOf(syntax, text))).toBe(text);
    });
  }

  it('writes specs the form reads but bcc spells otherwise as the same probe, and reads that back to the same form', () => {
    for (const { syntax, text, written } of REWRITTEN) {
      const form = formOf(syntax, text);
      expect(specFromForm(syntax, form)).toBe(written);
      expect(formOf(syntax, written)).toEqual(form);
    }
  });

  it('leaves what the form cannot show as text, read-only, saying why', () => {
    for (const { syntax, text, note, unparsed } of TEXT_ONLY) {
      const reading = formFromSpec(syntax, text);
      expect(reading, text).toMatchObject({ note: expect.stringMatching(note), unparsed });
    }
  });

  it('reads each part of a spec into its own field', () => {
    expect(formOf('trace', 'p:c:write(int fd, const char *buf, size_t count) (fd == 1) "%s\\n", buf')).toEqual({
      ...EMPTY_FORM,
      kind: 'uprobe',
      library: 'c',
      function: 'write',
      signature: 'int fd, const char *buf, size_t count',
      filter: { left: 'fd', op: '==', value: '1' },
      format: '%s\\n',
      args: 'buf',
    });
    expect(formOf('trace', 'r::vfs_read')).toMatchObject({ kind: 'kretprobe', library: '', function: 'vfs_read' });
    expect(formOf('argdist', 'p:c:write(int fd, size_t n):int,size_t:fd,n:n > 10')).toMatchObject({
      kind: 'uprobe',
      signature: 'int fd, size_t n',
      types: 'int,size_t',
      exprs: 'fd,n',
      filter: { left: 'n', op: '>', value: '10' },
    });
    expect(formOf('trace', 'u:/usr/bin/python3.11:python:gc__start (arg1 > 0) "gen %d", arg1')).toEqual({
      ...EMPTY_FORM,
      kind: 'usdt',
      library: '/usr/bin/python3.11',
      function: 'python:gc__start',
      filter: { left: 'arg1', op: '>', value: '0' },
      format: 'gen %d',
      args: 'arg1',
    });
    expect(formOf('trace', '  ')).toEqual(EMPTY_FORM);
  });

  it('writes a form edit as a spec: kinds, a string value quoted, a format with quotes escaped', () => {
    const form: ProbeForm = { ...EMPTY_FORM, kind: 'tracepoint', tracepoint: 'sched:sched_process_exec' };
    expect(specFromForm('trace', form)).toBe('t:sched:sched_process_exec');
    expect(specFromForm('trace', { ...form, filter: { left: '$comm', op: '==', value: 'bash' } })).toBe('t:sched:sched_process_exec ($comm == "bash")');
    expect(specFromForm('trace', { ...form, format: 'say "hi" %s', args: 'args->filename' })).toBe(
      't:sched:sched_process_exec "say \\"hi\\" %s", args->filename',
    );
    // A filter with no value read is no filter.
    expect(specFromForm('trace', { ...form, filter: { left: ' ', op: '>', value: '1' } })).toBe('t:sched:sched_process_exec');
    const malloc: ProbeForm = { ...EMPTY_FORM, kind: 'uretprobe', library: 'c', function: 'malloc', signature: 'size_t size', tracepoint: 'ignored:here' };
    expect(specFromForm('trace', malloc)).toBe('r:c:malloc(size_t size)');
    expect(specFromForm('trace', { ...malloc, kind: 'kprobe', function: 'vfs_read', signature: '' })).toBe('p::vfs_read');
    expect(specFromForm('pattern', { ...malloc, filter: { left: 'size', op: '>', value: '1' } })).toBe('r:c:malloc');
    expect(specFromForm('argdist', { ...malloc, kind: 'uprobe', types: 'size_t', exprs: 'size' })).toBe('p:c:malloc(size_t size):size_t:size');
    expect(specFromForm('argdist', { ...form, types: 'char*', exprs: 'args->filename' })).toBe('t:sched:sched_process_exec():char*:args->filename');
    // A uprobe made a USDT probe keeps its binary and drops its signature: a USDT probe's values are arg1..argN.
    const gc: ProbeForm = { ...malloc, kind: 'usdt', library: '/usr/bin/python3.11', function: 'python:gc__start' };
    expect(specFromForm('trace', { ...gc, format: 'gen %d', args: 'arg1' })).toBe('u:/usr/bin/python3.11:python:gc__start "gen %d", arg1');
    expect(specFromForm('argdist', { ...gc, types: 'int', exprs: 'arg1' })).toBe('u:/usr/bin/python3.11:python:gc__start():int:arg1');
    expect(specFromForm('pattern', gc)).toBe('u:/usr/bin/python3.11:python:gc__start');
  });

  it('quotes a value unless it is a number or already a string', () => {
    expect(filterValue('20000')).toBe('20000');
    expect(filterValue(' 0x1F ')).toBe('0x1F');
    expect(filterValue('-1')).toBe('-1');
    expect(filterValue('"bash"')).toBe('"bash"');
    expect(filterValue('bash')).toBe('"bash"');
    expect(filterValue('a"b\\')).toBe('"a\\"b\\\\"');
  });

  it('offers a function’s names, arguments, return value and builtins to a filter', () => {
    const form: ProbeForm = { ...EMPTY_FORM, kind: 'uretprobe', library: 'c', function: 'read', signature: 'int fd, void *buf, size_t count' };
    const values = functionValues(form, 'argdist');
    expect(values.slice(0, 4)).toEqual(['fd', 'buf', 'count', 'arg1']);
    expect(values).toContain('$retval');
    expect(values).toContain('$latency');
    expect(functionValues({ ...form, kind: 'uprobe', signature: 'void' }, 'trace')).not.toContain('$retval');
    expect(functionValues({ ...form, kind: 'uprobe', signature: 'void' }, 'trace')[0]).toBe('arg1');
    // A USDT probe: as many arguments as its note gives, no signature names, no return value.
    const usdt = functionValues({ ...form, kind: 'usdt' }, 'argdist', 3);
    expect(usdt).toEqual(['arg1', 'arg2', 'arg3', '$tgid', '$pid', '$uid', '$gid', '$cpu', '$comm']);
    expect(functionValues({ ...form, kind: 'usdt' }, 'trace', 0)[0]).toBe('$tgid');
  });

  it('sums up a USDT probe’s arguments from its note', () => {
    expect(
      usdtArgsText({
        args: [
          { type: 'u64', text: '8@%rbp' },
          { type: 'u64', text: '8@%r12' },
          { type: 's32', text: '-4@%eax' },
        ],
      }),
    ).toBe('3 args: u64, u64, s32');
    expect(usdtArgsText({ args: [{ type: 's32', text: '-4@112(%rsp)' }] })).toBe('1 arg: s32');
    expect(usdtArgsText({ args: [{ text: '8@foo(%rip)' }] })).toBe('1 arg: ?');
    expect(usdtArgsText({ args: [] })).toBe('no args');
  });

  it('knows each tool’s syntax, and which line of a list the cursor edits', () => {
    expect([specSyntax('trace'), specSyntax('argdist'), specSyntax('funccount'), specSyntax('stackcount')]).toEqual(['trace', 'argdist', 'pattern', 'pattern']);
    const text = 't:a:b\nt:c:d\nt:e:f';
    expect([0, 5, 6, 11, 12, 17].map((cursor) => lineIndexAt(text, cursor))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(replaceLine(text, 1, 'p:c:malloc')).toBe('t:a:b\np:c:malloc\nt:e:f');
    expect(replaceLine('', 0, 'p:c:malloc')).toBe('p:c:malloc');
  });

  it('completes the last item of an argument list', () => {
    expect(lastItem('args->filename, args->co')).toBe('args->co');
    expect(lastItem('')).toBe('');
    expect(replaceLastItem('args->filename, args->co', 'args->count')).toBe('args->filename, args->count');
    expect(replaceLastItem('arg', 'arg1')).toBe('arg1');
  });
});
