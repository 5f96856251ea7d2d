import { tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../services/errors.js';
import { authedProcedure, requireRole, router } from '../trpc.js';
import { idInput, toolName, toolParams } from './inputs.js';
import { batchInForm, wireForm } from './wireForm.js';

// `historySeconds`: the recorded frames of only the last this many seconds (the overview's 15 minutes, not the hour);
// `rows: false`: frames only (a heat map of a table tool need not be sent its hour of rows).
const startInput = z
  .object({
    tool: toolName,
    params: toolParams,
    historySeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .optional(),
    rows: z.boolean().optional(),
  })
  .strict();
// tRPC's subscription link sends back the last tracked id when it reconnects; the
// viewer's queue already resumes from where it was, so the id is accepted and unused.
// `form: 'packed'`: histogram frames in packedFrames, typed arrays rather than an object per frame.
const streamInput = z.object({ id: z.string().uuid(), lastEventId: z.string().max(32).nullish(), form: wireForm.optional() }).strict();

export const sessionsRouter = router({
  start: authedProcedure.input(startInput).mutation(({ ctx, input }) => {
    try {
      if (ctx.services.backend.isCustomProbe?.(input.tool)) requireRole(ctx, 'operator', `${input.tool} (a custom probe)`);
      // The limit is on attaching: watching what the flight recorder already records (the host overview's heat maps) attaches nothing.
      if (!ctx.services.sessions.joinsRecording(input.tool, input.params) && !ctx.services.startLimiter.take(ctx.caller)) {
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'too many sessions started; try again in a minute' });
      }
      if (ctx.services.backend.outputKind(input.tool) === 'stacks') {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `${input.tool} captures stacks for a duration: use profiles.start` });
      }
      const { historySeconds, rows } = input;
      return ctx.services.sessions.start({ tool: input.tool, params: input.params, owner: ctx.caller, historySeconds, rows });
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  stream: authedProcedure.input(streamInput).subscription(async function* ({ ctx, input, signal }) {
    try {
      for await (const batch of ctx.services.sessions.stream(input.id, ctx.caller, signal ?? new AbortController().signal)) {
        yield tracked(String(batch.seq), batchInForm(batch, input.form));
      }
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  stop: authedProcedure.input(idInput).mutation(({ ctx, input }) => {
    try {
      ctx.services.sessions.stop(input.id, ctx.caller, { anyOwner: ctx.roles.includes('operator') });
      return { stopped: true };
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** Keep watching: the attachment ends --max-session-seconds from now instead of at its first deadline. */
  renew: authedProcedure.input(idInput).mutation(({ ctx, input }) => {
    if (!ctx.services.startLimiter.take(ctx.caller)) {
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'too many sessions started or renewed; try again in a minute' });
    }
    try {
      return ctx.services.sessions.renew(input.id, ctx.caller);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),
  /** Every attachment with its measured cost; asking keeps them all measured for the next 30 s (statistics are off when nobody looks). */
  list: authedProcedure.query(({ ctx }) => {
    ctx.services.sessions.measureAll();
    return ctx.services.sessions.list();
  }),
});
