import { featureNames, resolveToolSupport, toolRegistry } from '@bpfscope/bpf-core';
import type { FeatureName, FeatureSource, FeatureStatus, ToolSupport } from '@bpfscope/bpf-core';
import { CATALOG_KEPT_MS } from './toolCatalog.js';

interface CapabilitiesSnapshot {
  features: Record<FeatureName, FeatureStatus>;
  tools: ToolSupport[];
}

/** Kept for a minute per feature source, as the tool catalog is (same look-ups): host.info is polled by every browser. */
const snapshots = new WeakMap<FeatureSource, { madeAt: number; snapshot: CapabilitiesSnapshot }>();

/** What this kernel offers and, per tool, works / which method / why not. */
export function getCapabilitiesSnapshot(features: FeatureSource, now = Date.now()): CapabilitiesSnapshot {
  let kept = snapshots.get(features);
  if (!kept || now - kept.madeAt >= CATALOG_KEPT_MS) {
    kept = {
      madeAt: now,
      snapshot: {
        features: Object.fromEntries(featureNames.map((name) => [name, features.feature(name)])) as Record<FeatureName, FeatureStatus>,
        tools: [...toolRegistry.values()].map((tool) => resolveToolSupport(tool, features)),
      },
    };
    snapshots.set(features, kept);
  }
  return kept.snapshot;
}
