// Bad-input checks shared by the BPF tests: a typed ToolError, and no program left in the kernel.
import { expect } from 'vitest';
import { ToolError } from '../src/index.js';
import { eventually, kernelProgramIds } from '../src/testing/kernel.js';

export function expectToolError(run: () => unknown, code: ToolError['code'], message: RegExp): ToolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe(code);
    expect((error as ToolError).message).toMatch(message);
    return error as ToolError;
  }
  throw new Error('expected a ToolError');
}

/** Every program in the kernel now was there in `before` (capability probes close asynchronously: the kernel gets its grace period). */
export async function expectNothingNewLoaded(before: ReadonlySet<number>): Promise<void> {
  expect(await eventually(() => [...kernelProgramIds()].every((id) => before.has(id)))).toBe(true);
}
