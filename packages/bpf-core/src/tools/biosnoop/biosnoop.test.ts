import { describe, expect, it } from 'vitest';
import { shownColumns } from '@bpfscope/formats';
import { formatTableHeader, formatTableRow } from '../../table.js';
import { kernelDev } from '../shared/blockDevices.js';
import { BIO_EVENT_SIZE, BioEventOffset, biosnoop, biosnoopParams, decodeBioEvent, rwbs } from './biosnoop.js';

function record(options: { pid?: number; op?: number; flags?: number; queuedNs?: bigint; comm?: string }): Buffer {
  const buffer = Buffer.alloc(BIO_EVENT_SIZE);
  buffer.writeBigUInt64LE(2_500_000_000n, BioEventOffset.timestampNs);
  buffer.writeBigUInt64LE(1_234_567n, BioEventOffset.latencyNs);
  buffer.writeBigUInt64LE(options.queuedNs ?? 0n, BioEventOffset.queuedNs);
  buffer.writeBigUInt64LE(2048n, BioEventOffset.sector);
  buffer.writeUInt32LE(65536, BioEventOffset.bytes);
  buffer.writeUInt32LE(options.pid ?? 777, BioEventOffset.pid);
  // A dev with no /sys entry: named major:minor.
  buffer.writeUInt32LE(kernelDev(4095, 77), BioEventOffset.dev);
  buffer.writeUInt16LE(options.op ?? 1, BioEventOffset.op);
  buffer.writeUInt16LE(options.flags ?? 8, BioEventOffset.flags);
  buffer.write(options.comm ?? 'dd', BioEventOffset.comm);
  return buffer;
}

const toWallClockMs = (ns: bigint) => Number(ns) / 1e6;

describe('decodeBioEvent', () => {
  it('reads a request as bcc prints it, TIME(s) from the start of tracing', () => {
    expect(decodeBioEvent(record({}), toWallClockMs, { startedAt: 1000 })).toEqual({
      time: 2500,
      seconds: 1.5,
      comm: 'dd',
      pid: 777,
      disk: '4095:77',
      type: 'WS',
      sector: 2048,
      bytes: 65536,
      queuedMs: 0,
      latencyMs: 1.234567,
    });
  });

  it("names an unattributed request '?' and a missed insertion null, not -1", () => {
    const row = decodeBioEvent(record({ pid: 0, comm: '', queuedNs: 0xffffffffffffffffn }), toWallClockMs, { startedAt: 0 });
    expect([row.comm, row.pid, row.queuedMs]).toEqual(['?', 0, null]);
  });

  it('spells T with the kernel rwbs letters', () => {
    expect(rwbs(0, 0)).toBe('R');
    expect(rwbs(0, 4 | 16)).toBe('RAM');
    expect(rwbs(1, 1 | 2 | 8)).toBe('FWFS');
    expect(rwbs(2, 0)).toBe('F');
    expect(rwbs(3, 0)).toBe('D');
    expect(rwbs(5, 0)).toBe('DE');
    expect(rwbs(9, 0)).toBe('N');
  });
});

describe('biosnoop columns and params', () => {
  it('prints libbpf-tools columns, QUE(ms) only with -Q', () => {
    const row = decodeBioEvent(record({ queuedNs: 250_000n }), toWallClockMs, { startedAt: 1000 });
    const plain = shownColumns(biosnoop.columns, biosnoopParams.parse({}));
    expect(formatTableHeader(plain)).toBe('TIME(s)     COMM           PID     DISK    T    SECTOR     BYTES   LAT(ms)');
    expect(formatTableRow(plain, row)).toBe('1.500000    dd             777     4095:77 WS   2048       65536   1.235');
    const queued = shownColumns(biosnoop.columns, biosnoopParams.parse({ queued: true }));
    expect(formatTableHeader(queued)).toMatch(/BYTES {3}QUE\(ms\) LAT\(ms\)$/);
    expect(formatTableRow(queued, row)).toMatch(/65536 {5}0.250 1.235$/);
  });

  it('bounds its params', () => {
    expect(biosnoopParams.parse({})).toEqual({ queued: false, minMs: 0 });
    for (const params of [{ disk: '../sda' }, { minMs: -1 }, { cgroup: '' }, { pid: 1 }]) expect(biosnoopParams.safeParse(params).success).toBe(false);
  });
});
