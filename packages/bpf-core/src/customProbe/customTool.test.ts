import { describe, expect, it } from 'vitest';
import { caretMessage } from './customTool.js';

describe('error carets', () => {
  it('underlines the characters at fault', () => {
    expect(caretMessage('t:syscalls:sys_enter_foo', 11, 13)).toBe('  t:syscalls:sys_enter_foo\n  ' + ' '.repeat(11) + '^' + '~'.repeat(12));
  });
});
