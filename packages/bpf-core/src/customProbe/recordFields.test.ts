import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTracepointFormat } from '../tracefs/format.js';
import { globToRegExp } from './glob.js';
import { integerType, probeRecord } from './recordFields.js';

// The tracefs fixtures (captured from Linux 6.18), as a custom probe reads them.
const fixture = (category: string, name: string) =>
  probeRecord(
    category,
    parseTracepointFormat(readFileSync(fileURLToPath(new URL(`../tracefs/fixtures/events/${category}/${name}/format`, import.meta.url)), 'utf8')),
  );

describe('tracepoint records as a custom probe reads them', () => {
  it('reads a syscall tracepoint: every argument 8 bytes in the record, its own type in the value', () => {
    const format = fixture('syscalls', 'sys_enter_read');
    expect(format.name).toBe('syscalls:sys_enter_read');
    expect(format.fields.map((field) => field.name)).toEqual(['__syscall_nr', 'fd', 'buf', 'count']);
    expect(format.fields.find((field) => field.name === 'fd')).toMatchObject({
      type: 'unsigned int',
      offset: 16,
      size: 8,
      kind: 'integer',
      valueSize: 4,
      valueSigned: false,
    });
    expect(format.fields.find((field) => field.name === 'buf')).toMatchObject({ type: 'char *', offset: 24, size: 8, kind: 'pointer' });
    expect(format.fields.find((field) => field.name === 'count')).toMatchObject({
      type: 'size_t',
      offset: 32,
      kind: 'integer',
      valueSize: 8,
      valueSigned: false,
    });
  });

  it('takes the sign from the C type where tracefs says unsigned (openat: int dfd, signed:0)', () => {
    const fields = fixture('syscalls', 'sys_enter_openat').fields;
    expect(fields.find((field) => field.name === 'dfd')).toMatchObject({ signed: false, valueSize: 4, valueSigned: true });
    expect(fields.find((field) => field.name === 'filename')).toMatchObject({ type: 'const char *', kind: 'pointer' });
    expect(fields.find((field) => field.name === 'mode')).toMatchObject({ type: 'umode_t', valueSize: 2, valueSigned: false });
    expect(fixture('syscalls', 'sys_exit_read').fields.find((field) => field.name === 'ret')).toMatchObject({ valueSize: 8, valueSigned: true });
  });

  it('knows char arrays, __data_loc strings and arrays it cannot read', () => {
    const sched = fixture('sched', 'sched_switch').fields;
    expect(sched.find((field) => field.name === 'prev_comm')).toMatchObject({ type: 'char[16]', offset: 8, size: 16, kind: 'charArray' });
    expect(sched.find((field) => field.name === 'next_pid')).toMatchObject({ type: 'pid_t', offset: 56, valueSize: 4, valueSigned: true });
    expect(fixture('sched', 'sched_process_exec').fields[0]).toMatchObject({ name: 'filename', type: '__data_loc char[]', size: 4, kind: 'dataLocString' });
    expect(fixture('net', 'net_dev_xmit').fields.find((field) => field.name === 'name')).toMatchObject({ kind: 'dataLocString', offset: 24 });
    const inet = fixture('sock', 'inet_sock_set_state').fields;
    expect(inet.find((field) => field.name === 'saddr')).toMatchObject({ kind: 'other' });
    expect(fixture('raw_syscalls', 'sys_enter').fields.find((field) => field.name === 'args')).toMatchObject({ type: 'unsigned long[6]', kind: 'other' });
  });

  it('reads a __rel_loc string as nothing it can read (only __data_loc is), not as the u32 that locates it', () => {
    const record = probeRecord('test', parseTracepointFormat('name: old_event\nID: 7\n\tfield:__rel_loc char[] msg;\toffset:8;\tsize:4;\tsigned:0;\n'));
    expect(record.fields[0]).toMatchObject({ name: 'msg', kind: 'other' });
  });

  it('leaves out the common_* header', () => {
    expect(fixture('syscalls', 'sys_enter_getpid').fields.map((field) => field.name)).toEqual(['__syscall_nr']);
  });

  it('knows the widths of C integer types, with qualifiers', () => {
    expect(integerType('const unsigned long')).toEqual({ size: 8, signed: false });
    expect(integerType('pid_t')).toEqual({ size: 4, signed: true });
    expect(integerType('struct sock')).toBeUndefined();
  });

  it('matches globs as funccount does', () => {
    expect(globToRegExp('sys_enter_*').test('sys_enter_read')).toBe(true);
    expect(globToRegExp('sys_enter_*').test('sys_exit_read')).toBe(false);
    expect(globToRegExp('vfs_rea?').test('vfs_read')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
