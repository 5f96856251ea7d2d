import { describe, expect, it } from 'vitest';
import { formatTableHeader, formatTableRow } from '../../table.js';
import { shownColumns } from '@bpfscope/formats';
import { decodeOpenEvent, OpenEventOffset, opensnoop, opensnoopParams, openFlagValue } from './opensnoop.js';

function record(options: { ret: number; flags?: number; mode?: number; path: string }): Buffer {
  const path = Buffer.from(`${options.path}\0`);
  const buffer = Buffer.alloc(OpenEventOffset.path + path.length);
  buffer.writeBigUInt64LE(3_000_000n, OpenEventOffset.timestampNs);
  buffer.writeUInt32LE(4242, OpenEventOffset.pid);
  buffer.writeUInt32LE(4243, OpenEventOffset.tid);
  buffer.writeUInt32LE(1000, OpenEventOffset.uid);
  buffer.writeInt32LE(options.ret, OpenEventOffset.ret);
  buffer.writeInt32LE(options.flags ?? 0, OpenEventOffset.flags);
  buffer.writeUInt32LE(options.mode ?? 0, OpenEventOffset.mode);
  buffer.writeUInt32LE(path.length, OpenEventOffset.pathSize);
  buffer.write('cat', OpenEventOffset.comm);
  path.copy(buffer, OpenEventOffset.path);
  return buffer;
}

describe('decodeOpenEvent', () => {
  it('splits the return into FD and ERR as bcc prints them', () => {
    const ok = decodeOpenEvent(record({ ret: 3, flags: 0o2000000, mode: 0o777, path: '/etc/passwd' }), (ns) => Number(ns) / 1e6, 'x64');
    expect(ok).toEqual({
      time: 3,
      uid: 1000,
      pid: 4242,
      tid: 4243,
      comm: 'cat',
      fd: 3,
      err: 0,
      flags: '02000000',
      mode: 'n/a',
      path: '/etc/passwd',
    });
    const missing = decodeOpenEvent(record({ ret: -2, flags: 0o1101, mode: 0o644, path: 'relative/x' }), () => 0, 'x64');
    expect([missing.fd, missing.err, missing.flags, missing.mode, missing.path]).toEqual([-1, 2, '00001101', '0644', 'relative/x']);
  });

  it('never reads past path_size', () => {
    const buffer = record({ ret: 1, path: '/a' });
    buffer.writeUInt32LE(9999, OpenEventOffset.pathSize);
    expect(decodeOpenEvent(buffer, () => 0).path).toBe('/a');
  });
});

describe('opensnoop columns and params', () => {
  it('prints bcc columns, TIME, UID and FLAGS/MODE only with -T, -U and -e', () => {
    const row = decodeOpenEvent(record({ ret: 3, flags: 0o100, mode: 0o600, path: '/tmp/x' }), () => 0, 'x64');
    const plain = shownColumns(opensnoop.columns, opensnoopParams.parse({}));
    expect(formatTableHeader(plain)).toBe('PID    COMM              FD ERR PATH');
    expect(formatTableRow(plain, row)).toBe('4242   cat                3   0 /tmp/x');
    const all = shownColumns(opensnoop.columns, opensnoopParams.parse({ timestamp: true, printUid: true, extendedFields: true }));
    expect(formatTableHeader(all)).toBe('TIME     UID     PID    COMM              FD ERR FLAGS    MODE PATH');
    expect(formatTableRow(all, row)).toMatch(/^\d\d:\d\d:\d\d 1000 {4}4242 {3}cat {16}3 {3}0 00000100 0600 \/tmp\/x$/);
  });

  it('knows the flags by name, per architecture, and refuses others', () => {
    expect(openFlagValue('O_WRONLY')).toBe(1);
    expect(openFlagValue('O_DIRECTORY', 'x64')).toBe(0o200000);
    expect(openFlagValue('O_DIRECTORY', 'arm64')).toBe(0o40000);
    expect(opensnoopParams.safeParse({ flagFilter: ['O_BOGUS'] }).success).toBe(false);
    expect(opensnoopParams.safeParse({ pid: 0 }).success).toBe(false);
    expect(opensnoopParams.safeParse({ name: 'x'.repeat(16) }).success).toBe(false);
  });

  it('matches -n against a part of COMM, as libbpf-tools does', () => {
    const accept = opensnoop.accept as NonNullable<typeof opensnoop.accept>;
    const row = decodeOpenEvent(record({ ret: 3, path: '/x' }), () => 0);
    expect(accept(row, opensnoopParams.parse({ name: 'ca' }))).toBe(true);
    expect(accept(row, opensnoopParams.parse({ name: 'dog' }))).toBe(false);
  });
});
