import { describe, expect, it } from 'vitest';
import { formatArguments } from '@bpfscope/formats';
import { ExecEventOffset, execsnoop, decodeExecEvent, execsnoopParams } from './execsnoop.js';

function record(options: { args: string[]; argsCount?: number; retval?: number; flags?: number; comm?: string }): Buffer {
  const args = Buffer.from(options.args.map((arg) => `${arg}\0`).join(''));
  const buffer = Buffer.alloc(ExecEventOffset.args + args.length);
  buffer.writeBigUInt64LE(2_000_000n, ExecEventOffset.timestampNs);
  buffer.writeUInt32LE(100, ExecEventOffset.pid);
  buffer.writeUInt32LE(1, ExecEventOffset.ppid);
  buffer.writeUInt32LE(1000, ExecEventOffset.uid);
  buffer.writeInt32LE(options.retval ?? 0, ExecEventOffset.retval);
  buffer.writeUInt32LE(options.argsCount ?? options.args.length, ExecEventOffset.argsCount);
  buffer.writeUInt32LE(args.length, ExecEventOffset.argsSize);
  buffer.writeUInt32LE(options.flags ?? 0, ExecEventOffset.flags);
  buffer.write(options.comm ?? 'bash', ExecEventOffset.comm);
  args.copy(buffer, ExecEventOffset.args);
  return buffer;
}

describe('decodeExecEvent', () => {
  it('reads the header and splits the NUL-separated arguments', () => {
    const row = decodeExecEvent(record({ args: ['/bin/ls', '-l', ''], retval: -2 }), (ns) => Number(ns) / 1e6);
    expect(row).toEqual({
      time: 2,
      pcomm: 'bash',
      pid: 100,
      ppid: 1,
      uid: 1000,
      ret: -2,
      argv: ['/bin/ls', '-l', ''],
      argsTruncated: false,
    });
  });

  it('never reads past args_size, even if args_count says more', () => {
    const row = decodeExecEvent(record({ args: ['/bin/a', 'b'], argsCount: 9 }), () => 0);
    expect(row.argv).toEqual(['/bin/a', 'b']);
  });

  it('prints truncated arguments with a trailing "..." like bcc', () => {
    const row = decodeExecEvent(record({ args: ['/bin/a', 'b'], flags: 1 }), () => 0);
    expect(formatArguments(row.argv, row.argsTruncated)).toBe('/bin/a b ...');
  });
});

describe('execsnoop params and filters', () => {
  it('defaults like bcc: 20 args, failed execs hidden', () => {
    expect(execsnoopParams.parse({})).toEqual({ includeFailed: false, maxArgs: 20 });
  });

  it('matches PCOMM exactly and ARGS by substring', () => {
    const row = decodeExecEvent(record({ args: ['/usr/bin/curl', 'https://example.test'], comm: 'curl' }), () => 0);
    const accept = execsnoop.accept as NonNullable<typeof execsnoop.accept>;
    const params = execsnoopParams.parse({});
    expect(accept(row, { ...params, comm: 'curl' })).toBe(true);
    expect(accept(row, { ...params, comm: 'cur' })).toBe(false);
    expect(accept(row, { ...params, nameContains: 'example.test' })).toBe(true);
    expect(accept(row, { ...params, nameContains: 'nothing' })).toBe(false);
  });
});
