import { HISTOGRAM_SLOTS, resolveToolSupport, toolRegistry } from '@bpfscope/bpf-core';
import type { FeatureSource } from '@bpfscope/bpf-core';
import { z } from 'zod';

/**
 * Kept for a minute per feature source: making the catalog costs about 25 ms of CPU (z.toJSONSchema of every tool,
 * tracefs and BTF look-ups) and every browser's host monitor asks for it (a fleet page opened on 20 hosts asks all
 * 20 at once). Features are probed once; a minute bounds how late a tracepoint or a module's function loaded since
 * is seen.
 */
const catalogs = new WeakMap<FeatureSource, { madeAt: number; catalog: ReturnType<typeof makeCatalog> }>();
export const CATALOG_KEPT_MS = 60_000;

/** The tool catalog as the web shows it: what each tool is, its form, and whether it works here. */
export function listTools(features: FeatureSource, now = Date.now()) {
  let kept = catalogs.get(features);
  if (!kept || now - kept.madeAt >= CATALOG_KEPT_MS) {
    kept = { madeAt: now, catalog: makeCatalog(features) };
    catalogs.set(features, kept);
  }
  return kept.catalog;
}

function makeCatalog(features: FeatureSource) {
  return [...toolRegistry.values()].map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    howItWorks: tool.howItWorks ?? null,
    category: tool.category,
    // A custom probe: an operator token starts it, and the agent holds it to the probe budget and time to live.
    custom: tool.custom === true,
    outputKind: tool.outputKind,
    columns: (tool.outputKind === 'table' ? tool.columns : []).map((column) => ({
      header: column.header,
      key: column.key,
      unit: column.unit ?? null,
      align: column.align,
      display: column.display,
      decimals: column.decimals ?? null,
      // bcc's printf width (0: the unpadded last column), so a one-letter column stays narrow.
      width: column.width,
      // The boolean param that adds the column (opensnoop -T, -U, -f), or null when it is always shown.
      whenParam: column.whenParam ?? null,
    })),
    // Tools with log2 histograms over time: heat-map tools, and tables with a heat map of the same events.
    heatMap:
      tool.outputKind !== 'stacks' && tool.histogram ? { measure: tool.histogram.measure, rows: tool.histogram.rows ?? null, slots: HISTOGRAM_SLOTS } : null,
    // A param below which events get no row, so an empty table can say what it left out.
    rowThreshold: (tool.outputKind === 'table' ? tool.rowThreshold : undefined) ?? null,
    // Interval-row tables (cachestat): columns drawn over time, and how often a row comes.
    timeSeries: (tool.outputKind === 'table' ? tool.timeSeries : undefined) ?? null,
    // For the web's generated params form.
    paramsJsonSchema: z.toJSONSchema(tool.paramsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    support: resolveToolSupport(tool, features),
  }));
}
