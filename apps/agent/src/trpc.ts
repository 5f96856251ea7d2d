// The one place tRPC is initialised: error shape, and the authed procedure builder.
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hasRole, RoleRequiredError } from './auth/tokens.js';
import type { Role } from './auth/tokens.js';
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
        // A refusal for the token's role, not the page's origin: the role it takes.
        requiredRole: cause instanceof RoleRequiredError ? cause.role : undefined,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/**
 * Every procedure but none: a viewer's or an operator's token (a metrics token
 * may only read /metrics). The express layer refuses unauthenticated requests too.
 */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
  requireRole({ caller: ctx.caller, roles: ctx.roles }, 'viewer', 'the agent’s API');
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/** Custom probes and the probe builder's look-ups of the host's binaries and tracepoints. */
export const operatorProcedure = authedProcedure.use(({ ctx, next }) => {
  requireRole(ctx, 'operator', 'this');
  return next();
});

/** FORBIDDEN, saying which role `what` needs and which the caller's token has. */
export function requireRole(ctx: { caller: string; roles: readonly Role[] }, role: Role, what: string): void {
  if (hasRole(ctx.roles, role)) return;
  throw new TRPCError({
    code: 'FORBIDDEN',
    message: `${what} needs ${role === 'operator' ? 'an operator' : 'a viewer or operator'} token; ${ctx.caller} has ${describeRoles(ctx.roles)}`,
    cause: new RoleRequiredError(role),
  });
}

function describeRoles(roles: readonly Role[]): string {
  return roles.length === 0 ? 'no role' : `the ${roles.join(' and ')} role${roles.length > 1 ? 's' : ''} only`;
}
