// Input pieces shared by the routers: one definition, so a tool start means the
// same thing to sessions and to profiles.
import { z } from 'zod';

/** Params stay small: tools take a handful of scalars and short lists. */
export const MAX_PARAMS_JSON_BYTES = 4096;

export const toolName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'a tool name is lower-case letters, digits, - and _');

export const toolParams = z
  .record(z.string().max(64), z.unknown())
  .default({})
  .refine((params) => JSON.stringify(params).length <= MAX_PARAMS_JSON_BYTES, `params must be at most ${MAX_PARAMS_JSON_BYTES} bytes of JSON`);

/** A session viewer or a capture, by its random id. */
export const idInput = z.object({ id: z.string().uuid() }).strict();
