// The one place tRPC is initialised: error shape, and the authed procedure builder.
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Context } from './context.js';

const t = initTRPC.context<Context>().create({
  // Never send stack traces to a client, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // tRPC puts zod's raw issue dump in the message; say it in one readable line instead.
      message:
        cause instanceof z.ZodError
          ? `invalid input: ${cause.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ')}`
          : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        // Field-by-field validation problems, for the web form to show beside each field.
        validation: cause instanceof z.ZodError ? z.treeifyError(cause) : (cause as { details?: unknown } | undefined)?.details,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/** Every procedure but none: the express layer refuses unauthenticated requests too. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});
