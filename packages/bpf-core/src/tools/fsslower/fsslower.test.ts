import { describe, expect, it } from 'vitest';
import { formatCell } from '@bpfscope/formats';
import { formatTableHeader, formatTableRow } from '../../table.js';
import { ext4slower, FS_OP_EVENT_SIZE, fsslower, FsOpEventOffset, decodeFsOpEvent, fileSystemNameGlobal, operationLabel, operationLetter } from './fsslower.js';

function event(fields: { op: number; size: bigint; offset: bigint; latencyNs: bigint; fileName: string }): Buffer {
  const record = Buffer.alloc(FS_OP_EVENT_SIZE);
  record.writeBigUInt64LE(7_000_000_000n, FsOpEventOffset.timestampNs);
  record.writeBigUInt64LE(fields.latencyNs, FsOpEventOffset.latencyNs);
  record.writeBigInt64LE(fields.size, FsOpEventOffset.size);
  record.writeBigInt64LE(fields.offset, FsOpEventOffset.offset);
  record.writeUInt32LE(31337, FsOpEventOffset.pid);
  record.writeUInt32LE(fields.op, FsOpEventOffset.op);
  record.write('postgres\0junk', FsOpEventOffset.comm);
  record.write(fields.fileName, FsOpEventOffset.fileName);
  return record;
}

describe('decodeFsOpEvent', () => {
  it('reads every field of struct fs_op_event', () => {
    const row = decodeFsOpEvent(
      event({ op: 1, size: 8192n, offset: 3n * 1024n * 1024n + 1023n, latencyNs: 12_345_678n, fileName: '000000010000000000000001' }),
      (ns) => Number(ns / 1_000_000n),
    );
    expect(row).toEqual({
      time: 7000,
      comm: 'postgres',
      pid: 31337,
      type: 'W',
      bytes: 8192,
      offset: 3 * 1024 * 1024 + 1023,
      latencyMs: 12.345678,
      fileName: '000000010000000000000001',
    });
  });

  it('keeps a failed read negative and a 63-byte name whole', () => {
    const name = 'n'.repeat(63);
    const row = decodeFsOpEvent(event({ op: 0, size: -5n, offset: 0n, latencyNs: 1n, fileName: name }), () => 0);
    expect(row.bytes).toBe(-5);
    expect(row.fileName).toBe(name);
  });

  it('names operations as bcc (T) and as heat-map series', () => {
    expect([0, 1, 2, 3, 9].map(operationLetter)).toEqual(['R', 'W', 'O', 'F', '?']);
    expect([0, 1, 2, 3, 9].map(operationLabel)).toEqual(['read', 'write', 'open', 'fsync', 'op9']);
    const key = Buffer.alloc(4);
    key.writeUInt32LE(3);
    expect(fsslower.histogram?.source).toBe('map');
    if (fsslower.histogram?.source === 'map') {
      const params = fsslower.paramsSchema.parse({});
      expect(fsslower.histogram.keyLabel(key, params)).toBe('fsync');
      expect(fsslower.histogram.keyName(params)).toBe('operation');
      expect(fsslower.histogram.unit(params)).toBe('usecs');
    }
  });
});

describe('columns', () => {
  it('print as bcc: OFF_KB floored, LAT(ms) with two decimals', () => {
    const row = decodeFsOpEvent(event({ op: 0, size: 4096n, offset: 2047n, latencyNs: 10_504_999n, fileName: 'data.db' }), () => 0);
    const offKb = fsslower.columns.find((column) => column.header === 'OFF_KB');
    expect([0, 1023, 1024, 2047, 1_048_576, 8 * 1024 * 1024].map((offset) => offKb && formatCell(offKb, { ...row, offset }))).toEqual([
      '0',
      '0',
      '1',
      '1',
      '1024',
      '8192',
    ]);
    expect(formatTableHeader(fsslower.columns)).toBe('TIME     COMM           PID     T BYTES   OFF_KB   LAT(ms) FILENAME');
    expect(formatTableRow(fsslower.columns, row).slice(9)).toBe('postgres       31337   R 4096    1          10.50 data.db');
  });
});

describe('params', () => {
  it('default to ext4 and bcc min_ms 10', () => {
    expect(fsslower.paramsSchema.parse({})).toEqual({ fs: 'ext4', minMs: 10 });
    expect(ext4slower.paramsSchema.parse({ pid: 12 })).toEqual({ minMs: 10, pid: 12 });
  });

  it('refuse a bad fs name, a negative threshold, unknown keys; ext4slower has no fs', () => {
    for (const params of [{ fs: 'Ext4' }, { fs: 'x'.repeat(16) }, { fs: 'fuse.sshfs' }, { minMs: -0.5 }, { pid: 0 }, { min_ms: 1 }]) {
      expect(fsslower.paramsSchema.safeParse(params).success, JSON.stringify(params)).toBe(false);
    }
    expect(ext4slower.paramsSchema.safeParse({ fs: 'ext4' }).success).toBe(false);
    expect(fsslower.paramsSchema.parse({ fs: 'btrfs', minMs: 0 })).toEqual({ fs: 'btrfs', minMs: 0 });
  });

  it('encode targ_fs as a NUL-padded char[16]', () => {
    const global = fileSystemNameGlobal('xfs');
    expect(global).toHaveLength(16);
    expect(global.toString('latin1')).toBe('xfs' + '\0'.repeat(13));
    expect(() => fileSystemNameGlobal('a'.repeat(16))).toThrow(RangeError);
  });

  it('describe every param and the attach methods in preference order', () => {
    expect(fsslower.attachMethods.map((method) => method.name)).toEqual(['fentry', 'kprobe', 'tracepoint']);
    expect(ext4slower.attachMethods).toBe(fsslower.attachMethods);
    // What the fallback misses is said where users look for how it works, not in the one-line description.
    expect(fsslower.howItWorks).toMatch(/system calls only/);
    for (const tool of [fsslower, ext4slower]) {
      const shape = (tool.paramsSchema as unknown as { shape: Record<string, { description?: string }> }).shape;
      for (const [name, schema] of Object.entries(shape)) expect(schema.description, `${tool.name}.${name}`).toBeTruthy();
    }
  });
});
