import os from 'node:os';
import { z } from 'zod';
import { hostIdentity, hostOverview, useOf, useOptions } from '../overview/hostOverview.js';
import { hostSummary, MAX_SUMMARY_POINTS, MIN_SUMMARY_POINTS, SUMMARY_POINTS } from '../overview/hostSummary.js';
import type { HostSummary, OverviewSample, OverviewUpdate, RangeUse } from '../overview/types.js';
import { computeUse } from '../overview/use.js';
import { getCapabilitiesSnapshot } from '../services/capabilities.js';
import { recorderSnapshot } from '../services/flightRecorder.js';
import { authedProcedure, router } from '../trpc.js';
import { wireForm } from './wireForm.js';

/** Epoch ms, from 1970 to the largest a Date holds. */
const overviewInput = z
  .object({
    sinceMs: z.number().int().min(0).max(8.64e15).optional(),
    untilMs: z.number().int().min(0).max(8.64e15).optional(),
    /** `all`: every field of each sample, not only the checklist's. */
    fields: z.enum(['checklist', 'all']).optional(),
    /** `packed`: the samples in packedSamples, as the recorder keeps them (what the web asks for: an hour is ~15 MB as JSON, built in ~1 s). */
    form: wireForm.optional(),
  })
  .strict()
  .optional();
const overviewStreamInput = z.object({}).strict().optional();
const summaryInput = z
  .object({ points: z.number().int().min(MIN_SUMMARY_POINTS).max(MAX_SUMMARY_POINTS).optional() })
  .strict()
  .optional();
const epochMs = z.number().int().min(0).max(8.64e15);
const useInput = z
  .object({ from: epochMs, to: epochMs })
  .strict()
  .refine((range) => range.from < range.to, 'the range must end after it starts');

/** Samples a slow stream may fall behind by before the oldest are dropped (the query has the history). */
const STREAM_MAX_QUEUED = 10;

export const hostRouter = router({
  info: authedProcedure.query(({ ctx }) => {
    const { services } = ctx;
    return {
      // As its procfs says (a containerised agent's --procfs is the host's), the same as the overview and the fleet.
      ...hostIdentity(services.config),
      arch: os.arch(),
      cpus: os.cpus().length,
      memoryBytes: { total: os.totalmem(), free: os.freemem() },
      agentVersion: services.version,
      hostUptimeSeconds: os.uptime(),
      agentUptimeSeconds: (Date.now() - services.startedAt) / 1000,
      ...getCapabilitiesSnapshot(services.features),
      recorder: recorderSnapshot(services),
      // Who this token is and what it may do (custom probes need operator), never the token.
      caller: { name: ctx.caller, roles: ctx.roles },
    };
  }),

  /**
   * The host overview: the recorded hour (or the seconds from sinceMs and before untilMs: a page asks for what it shows
   * first, then the rest), the USE table of the newest second, and each source's state.
   */
  overview: authedProcedure.input(overviewInput).query(({ ctx, input }) => {
    const { services } = ctx;
    return hostOverview(services.host, services.recorder, services.config, {
      sinceMs: input?.sinceMs,
      untilMs: input?.untilMs,
      fields: input?.fields,
      form: input?.form,
    });
  }),

  /**
   * What the fleet view shows of a host, a few KB: name, kernel, the worst USE cell of each resource kind, and the
   * last hour of runqlat and biolatency p99 in `points` points (default 120), each the highest of its seconds.
   */
  summary: authedProcedure.input(summaryInput).query(({ ctx, input }): HostSummary => hostSummary(ctx.services, { points: input?.points ?? SUMMARY_POINTS })),

  /** The USE table of the seconds in (from, to]: figures averaged over them as sar's "Average:" line, errors counted within them. */
  use: authedProcedure.input(useInput).query(({ ctx, input }): RangeUse => {
    const { services } = ctx;
    const samples = services.host.samples(input.from + 1, input.to + 1).filter((sample) => sample.time <= input.to);
    return { ...input, seconds: samples.length, use: computeUse(samples, { ...useOptions(services.recorder), basis: 'range' }) };
  }),

  /** Each new second of the host with its USE table; reads what the recorder took (a viewer adds no sampling). */
  overviewStream: authedProcedure.input(overviewStreamInput).subscription(async function* ({ ctx, signal }): AsyncGenerator<OverviewUpdate> {
    const { services } = ctx;
    const queue: Array<{ sample: OverviewSample; update: OverviewUpdate }> = [];
    let wake: (() => void) | undefined;
    const unsubscribe = services.host.subscribe((sample) => {
      // The sample is the newest now: its USE table is the one every viewer shares.
      queue.push({ sample, update: { sample, use: useOf(services.host, services.recorder) } });
      if (queue.length > STREAM_MAX_QUEUED) queue.shift();
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next.update;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    }
  }),
});
