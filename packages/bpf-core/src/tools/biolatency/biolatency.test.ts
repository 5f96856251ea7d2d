import { describe, expect, it } from 'vitest';
import { blockDeviceByName, kernelDev, splitKernelDev } from '../shared/blockDevices.js';
import { biolatency, operationLabel } from './biolatency.js';

describe('biolatency decoding', () => {
  it('names operations as bcc does', () => {
    expect([0, 1, 0x101, 2, 3, 0x103, 9, 63].map(operationLabel)).toEqual([
      'Read',
      'Write',
      'Sync-Write',
      'Flush',
      'Discard',
      'Sync-Discard',
      'WriteZeroes',
      'Op63',
    ]);
  });

  it('encodes device numbers as the kernel does (MKDEV)', () => {
    expect(kernelDev(254, 0)).toBe(254 * 2 ** 20);
    expect(splitKernelDev(kernelDev(259, 3))).toEqual({ major: 259, minor: 3 });
    expect(blockDeviceByName('../etc')).toBeUndefined();
  });

  it('labels keys by disk and operation as asked', () => {
    const key = Buffer.alloc(8);
    key.writeUInt32LE(kernelDev(7, 999_999), 0);
    key.writeUInt32LE(0x101, 4);
    const params = biolatency.paramsSchema.parse({ perDisk: true, perFlags: true });
    expect(biolatency.histogram.keyLabel(key, params)).toBe('7:999999 Sync-Write');
    expect(biolatency.histogram.keyName(params)).toBe('disk, flags');
    expect(biolatency.histogram.keyLabel(key, biolatency.paramsSchema.parse({}))).toBe('');
  });
});
