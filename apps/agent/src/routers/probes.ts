// The probe builder's autocomplete: tracepoints and their fields, a process's
// binaries and a binary's functions and USDT probes. Operator tokens only: it shows what runs on
// the host and where a custom probe could go.
import { describeCustomProbes, ToolError } from '@bpfscope/bpf-core';
import type { CustomProbeSummary, SpecErrorDetails } from '@bpfscope/bpf-core';
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
/** An absolute path, or a library as a spec names it (`c`, `pthread`). */
const binaryPath = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (value) => (value.startsWith('/') && value.length >= 2 && !value.includes('\0')) || /^[\w.+-]{1,255}$/.test(value),
    'an absolute path or a library name',
  );
/** Where a library name is looked for first (its maps), as a spec with -p would. */
const libraryPid = z
  .number()
  .int()
  .min(1)
  .max(2 ** 22)
  .optional();
const symbolsInput = z
  .object({
    path: binaryPath,
    pid: libraryPid,
    prefix: z.string().max(256).optional(),
    /** `contains`: names holding prefix anywhere (the builder's filter box), those starting with it first. */
    match: z.enum(['prefix', 'contains']).optional(),
    limit,
  })
  .strict();
const usdtInput = z
  .object({
    path: binaryPath,
    pid: libraryPid,
    /** Part of `provider:name`. */
    query: z
      .string()
      .max(256)
      .regex(/^[\w.:-]*$/, 'letters, digits, _ . - and :')
      .optional(),
    limit,
  })
  .strict();
const processesInput = z
  .object({
    /** Part of a comm (any case), or the start of a pid. */
    query: z.string().max(64).optional(),
    limit,
  })
  .strict();

const checkInput = z
  .object({
    tool: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
    params: z.record(z.string().max(64), z.unknown()),
  })
  .strict();

/** The attach points a check lists; the total is always given. */
const MAX_CHECK_POINTS = 50;

/** What probes.check says of a custom probe's params: where they would attach, or what is wrong and where in the spec. */
export type ProbeCheck =
  | { ok: true; points: CustomProbeSummary['points']; total: number; attachments: number }
  | { ok: false; code: string; message: string; spec?: SpecErrorDetails };

function isSpecDetails(details: unknown): details is SpecErrorDetails {
  return typeof details === 'object' && details !== null && 'offset' in details && 'spec' in details && 'reason' in details;
}

/** Checks params as starting the tool would, loading nothing: a probe builder checks as the user types. */
function checkProbe(tool: string, params: Record<string, unknown>, services: Parameters<typeof describeCustomProbes>[2]): ProbeCheck {
  try {
    const summary = describeCustomProbes(tool, params, services);
    return { ok: true, points: summary.points.slice(0, MAX_CHECK_POINTS), total: summary.points.length, attachments: summary.attachments };
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    return { ok: false, code: error.code, message: error.message, ...(isSpecDetails(error.details) ? { spec: error.details } : {}) };
  }
}

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
  /** Processes a uprobe can go in (not kernel threads), by comm or pid: the builder's process picker. */
  processes: operatorProcedure.input(processesInput).query(({ ctx, input }) => answer(() => ctx.services.probes.processes(input))),
  /** The binaries and libraries a process maps code from (/proc/PID/maps), its executable first. */
  binaries: operatorProcedure.input(binariesInput).query(({ ctx, input }) => answer(() => ctx.services.probes.binaries(input.pid))),
  /** A custom probe's params checked as sessions.start would, nothing loaded: its attach points, or the spec's error and where. */
  check: operatorProcedure.input(checkInput).query(({ ctx, input }) => answer(() => checkProbe(input.tool, input.params, ctx.services.features))),
  /** Function symbols of an ELF file whose names start with (or hold) `prefix`. */
  symbols: operatorProcedure.input(symbolsInput).query(({ ctx, input }) => answer(() => ctx.services.probes.symbols(input))),
  /** USDT probes of an ELF file (its .note.stapsdt) whose `provider:name` holds `query`: name, sites, argument types. */
  usdt: operatorProcedure.input(usdtInput).query(({ ctx, input }) => answer(() => ctx.services.probes.usdt(input))),
});
