import { afterEach, describe, expect, it } from 'vitest';
import { HostSampler } from '../host/sampler.js';
import { AdvancingHostTree, advanceText } from './hostTree.js';

describe('advanceText', () => {
  it('moves each number that differs by n steps and keeps the rest', () => {
    expect(advanceText('cpu 100 5 7\nx 1.50', 'cpu 110 5 9\nx 1.75', 3)).toBe('cpu 130 5 13\nx 2.25');
    expect(advanceText('a 18446744073709551615 1', 'a 18446744073709551615 2', 2)).toBe('a 18446744073709551615 3');
  });

  it('never goes below zero (a gauge that falls) and takes reading 1 when the shapes differ', () => {
    expect(advanceText('SwapFree: 8 kB', 'SwapFree: 4 kB', 5)).toBe('SwapFree: 0 kB');
    expect(advanceText('a 1', 'a 1\nb 2', 4)).toBe('a 1\nb 2');
  });
});

describe('AdvancingHostTree', () => {
  let tree: AdvancingHostTree | undefined;
  afterEach(() => tree?.dispose());

  it('gives a sampler one second of the saturated host at every step', () => {
    tree = new AdvancingHostTree('saturated');
    const sampler = new HostSampler({ procfs: tree.procfs, sysfs: tree.sysfs, kmsg: tree.kmsg });
    sampler.sample();
    for (let n = 1; n <= 3; n++) {
      tree.advance();
      const sample = sampler.sample();
      expect(sample.errors).toEqual([]);
      expect(sample.interval).toBe(1);
      expect(sample.mpstat?.rows[0]?.['%idle']).toBe(0);
      expect(sample.iostat?.find((row) => row.Device === 'sda')?.['%util']).toBe(100);
    }
    expect(tree.step).toBe(3);
    sampler.close();
  });
});
