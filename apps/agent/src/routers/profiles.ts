import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../services/errors.js';
import { authedProcedure, requireRole, router } from '../trpc.js';
import { idInput, toolName, toolParams } from './inputs.js';
import { captureInForm, wireForm } from './wireForm.js';
import type { CaptureOnWire } from './wireForm.js';

/** Longest capture: stack maps hold what they hold, and a user waits for the result. */
const MAX_CAPTURE_SECONDS = 300;

const startInput = z
  .object({
    tool: toolName,
    params: toolParams,
    durationSeconds: z.number().min(0.2).max(MAX_CAPTURE_SECONDS),
  })
  .strict();
/** `form: 'packed'`: the profile in packedProfile, a frame table and stack ids rather than every stack's frame names. */
const getInput = idInput.extend({ form: wireForm.optional() }).strict();

export const profilesRouter = router({
  /** Attaches a stack tool (profile, offcputime, offwaketime) for `durationSeconds`; poll get() for the result. */
  start: authedProcedure.input(startInput).mutation(({ ctx, input }) => {
    try {
      if (ctx.services.backend.isCustomProbe?.(input.tool)) requireRole(ctx, 'operator', `${input.tool} (a custom probe)`);
    } catch (error) {
      throw toTRPCError(error);
    }
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
  get: authedProcedure.input(getInput).query(({ ctx, input }): CaptureOnWire => {
    try {
      return captureInForm(ctx.services.profiles.ownedBy(input.id, ctx.caller), input.form);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** Ends a capture now; the profile covers the time so far. Its owner's, or an operator's to end. */
  stop: authedProcedure.input(idInput).mutation(({ ctx, input }) => {
    try {
      if (!ctx.roles.includes('operator')) ctx.services.profiles.ownedBy(input.id, ctx.caller);
      const { profile: _profile, ...capture } = ctx.services.profiles.stopEarly(input.id);
      return capture;
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  list: authedProcedure.query(({ ctx }) => ctx.services.profiles.list()),
});
