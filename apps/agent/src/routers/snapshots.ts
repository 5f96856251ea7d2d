import os from 'node:os';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../services/errors.js';
import { snapshotIdPattern } from '../snapshots/snapshotStore.js';
import type { SnapshotView } from '../snapshots/snapshotStore.js';
import type { AgentServices } from '../context.js';
import { authedProcedure, router } from '../trpc.js';
import { snapshotInForm, wireForm } from './wireForm.js';
import type { SnapshotOnWire } from './wireForm.js';

/** Year 2200: later times are typos or attacks. */
const epochMs = z.number().int().min(0).max(7_258_118_400_000);
const timeRange = z
  .object({ from: epochMs, to: epochMs })
  .strict()
  .refine((range) => range.from < range.to, 'a range ends after it starts');
/** A heat map's selection: a time range, and for a clicked cell its log2 bucket. */
const heatMapSelection = z
  .object({ from: epochMs, to: epochMs, bucket: z.number().int().min(0).max(63).optional() })
  .strict()
  .refine((range) => range.from < range.to, 'a range ends after it starts');
const snapshotId = z.string().regex(snapshotIdPattern, 'a snapshot id is 16 characters of A-Z, a-z, 0-9, _ and -');
const title = z.string().trim().min(1, 'a title is needed').max(200);
/**
 * A zoomed flame-graph frame, as the frames from below the root down to it: as
 * deep as a folded offwaketime stack can be (comm, a 127-frame user and kernel
 * stack each for the blocked task and its waker, the `--`), symbols as long as
 * long C++ names get, and 64 KB all told so a saved view stays small.
 */
const MAX_ZOOM_FRAMES = 512;
const MAX_ZOOM_BYTES = 64 * 1024;
const zoomFrames = z
  .array(z.string().min(1).max(4096))
  .max(MAX_ZOOM_FRAMES)
  .refine(
    (frames) => frames.reduce((bytes, frame) => bytes + frame.length + 1, 0) <= MAX_ZOOM_BYTES,
    `a zoom is at most ${MAX_ZOOM_BYTES / 1024} KB of frames`,
  );

const createInput = z
  .object({
    /** A live viewer of a heat map: its attachment's recorded frames are what is saved. */
    sessionId: z.string().uuid(),
    title,
    range: timeRange,
    selection: heatMapSelection.optional(),
    series: z.string().max(128).optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

const columnKey = z.string().min(1).max(64);
const tableText = z.string().max(512);
const createTableInput = z
  .object({
    /** A live viewer of a table: the rows its attachment kept within `range` are what is saved. */
    sessionId: z.string().uuid(),
    title,
    /** The times of the oldest and newest rows the viewer holds. */
    range: z
      .object({ from: epochMs, to: epochMs })
      .strict()
      .refine((range) => range.from <= range.to, 'a range ends after it starts'),
    filter: tableText.optional(),
    columnFilters: z
      .record(columnKey, tableText)
      .refine((filters) => Object.keys(filters).length <= 64, 'at most 64 column filters')
      .optional(),
    sort: z
      .object({ column: columnKey, direction: z.enum(['asc', 'desc']) })
      .strict()
      .optional(),
    /** A heat-map selection (or cell) the rows were narrowed to. */
    selection: heatMapSelection.optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

const createProfileInput = z
  .object({
    /** A finished capture of profiles.start: the agent saves its own result. */
    captureId: z.string().uuid(),
    title,
    search: z.string().max(256).optional(),
    inverted: z.boolean().optional(),
    /** The zoomed frame: the frames below the root down to it (FlameNode.frame); none for no zoom. */
    zoom: zoomFrames.optional(),
    /** FlameScope range, ms since the capture started... as epoch ms. */
    selection: timeRange.optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** What every snapshot records besides its data: what it shows, from which tool and host, saved by whom, kept how long. */
function snapshotOrigin(
  ctx: { caller: string; services: AgentServices },
  source: { tool: string; params: unknown },
  input: { title: string; retentionDays?: number | undefined },
  view: SnapshotView,
) {
  return {
    title: input.title,
    tool: source.tool,
    params: source.params,
    hostname: os.hostname(),
    createdBy: ctx.caller,
    view,
    retentionDays: input.retentionDays ?? ctx.services.config.snapshotRetentionDays,
  };
}

export const snapshotsRouter = router({
  /** Freezes a finished flame-graph capture, with its search, orientation and FlameScope range. */
  createProfile: authedProcedure.input(createProfileInput).mutation(({ ctx, input }) => {
    try {
      const capture = ctx.services.profiles.ownedBy(input.captureId, ctx.caller);
      if (capture.state !== 'done' || !capture.profile) {
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `capture ${input.captureId} is ${capture.state}: only a finished capture can be shared` });
      }
      const view: SnapshotView = {
        from: capture.profile.startedAt,
        to: capture.profile.startedAt + capture.profile.durationMs,
      };
      if (input.selection) view.selection = input.selection;
      if (input.search !== undefined) view.search = input.search;
      if (input.inverted !== undefined) view.inverted = input.inverted;
      if (input.zoom !== undefined && input.zoom.length > 0) view.zoom = input.zoom;
      return ctx.services.snapshots().create({
        kind: 'profile',
        ...snapshotOrigin(ctx, capture, input, view),
        profile: capture.profile,
      });
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** Freezes what a heat map shows: the frames its session's attachment recorded within `range`. */
  create: authedProcedure.input(createInput).mutation(({ ctx, input }) => {
    try {
      const history = ctx.services.sessions.historyOf(input.sessionId, ctx.caller);
      if (!history.histogram) throw new TRPCError({ code: 'BAD_REQUEST', message: `${history.tool} has no heat map to snapshot` });
      const frames = history.frames.filter((frame) => frame.time > input.range.from && frame.time <= input.range.to);
      const view: SnapshotView = { ...input.range };
      if (input.selection) view.selection = input.selection;
      if (input.series !== undefined) view.series = input.series;
      return ctx.services.snapshots().create({
        kind: 'heatmap',
        ...snapshotOrigin(ctx, history, input, view),
        histogram: history.histogram,
        frames,
      });
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /**
   * Freezes what a table shows: the rows its attachment kept between the oldest
   * and newest row the viewer holds, with the viewer's filters and sort.
   */
  createTable: authedProcedure.input(createTableInput).mutation(({ ctx, input }) => {
    try {
      const history = ctx.services.sessions.historyOf(input.sessionId, ctx.caller);
      if (!history.rows) throw new TRPCError({ code: 'BAD_REQUEST', message: `${history.tool} has no table to snapshot` });
      const rows = history.rows.filter((row) => typeof row.time !== 'number' || (row.time >= input.range.from && row.time <= input.range.to));
      const view: SnapshotView = { from: input.range.from, to: input.range.to };
      if (input.filter) view.filter = input.filter;
      if (input.columnFilters && Object.keys(input.columnFilters).length > 0) view.columnFilters = input.columnFilters;
      if (input.sort) view.sort = input.sort;
      if (input.selection) view.selection = input.selection;
      // Rows the agent let go to stay bounded may have been in the range: say from when it is whole.
      const oldestKept = history.rows[0]?.time;
      if ((history.rowsReleased ?? 0) > 0 && typeof oldestKept === 'number' && oldestKept > input.range.from) view.rowsKeptSince = oldestKept;
      return ctx.services.snapshots().create({
        kind: 'table',
        ...snapshotOrigin(ctx, history, input, view),
        rows,
      });
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** `form: 'packed'`: its frames in packedFrames and its profile in packedProfile (see sessions.stream, profiles.get). */
  get: authedProcedure.input(z.object({ id: snapshotId, form: wireForm.optional() }).strict()).query(({ ctx, input }): SnapshotOnWire => {
    const snapshot = ctx.services.snapshots().get(input.id);
    if (!snapshot) throw new TRPCError({ code: 'NOT_FOUND', message: `no snapshot ${input.id} on this host (deleted, expired, or from another host)` });
    return snapshotInForm(snapshot, input.form);
  }),

  list: authedProcedure.query(({ ctx }) => ctx.services.snapshots().list()),

  rename: authedProcedure.input(z.object({ id: snapshotId, title }).strict()).mutation(({ ctx, input }) => {
    if (!ctx.services.snapshots().rename(input.id, input.title)) throw new TRPCError({ code: 'NOT_FOUND', message: `no snapshot ${input.id}` });
    return { renamed: true };
  }),

  delete: authedProcedure.input(z.object({ id: snapshotId }).strict()).mutation(({ ctx, input }) => {
    if (!ctx.services.snapshots().delete(input.id)) throw new TRPCError({ code: 'NOT_FOUND', message: `no snapshot ${input.id}` });
    return { deleted: true };
  }),
});
