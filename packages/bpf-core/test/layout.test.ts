// The decoders in <tool>.ts mirror the event structs in <tool>.h: check every
// offset against the struct layout clang recorded in the built object's BTF.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExecEventOffset } from '../src/tools/execsnoop/execsnoop.js';
import { HISTOGRAM_VALUE_SIZE, NAMED_HISTOGRAM_VALUE_SIZE, NamedHistogramOffset } from '../src/histogram.js';
import { BiolatencyKeyOffset } from '../src/tools/biolatency/biolatency.js';
import { FS_OP_EVENT_SIZE, FSSLOWER_KEY_SIZE, FsOpEventOffset, FsslowerKeyOffset } from '../src/tools/fsslower/fsslower.js';
import { HOST_LOOKUP_EVENT_SIZE, HostLookupEventOffset, HostLookupKeyOffset } from '../src/tools/gethostlatency/gethostlatency.js';
import { TCP_SESSION_EVENT_SIZE, TcpSessionEventOffset } from '../src/tools/tcplife/tcplife.js';
import { BLOCKED_TASK_SIZE, BlockedTaskOffset } from '../src/stacks/offcpu.js';
import { OFFCPUTIME_KEY_SIZE, OffcputimeKeyOffset } from '../src/tools/offcputime/offcputime.js';
import { OFFWAKETIME_KEY_SIZE, OffwaketimeKeyOffset, WAKER_SIZE, WakerOffset } from '../src/tools/offwaketime/offwaketime.js';
import { PROFILE_KEY_SIZE, ProfileKeyOffset } from '../src/tools/profile/profile.js';

function structLayout(objectFile: string, struct: string): { size: number; offsets: Map<string, number> } {
  const path = fileURLToPath(new URL(`../out/bpf/${objectFile}`, import.meta.url));
  const dump = execFileSync('bpftool', ['btf', 'dump', 'file', path, 'format', 'raw'], { encoding: 'utf8' });
  const lines = dump.split('\n');
  const start = lines.findIndex((line) => line.includes(`STRUCT '${struct}' `));
  if (start === -1) throw new Error(`struct ${struct} not in the BTF of ${objectFile}`);
  const header = /size=(\d+) vlen=(\d+)/.exec(lines[start] as string);
  const offsets = new Map<string, number>();
  for (const line of lines.slice(start + 1, start + 1 + Number(header?.[2]))) {
    const member = /'(\w+)' type_id=\d+ bits_offset=(\d+)/.exec(line);
    if (member) offsets.set(member[1] as string, Number(member[2]) / 8);
  }
  return { size: Number(header?.[1]), offsets };
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

describe('event layouts: TypeScript decoders against the BPF objects', () => {
  it.each([
    ['execsnoop.bpf.o', 'exec_event', ExecEventOffset, { retval: 'retval', args: 'args' }],
    ['tcplife.bpf.o', 'tcp_session_event', TcpSessionEventOffset, {}],
    ['biolatency.bpf.o', 'biolatency_key', BiolatencyKeyOffset, {}],
    ['runqlat.bpf.o', 'named_histogram', NamedHistogramOffset, {}],
    ['fsslower.bpf.o', 'fs_op_event', FsOpEventOffset, {}],
    ['fsslower.bpf.o', 'fsslower_key', FsslowerKeyOffset, {}],
    ['gethostlatency.bpf.o', 'host_lookup_event', HostLookupEventOffset, {}],
    ['gethostlatency.bpf.o', 'host_lookup_key', HostLookupKeyOffset, {}],
    ['profile.bpf.o', 'profile_key', ProfileKeyOffset, {}],
    ['offcputime.bpf.o', 'offcputime_key', OffcputimeKeyOffset, {}],
    ['offcputime.bpf.o', 'blocked_task', BlockedTaskOffset, {}],
    ['offwaketime.bpf.o', 'blocked_task', BlockedTaskOffset, {}],
    ['offwaketime.bpf.o', 'waker', WakerOffset, {}],
    ['offwaketime.bpf.o', 'offwaketime_key', OffwaketimeKeyOffset, {}],
  ] as const)('%s %s', (objectFile, struct, offsets, renames) => {
    const layout = structLayout(objectFile, struct);
    for (const [field, offset] of Object.entries(offsets)) {
      const cName = (renames as Record<string, string>)[field] ?? snakeCase(field);
      expect(layout.offsets.get(cName), `${struct}.${cName}`).toBe(offset);
    }
  });

  it('tcp_session_event is the size tcplife.ts expects', () => {
    expect(structLayout('tcplife.bpf.o', 'tcp_session_event').size).toBe(TCP_SESSION_EVENT_SIZE);
  });

  it('fs_op_event is the size fsslower.ts expects', () => {
    expect(structLayout('fsslower.bpf.o', 'fs_op_event').size).toBe(FS_OP_EVENT_SIZE);
  });

  it('host_lookup_event is the size gethostlatency.ts expects', () => {
    expect(structLayout('gethostlatency.bpf.o', 'host_lookup_event').size).toBe(HOST_LOOKUP_EVENT_SIZE);
  });

  it.each([
    ['profile.bpf.o', 'profile_key', PROFILE_KEY_SIZE],
    ['offcputime.bpf.o', 'offcputime_key', OFFCPUTIME_KEY_SIZE],
    ['offcputime.bpf.o', 'blocked_task', BLOCKED_TASK_SIZE],
    ['offwaketime.bpf.o', 'waker', WAKER_SIZE],
    ['offwaketime.bpf.o', 'offwaketime_key', OFFWAKETIME_KEY_SIZE],
  ] as const)('%s %s is the size its decoder expects', (objectFile, struct, size) => {
    expect(structLayout(objectFile, struct).size).toBe(size);
  });

  it.each(['biolatency.bpf.o', 'runqlat.bpf.o', 'gethostlatency.bpf.o', 'fsslower.bpf.o'])(
    '%s keeps struct histogram as histogram.ts reads it',
    (objectFile) => {
      expect(structLayout(objectFile, 'histogram').size).toBe(HISTOGRAM_VALUE_SIZE);
    },
  );

  it('runqlat keeps struct named_histogram as histogram.ts reads it', () => {
    expect(structLayout('runqlat.bpf.o', 'named_histogram').size).toBe(NAMED_HISTOGRAM_VALUE_SIZE);
  });

  it('histogram keys are the sizes their decoders read', () => {
    expect(structLayout('biolatency.bpf.o', 'biolatency_key').size).toBe(8);
    expect(structLayout('runqlat.bpf.o', 'runqlat_key').size).toBe(4);
    expect(structLayout('fsslower.bpf.o', 'fsslower_key').size).toBe(FSSLOWER_KEY_SIZE);
    expect(structLayout('gethostlatency.bpf.o', 'host_lookup_key').size).toBe(4);
  });
});
