import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../services/errors.js';
import { authedProcedure, router } from '../trpc.js';

/** Params stay small: tools take a handful of scalars and short lists. */
const MAX_PARAMS_JSON_BYTES = 4096;
/** Longest capture: stack maps hold what they hold, and a user waits for the result. */
const MAX_CAPTURE_SECONDS = 300;

const startInput = z
  .object({
    tool: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_-]*$/, 'a tool name is lower-case letters, digits, - and _'),
    params: z
      .record(z.string().max(64), z.unknown())
      .default({})
      .refine((params) => JSON.stringify(params).length <= MAX_PARAMS_JSON_BYTES, `params must be at most ${MAX_PARAMS_JSON_BYTES} bytes of JSON`),
    durationSeconds: z.number().min(0.2).max(MAX_CAPTURE_SECONDS),
  })
  .strict();

const captureId = z.object({ id: z.string().uuid() }).strict();

export const profilesRouter = router({
  /** Attaches a stack tool (profile, offcputime, offwaketime) for `durationSeconds`; poll get() for the result. */
  start: authedProcedure.input(startInput).mutation(({ ctx, input }) => {
    if (!ctx.services.startLimiter.take(ctx.caller)) {
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'too many captures started; try again in a minute' });
    }
    try {
      const { profile: _profile, ...capture } = ctx.services.profiles.start({
        tool: input.tool,
        params: input.params,
        durationMs: Math.round(input.durationSeconds * 1000),
        owner: ctx.caller,
      });
      return capture;
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** The capture's state, and its folded, symbolized profile once done. */
  get: authedProcedure.input(captureId).query(({ ctx, input }) => {
    try {
      return ctx.services.profiles.get(input.id);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** Ends a capture now; the profile covers the time so far. */
  stop: authedProcedure.input(captureId).mutation(({ ctx, input }) => {
    try {
      const { profile: _profile, ...capture } = ctx.services.profiles.stopEarly(input.id);
      return capture;
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  list: authedProcedure.query(({ ctx }) => ctx.services.profiles.list()),
});
