import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findTracepointFormat, parseAvailableEvents, parseTracepointFormat, readAvailableEvents, readTracepointFormat } from './format.js';

// Captured from Linux 6.18 (x86_64): cp /sys/kernel/tracing/events/<category>/<name>/format.
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (file: string) => readFileSync(`${fixtures}${file}`, 'utf8');

describe('parseTracepointFormat', () => {
  it('reads syscalls:sys_enter_read as the kernel lays it out, common fields marked', () => {
    const format = parseTracepointFormat(fixture('events/syscalls/sys_enter_read/format'));
    expect(format.name).toBe('sys_enter_read');
    expect(format.id).toBe(842);
    expect(format.printFormat).toMatch(/^"fd: 0x%08lx/);
    expect(
      format.fields.map(
        (field) => `${field.type} ${field.name} @${field.offset}+${field.size}${field.signed ? ' signed' : ''}${field.common ? ' common' : ''}`,
      ),
    ).toEqual([
      'unsigned short common_type @0+2 common',
      'unsigned char common_flags @2+1 common',
      'unsigned char common_preempt_count @3+1 common',
      'int common_pid @4+4 signed common',
      'int __syscall_nr @8+4 signed',
      // Syscall arguments are longs on the stack, whatever their declared type.
      'unsigned int fd @16+8',
      'char * buf @24+8',
      'size_t count @32+8',
    ]);
  });

  it('keeps fixed arrays with their length in the type and as arrayLength', () => {
    const fields = parseTracepointFormat(fixture('events/sched/sched_switch/format')).fields;
    expect(fields.find((field) => field.name === 'prev_comm')).toEqual({
      name: 'prev_comm',
      type: 'char[16]',
      offset: 8,
      size: 16,
      signed: false,
      common: false,
      arrayLength: 16,
    });
    expect(fields.find((field) => field.name === 'prev_state')).toMatchObject({ type: 'long', offset: 32, size: 8, signed: true });
    const socket = parseTracepointFormat(fixture('events/sock/inet_sock_set_state/format')).fields;
    expect(socket.find((field) => field.name === 'skaddr')).toMatchObject({ type: 'const void *', offset: 8, size: 8 });
    expect(socket.find((field) => field.name === 'saddr_v6')).toMatchObject({ type: '__u8[16]', arrayLength: 16, offset: 40, size: 16 });
  });

  it('marks __data_loc strings as dynamic (no arrayLength), and flexible arrays with length 0', () => {
    const exec = parseTracepointFormat(fixture('events/sched/sched_process_exec/format'));
    expect(exec.fields.find((field) => field.name === 'filename')).toEqual({
      name: 'filename',
      type: '__data_loc char[]',
      offset: 8,
      size: 4,
      signed: false,
      common: false,
      dynamic: 'data_loc',
    });
    const fn = parseTracepointFormat(fixture('events/ftrace/function/format'));
    expect(fn.fields.at(-1)).toMatchObject({ name: 'args', type: 'unsigned long[]', size: 0, arrayLength: 0 });
  });

  it('reads __rel_loc fields, macro-sized arrays and formats older than signed:', () => {
    const format = parseTracepointFormat(
      [
        'name: old_event',
        'ID: 7',
        'format:',
        '\tfield:unsigned short common_type;\toffset:0;\tsize:2;',
        '\tfield:__rel_loc char[] msg;\toffset:8;\tsize:4;\tsigned:0;',
        '\tfield:char comm[TASK_COMM_LEN];\toffset:12;\tsize:16;\tsigned:0;',
        '',
        'print fmt: "%s", __get_rel_str(msg)',
      ].join('\n'),
    );
    expect(format.fields).toEqual([
      { name: 'common_type', type: 'unsigned short', offset: 0, size: 2, signed: false, common: true },
      { name: 'msg', type: '__rel_loc char[]', offset: 8, size: 4, signed: false, common: false, dynamic: 'rel_loc' },
      { name: 'comm', type: 'char[TASK_COMM_LEN]', offset: 12, size: 16, signed: false, common: false },
    ]);
  });

  it('refuses text that is not a format file, saying what is wrong', () => {
    expect(() => parseTracepointFormat('hello')).toThrow(/not a tracepoint format/);
    expect(() => parseTracepointFormat('name: x\nID: 1\n\tfield:int;\toffset:0;\tsize:4;\tsigned:1;\n')).toThrow(/no type and name/);
    expect(() => parseTracepointFormat('name: x\nID: 1\n\tfield:int a;\toffset:zero;\n')).toThrow(/cannot read field line/);
  });
});

describe('parseAvailableEvents', () => {
  it('splits category:name lines, sorted, skipping what is not one', () => {
    const events = parseAvailableEvents(`${fixture('available_events')}\nnot an event\n:x\nbad/../name:x\n`);
    expect(events.map((event) => `${event.category}:${event.name}`)).toEqual([
      'block:block_rq_complete',
      'block:block_rq_issue',
      'sched:sched_process_exec',
      'sched:sched_switch',
      'sched:sched_wakeup',
      'sock:inet_sock_set_state',
      'syscalls:sys_enter_openat',
      'syscalls:sys_enter_read',
      'syscalls:sys_exit_read',
    ]);
  });
});

describe('readers', () => {
  it('read a tracefs tree given as root, and refuse names that could be paths', () => {
    expect(readAvailableEvents({ root: fixtures })).toHaveLength(9);
    expect(readTracepointFormat('sched', 'sched_switch', { root: fixtures }).id).toBe(372);
    expect(() => readTracepointFormat('sched', 'no_such_event', { root: fixtures })).toThrow(/no tracepoint sched:no_such_event/);
    expect(() => readTracepointFormat('..', 'format', { root: fixtures })).toThrow(/letters, digits and _/);
    expect(() => readTracepointFormat('sched', 'sched_switch/../x', { root: fixtures })).toThrow(/letters, digits and _/);
  });

  it('find: the format, or undefined for a tracepoint this kernel has not (the compiler then says what is near)', () => {
    expect(findTracepointFormat('syscalls', 'sys_enter_openat', { root: fixtures })?.fields.map((field) => field.name)).toContain('filename');
    expect(findTracepointFormat('sched', 'no_such_event', { root: fixtures })).toBeUndefined();
    expect(findTracepointFormat('..', 'format', { root: fixtures })).toBeUndefined();
  });
});
