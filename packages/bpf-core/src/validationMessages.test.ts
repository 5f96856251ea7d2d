import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseToolParams } from './session.js';
import { toolRegistry } from './tools/registry.js';
import { unknownKeysMessage } from './validationMessages.js';

const token = 'M_MTzYR6hRfirsD-j6Y35gKKkW-fWfwk6aC9lFKL2KA';

describe('validation messages', () => {
  it('name an unknown key that looks like a name, and never one that could be a secret', () => {
    expect(unknownKeysMessage(['uid2'])).toBe('unknown key: "uid2"');
    expect(unknownKeysMessage([token, 'tokenish', 'pidd'])).toBe('unknown keys: "pidd", 2 others not shown');
  });

  it("hold for a tool's params and for any strict schema, in the message and the field tree", () => {
    const execsnoop = toolRegistry.get('execsnoop');
    if (!execsnoop) throw new Error('execsnoop is registered');
    let message = '';
    try {
      parseToolParams(execsnoop, { uid: 0, [token]: 1 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/invalid params for execsnoop: .*unknown key: 1 other not shown/);
    expect(message).not.toContain(token.slice(0, 10));
    const result = z
      .object({ a: z.number() })
      .strict()
      .safeParse({ a: 1, [token]: 2 });
    expect(JSON.stringify(z.treeifyError(result.error as z.ZodError))).not.toContain(token.slice(0, 10));
  });
});
