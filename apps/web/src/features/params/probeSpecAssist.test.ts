import { describe, expect, it } from 'vitest';
import { applyCompletion, completionAt, currentLine } from './probeSpecAssist';

describe('completing a probe spec as it is typed', () => {
  it('completes a tracepoint after t:, replacing what of it is typed', () => {
    expect(completionAt('t:sysc', 6)).toEqual({ kind: 'tracepoint', prefix: 'sysc', from: 2, to: 6 });
    expect(completionAt('t:syscalls:sys_enter_re', 23)).toMatchObject({ kind: 'tracepoint', prefix: 'syscalls:sys_enter_re', from: 2 });
    // The cursor inside the name: the whole name is replaced.
    expect(completionAt('t:syscalls:sys_enter_read (args->count > 1)', 11)).toMatchObject({ kind: 'tracepoint', from: 2, to: 25 });
  });

  it("completes a tracepoint's field after args->", () => {
    const line = 't:syscalls:sys_enter_read (args->co';
    expect(completionAt(line, line.length)).toEqual({
      kind: 'field',
      category: 'syscalls',
      name: 'sys_enter_read',
      prefix: 'co',
      from: line.length - 2,
      to: line.length,
    });
    const format = 't:syscalls:sys_enter_read "read %d bytes", args->';
    expect(completionAt(format, format.length)).toMatchObject({ kind: 'field', prefix: '' });
  });

  it('completes a function of a binary given by its path', () => {
    const line = 'p:/usr/bin/bash:rea';
    expect(completionAt(line, line.length)).toEqual({ kind: 'symbol', path: '/usr/bin/bash', prefix: 'rea', from: 16, to: 19 });
    expect(completionAt('r:c:mall', 8)).toBeUndefined();
    expect(completionAt('"read %d"', 3)).toBeUndefined();
  });

  it('puts a pick in place on its line and moves the cursor after it', () => {
    const text = 't:syscalls:sys_enter_read\nt:sysc';
    const { line, start, column } = currentLine(text, text.length);
    expect([line, start, column]).toEqual(['t:sysc', 26, 6]);
    const completion = completionAt(line, column);
    expect(completion).toBeDefined();
    if (completion)
      expect(applyCompletion(text, start, completion, 'syscalls:sys_enter_openat')).toEqual({
        text: 't:syscalls:sys_enter_read\nt:syscalls:sys_enter_openat',
        cursor: 53,
      });
  });
});
