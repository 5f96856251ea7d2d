// Read-only PromQL to the Prometheus the agent is configured with (--prometheus-url), for pages that cannot reach it:
// behind the same token as everything else, rate-limited per token, bounded in time and size by the proxy.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { promqlProxyDefaults, PromqlProxyError } from '../prometheus/promqlProxy.js';
import type { PromqlProxy } from '../prometheus/promqlProxy.js';
import { toTRPCError } from '../services/errors.js';
import type { Context } from '../context.js';
import { authedProcedure, router } from '../trpc.js';

/** Seconds since the epoch, from 1970 to the year 9999. */
const epochSeconds = z.number().min(0).max(253_402_300_799);
const promql = z.string().trim().min(1).max(promqlProxyDefaults.maxQueryChars);

const queryInput = z.object({ query: promql, time: epochSeconds.optional() }).strict();
const rangeInput = z
  .object({ query: promql, start: epochSeconds, end: epochSeconds, step: z.number().min(0.001).max(86_400) })
  .strict()
  .refine((range) => range.end > range.start, 'the range must end after it starts')
  .refine((range) => range.end - range.start <= promqlProxyDefaults.maxRangeSeconds, `a range is at most ${promqlProxyDefaults.maxRangeSeconds / 86_400} days`)
  .refine(
    (range) => (range.end - range.start) / range.step < promqlProxyDefaults.maxPoints,
    `at most ${promqlProxyDefaults.maxPoints} points a series: make the step longer`,
  );

/** The proxy, once the caller may use it: configured, and within its token's rate. */
function admit(ctx: Context & { caller: string }): PromqlProxy {
  const proxy = ctx.services.prometheus;
  if (!proxy) throw toTRPCError(new PromqlProxyError('not-configured', 'this agent has no Prometheus to ask (--prometheus-url)'));
  if (!ctx.services.promqlLimiter.take(ctx.caller)) {
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `at most ${promqlProxyDefaults.queriesPerMinute} PromQL queries a minute per token` });
  }
  return proxy;
}

export const prometheusRouter = router({
  /** Whether queries can be made, and to which Prometheus (its origin, never credentials). */
  status: authedProcedure.query(({ ctx }) => {
    const proxy = ctx.services.prometheus;
    return proxy ? { configured: true as const, origin: proxy.origin } : { configured: false as const, origin: null };
  }),
  query: authedProcedure.input(queryInput).query(async ({ ctx, input }) => {
    try {
      return await admit(ctx).query(input);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),
  queryRange: authedProcedure.input(rangeInput).query(async ({ ctx, input }) => {
    try {
      return await admit(ctx).queryRange(input);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),
});
