import { describe, expect, it } from 'vitest';
import { splitBatch, tracingMayAllocate } from './bpfObject.js';

describe('splitBatch', () => {
  it('splits [u32 length][pad][payload padded to 8] records without copying', () => {
    const payloads = [Buffer.from('abc'), Buffer.from('12345678'), Buffer.alloc(0), Buffer.from('z')];
    const parts: Buffer[] = [];
    for (const payload of payloads) {
      const header = Buffer.alloc(8);
      header.writeUInt32LE(payload.length);
      parts.push(header, payload, Buffer.alloc((8 - (payload.length % 8)) % 8));
    }
    const batch = Buffer.concat(parts);
    const records = splitBatch(batch, payloads.length);
    expect(records.map((record) => record.toString())).toEqual(['abc', '12345678', '', 'z']);
    expect(records[0]?.buffer).toBe(batch.buffer);
  });
});

describe('tracingMayAllocate', () => {
  it('is true from Linux 6.1, when BPF got its own allocator, and false before', () => {
    expect(tracingMayAllocate('6.1.0-27-amd64')).toBe(true);
    expect(tracingMayAllocate('6.18.0')).toBe(true);
    expect(tracingMayAllocate('7.0.1')).toBe(true);
    expect(tracingMayAllocate('6.0.19')).toBe(false);
    expect(tracingMayAllocate('5.15.0-91-generic')).toBe(false);
    expect(tracingMayAllocate('garbage')).toBe(false);
  });
});
