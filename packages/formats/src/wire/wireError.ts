import type { z } from 'zod';

/** A compact wire form that does not decode: wrong shape, lengths that disagree, not base64. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  readonly code = 'WIRE_FORMAT';
}

/** The input as `schema` reads it, or a WireFormatError naming `what` and each problem's path. */
export function parseWire<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new WireFormatError(`${what}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
