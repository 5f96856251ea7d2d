// The compiler on fixture tracepoint formats, no kernel needed: what a spec
// reads from each attach point, its filter as postfix steps, and the bytes
// configure writes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpecProblem, parseTraceSpec } from '@bpfscope/formats';
import { Action, Cmp, OpCode, ProbeBuilder, Source, StringKind, addProbe, emptyPlan, probeConfig, tracepointAttachments } from './compile.js';
import type { ResolvedPoint } from './compile.js';
import {
  PROBE_CONFIG_SIZE,
  PROBE_POINT_SIZE,
  ProbeConfigOffset,
  ProbeFieldOffset,
  ProbeOpOffset,
  ProbePointOffset,
  encodePoints,
  encodeProbes,
  encodeSyscallPoints,
} from './load.js';
import { parseTracepointFormat } from '../tracefs/format.js';
import { probeRecord } from './recordFields.js';

const format = (category: string, name: string) =>
  probeRecord(
    category,
    parseTracepointFormat(readFileSync(fileURLToPath(new URL(`../tracefs/fixtures/events/${category}/${name}/format`, import.meta.url)), 'utf8')),
  );

const tracepoint = (category: string, name: string): ResolvedPoint => ({
  name: `${category}:${name}`,
  attachment: { kind: 'tracepoint', category, name },
  format: () => format(category, name),
});

function build(text: string, points: ResolvedPoint[]) {
  const spec = parseTraceSpec(text);
  const builder = new ProbeBuilder({ spec: text, target: spec.target, points, returns: false, ...(spec.signature ? { signature: spec.signature } : {}) });
  const args = spec.args.map((arg) => builder.formatted(arg, 'd'));
  return { builder, args, ops: builder.filter(spec.filter) };
}

describe('compiling a probe', () => {
  it("reads the talk's example: args->count at offset 32, 8 bytes unsigned; the filter one comparison", () => {
    const { builder, ops, args } = build('t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count', [
      tracepoint('syscalls', 'sys_enter_read'),
    ]);
    expect(builder.fields).toHaveLength(1);
    expect(builder.plannedFields(tracepoint('syscalls', 'sys_enter_read'))).toEqual([
      { source: Source.record, size: 8, isSigned: false, string: StringKind.none, slot: 0, offset: 32, length: 0 },
    ]);
    expect(ops).toEqual([
      { code: OpCode.cmp, cmp: Cmp.gt, isSigned: false, constant: 0, value: { field: 0, shift: 0, mask: 2n ** 64n - 1n, divisor: 1n }, operand: 20000n },
    ]);
    expect(args[0]?.field).toBe(0);
  });

  it('turns && || ! into postfix steps, masks and strings included', () => {
    const { builder, ops } = build('t:sched:sched_switch (!(args->prev_state & 1) || args->next_comm == "bash") "%d", args->next_pid', [
      tracepoint('sched', 'sched_switch'),
    ]);
    expect(ops.map((op) => op.code)).toEqual([OpCode.cmp, OpCode.not, OpCode.cmp, OpCode.or]);
    expect(ops[0]).toMatchObject({ cmp: Cmp.ne, value: { field: 1, mask: 1n }, operand: 0n });
    expect(ops[2]).toMatchObject({ cmp: Cmp.strEq, constant: 0, value: { field: 2 } });
    expect(builder.consts).toEqual(['bash']);
    const planned = builder.plannedFields(tracepoint('sched', 'sched_switch'));
    // In the order first read (the format's argument, then the filter's): next_pid (pid_t: 4 bytes signed),
    // prev_state (long), next_comm (a char array: a string in slot 0).
    expect(planned).toEqual([
      { source: Source.record, size: 4, isSigned: true, string: StringKind.none, slot: 0, offset: 56, length: 0 },
      { source: Source.record, size: 8, isSigned: true, string: StringKind.none, slot: 0, offset: 32, length: 0 },
      { source: Source.none, size: 8, isSigned: false, string: StringKind.array, slot: 0, offset: 40, length: 16 },
    ]);
  });

  it('reads pointers of syscall tracepoints as user strings, __data_loc strings by their location', () => {
    const openat = build('t:syscalls:sys_enter_openat "%d", args->dfd', [tracepoint('syscalls', 'sys_enter_openat')]);
    openat.builder.string({ kind: 'field', name: 'filename', span: { start: 0, end: 1 } }, '%s');
    expect(openat.builder.plannedFields(tracepoint('syscalls', 'sys_enter_openat'))).toEqual([
      { source: Source.record, size: 4, isSigned: true, string: StringKind.none, slot: 0, offset: 16, length: 0 },
      { source: Source.record, size: 8, isSigned: false, string: StringKind.user, slot: 0, offset: 24, length: 0 },
    ]);
    const exec = build('t:sched:sched_process_exec "%d", args->pid', [tracepoint('sched', 'sched_process_exec')]);
    exec.builder.string({ kind: 'field', name: 'filename', span: { start: 0, end: 1 } }, '%s');
    expect(exec.builder.plannedFields(tracepoint('sched', 'sched_process_exec'))[1]).toEqual({
      source: Source.record,
      size: 4,
      isSigned: false,
      string: StringKind.dataLoc,
      slot: 0,
      offset: 8,
      length: 0,
    });
  });

  it('checks a field on every point of a wildcard', () => {
    expect(() =>
      build('t:syscalls:sys_enter_* "%d", args->count', [tracepoint('syscalls', 'sys_enter_read'), tracepoint('syscalls', 'sys_enter_getpid')]),
    ).toThrow(new SpecProblem('syscalls:sys_enter_getpid has no field "count"; its fields: __syscall_nr', { start: 29, end: 40 }));
  });

  it('lays out the configuration as customprobe.h has it', () => {
    const plan = emptyPlan();
    const points = [tracepoint('syscalls', 'sys_enter_read')];
    const { builder, ops } = build('t:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count', points);
    addProbe(plan, probeConfig(Action.emit, builder, ops), builder, points);
    expect(plan.programs).toEqual(['probe_tracepoint']);
    const pointBytes = encodePoints(plan.points);
    expect(pointBytes.length).toBe(1024 * PROBE_POINT_SIZE);
    expect(pointBytes.readUInt16LE(ProbePointOffset.probe)).toBe(0);
    expect(pointBytes.readUInt8(ProbePointOffset.fields + ProbeFieldOffset.source)).toBe(Source.record);
    expect(pointBytes.readUInt16LE(ProbePointOffset.fields + ProbeFieldOffset.offset)).toBe(32);
    const probeBytes = encodeProbes(plan.probes);
    expect(probeBytes.length).toBe(8 * PROBE_CONFIG_SIZE);
    expect([
      probeBytes.readUInt8(ProbeConfigOffset.action),
      probeBytes.readUInt8(ProbeConfigOffset.nfields),
      probeBytes.readUInt8(ProbeConfigOffset.nops),
    ]).toEqual([Action.emit, 1, 1]);
    expect(probeBytes.readBigUInt64LE(ProbeConfigOffset.ops + ProbeOpOffset.operand)).toBe(20000n);
    // No syscall dispatch here: every number maps to no point.
    expect(encodeSyscallPoints(plan.points).every((byte) => byte === 0xff)).toBe(true);
  });

  it('gives the second probe on a tracepoint a copy of the program, and a syscall wildcard one raw_syscalls attachment', () => {
    const plan = emptyPlan();
    const read = [tracepoint('syscalls', 'sys_enter_read')];
    for (let probe = 0; probe < 2; probe++) {
      const { builder } = build('t:syscalls:sys_enter_read', read);
      addProbe(plan, probeConfig(Action.emit, builder, []), builder, read);
    }
    const syscalls: ResolvedPoint[] = [0, 1, 39].map((nr) => ({ name: `syscalls:${nr}`, attachment: { kind: 'syscall', direction: 'enter', nr } }));
    const { builder } = build('t:syscalls:sys_enter_read', read);
    addProbe(plan, probeConfig(Action.countPoint, builder, []), builder, syscalls);
    expect(tracepointAttachments(plan.points)).toEqual([
      { point: 0, category: 'syscalls', name: 'sys_enter_read', program: 'probe_tracepoint', dispatch: false },
      { point: 1, category: 'syscalls', name: 'sys_enter_read', program: 'probe_tracepoint_2', dispatch: false },
      { point: 2, category: 'raw_syscalls', name: 'sys_enter', program: 'probe_tracepoint', dispatch: true },
    ]);
    const table = encodeSyscallPoints(plan.points);
    // Probe 2's row of the table: syscall 39 is point 4.
    expect(table.readUInt16LE((2 * 1024 + 39) * 2)).toBe(4);
    expect(plan.programs).toEqual(['probe_tracepoint', 'probe_tracepoint_2']);
  });
});
