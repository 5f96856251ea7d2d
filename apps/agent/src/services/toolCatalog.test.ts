import type { FeatureSource } from '@bpfscope/bpf-core';
import { describe, expect, it } from 'vitest';
import { getCapabilitiesSnapshot } from './capabilities.js';
import { CATALOG_KEPT_MS, listTools } from './toolCatalog.js';

/** Every feature available, counting the look-ups. */
function countingFeatures(): FeatureSource & { lookups: number } {
  const source = {
    lookups: 0,
    feature: () => {
      source.lookups++;
      return { available: true };
    },
  };
  return source;
}

describe('the tool catalog and the capabilities of host.info', () => {
  it('are made once a minute, not on every poll of every browser', () => {
    const features = countingFeatures();
    const catalog = listTools(features, 1000);
    const lookups = features.lookups;
    expect(lookups).toBeGreaterThan(0);
    expect(listTools(features, 1000 + CATALOG_KEPT_MS - 1)).toBe(catalog);
    expect(features.lookups).toBe(lookups);
    const later = listTools(features, 1000 + CATALOG_KEPT_MS);
    expect(later).not.toBe(catalog);
    expect(later).toEqual(catalog);

    const snapshot = getCapabilitiesSnapshot(features, 1000);
    const afterSnapshot = features.lookups;
    expect(getCapabilitiesSnapshot(features, 2000)).toBe(snapshot);
    expect(features.lookups).toBe(afterSnapshot);
    expect(getCapabilitiesSnapshot(features, 1000 + CATALOG_KEPT_MS)).toEqual(snapshot);
    expect(features.lookups).toBeGreaterThan(afterSnapshot);
  });
});
