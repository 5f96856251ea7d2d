// The probe builder's autocomplete: tracepoints and their fields, a process's
// binaries and a binary's functions. Operator tokens only: it shows what runs on
// the host and where a custom probe could go.
import { z } from 'zod';
import { toTRPCError } from '../services/errors.js';
import { operatorProcedure, router } from '../trpc.js';

/** Most suggestions in one answer. */
export const MAX_SUGGESTIONS = 1000;

const limit = z.number().int().min(1).max(MAX_SUGGESTIONS).default(100);
const tracefsName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _');

const tracepointsInput = z
  .object({
    /** Of `category:name`: `sys`, `syscalls:sys_enter_r`. */
    prefix: z
      .string()
      .max(257)
      .regex(/^[A-Za-z0-9_:]*$/, 'letters, digits, _ and :')
      .optional(),
    limit,
  })
  .strict();
const tracepointFieldsInput = z.object({ category: tracefsName, name: tracefsName }).strict();
// pid_max is at most 2^22.
const binariesInput = z
  .object({
    pid: z
      .number()
      .int()
      .min(1)
      .max(2 ** 22),
  })
  .strict();
const symbolsInput = z
  .object({
    path: z
      .string()
      .min(2)
      .max(4096)
      .refine((value) => value.startsWith('/') && !value.includes('\0'), 'an absolute path'),
    prefix: z.string().max(256).optional(),
    limit,
  })
  .strict();

function answer<T>(lookup: () => T): T {
  try {
    return lookup();
  } catch (error) {
    throw toTRPCError(error);
  }
}

export const probesRouter = router({
  /** Tracepoints of this kernel (tracefs available_events) whose `category:name` starts with `prefix`. */
  tracepoints: operatorProcedure.input(tracepointsInput).query(({ ctx, input }) => answer(() => ctx.services.probes.tracepoints(input))),
  /** A tracepoint's fields: name, C type, offset, size, signed (tracefs format). */
  tracepointFields: operatorProcedure.input(tracepointFieldsInput).query(({ ctx, input }) => answer(() => ctx.services.probes.tracepointFields(input))),
  /** The binaries and libraries a process maps code from (/proc/PID/maps), its executable first. */
  binaries: operatorProcedure.input(binariesInput).query(({ ctx, input }) => answer(() => ctx.services.probes.binaries(input.pid))),
  /** Function symbols of an ELF file whose names start with `prefix`. */
  symbols: operatorProcedure.input(symbolsInput).query(({ ctx, input }) => answer(() => ctx.services.probes.symbols(input))),
});
