import { featureNames, resolveToolSupport, toolRegistry } from '@bpfscope/bpf-core';
import type { FeatureName, FeatureSource, FeatureStatus, ToolSupport } from '@bpfscope/bpf-core';

/** What this kernel offers and, per tool, works / which method / why not. */
export function getCapabilitiesSnapshot(features: FeatureSource): {
  features: Record<FeatureName, FeatureStatus>;
  tools: ToolSupport[];
} {
  return {
    features: Object.fromEntries(featureNames.map((name) => [name, features.feature(name)])) as Record<FeatureName, FeatureStatus>,
    tools: [...toolRegistry.values()].map((tool) => resolveToolSupport(tool, features)),
  };
}
