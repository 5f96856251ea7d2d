// A ProbePlan into customprobe.bpf.o: the `const volatile` configuration laid
// out byte for byte as customprobe.h has it (test/layout.test.ts checks the
// offsets against the object's BTF), map sizes, and the attachments with their
// cookies.
import type { BpfObject, UprobeAtTarget } from '../bpfObject.js';
import { u32, u64, u8 } from '../encode.js';
import type { StructLayout } from '../tools/types.js';
import type { OpPlan, PlannedField, PointPlan, ProbeConfigPlan, ProbePlan, ValuePlan } from './compile.js';
import { Action, tracepointAttachments } from './compile.js';
import {
  PROBE_CONST_LEN,
  PROBE_COOKIE_SYSCALLS,
  PROBE_LINEAR_BUCKETS,
  PROBE_MAX_CONSTS,
  PROBE_MAX_FIELDS,
  PROBE_MAX_KEYS,
  PROBE_MAX_OPS,
  PROBE_MAX_POINTS,
  PROBE_MAX_PROBES,
  PROBE_NO_POINT,
  PROBE_SYSCALLS,
} from './compile.js';

export const CUSTOM_PROBE_OBJECT = 'customprobe.bpf.o';
/** The smallest ring buffer the kernel takes: one page (4 KiB on x86_64 and most arm64 kernels; libbpf rounds up). */
const MIN_RINGBUF_BYTES = 4096;

// Byte offsets of customprobe.h's structs.
export const ProbeFieldOffset = { source: 0, size: 1, isSigned: 2, string: 3, slot: 4, reg: 5, offset: 6, length: 8, usdtValue: 16 } as const;
export const PROBE_FIELD_SIZE = 24;
export const ProbePointOffset = { probe: 0, fields: 8 } as const;
export const PROBE_POINT_SIZE = ProbePointOffset.fields + PROBE_MAX_FIELDS * PROBE_FIELD_SIZE;
export const ProbeValueOffset = { field: 0, shift: 1, mask: 8, divisor: 16 } as const;
export const PROBE_VALUE_SIZE = 24;
export const ProbeOpOffset = { code: 0, cmp: 1, isSigned: 2, constant: 3, value: 8, operand: 32 } as const;
export const PROBE_OP_SIZE = 40;
export const ProbeConfigOffset = {
  action: 0,
  nfields: 1,
  nops: 2,
  nkeys: 3,
  keyString: 4,
  keyByPoint: 5,
  stacks: 6,
  value: 8,
  keys: 32,
  ops: 128,
  consts: 768,
  constMasks: 1024,
  linearMin: 1280,
  linearStep: 1288,
  linearBuckets: 1296,
  linearSigned: 1300,
} as const;
export const PROBE_CONFIG_SIZE = 1304;

/** The structs of customprobe.h the TypeScript writes or reads, for the layout test. */
export const customProbeConfigStructs: StructLayout[] = [
  { struct: 'probe_field', offsets: ProbeFieldOffset, size: PROBE_FIELD_SIZE },
  { struct: 'probe_point', offsets: ProbePointOffset, size: PROBE_POINT_SIZE },
  { struct: 'probe_value', offsets: ProbeValueOffset, size: PROBE_VALUE_SIZE },
  { struct: 'probe_op', offsets: ProbeOpOffset, size: PROBE_OP_SIZE },
  { struct: 'probe_config', offsets: ProbeConfigOffset, size: PROBE_CONFIG_SIZE },
];

function writeField(buffer: Buffer, at: number, field: PlannedField): void {
  buffer.writeUInt8(field.source, at + ProbeFieldOffset.source);
  buffer.writeUInt8(field.size, at + ProbeFieldOffset.size);
  buffer.writeUInt8(field.isSigned ? 1 : 0, at + ProbeFieldOffset.isSigned);
  buffer.writeUInt8(field.string, at + ProbeFieldOffset.string);
  buffer.writeUInt8(field.slot, at + ProbeFieldOffset.slot);
  buffer.writeUInt16LE(field.offset, at + ProbeFieldOffset.offset);
  buffer.writeUInt16LE(field.length, at + ProbeFieldOffset.length);
  if (field.usdt) {
    buffer.writeUInt8(field.usdt.register / 8, at + ProbeFieldOffset.reg);
    buffer.writeBigInt64LE(field.usdt.value, at + ProbeFieldOffset.usdtValue);
  }
}

function writeValue(buffer: Buffer, at: number, value: ValuePlan): void {
  buffer.writeUInt8(value.field, at + ProbeValueOffset.field);
  buffer.writeUInt8(value.shift, at + ProbeValueOffset.shift);
  buffer.writeBigUInt64LE(value.mask, at + ProbeValueOffset.mask);
  buffer.writeBigUInt64LE(value.divisor, at + ProbeValueOffset.divisor);
}

function writeOp(buffer: Buffer, at: number, op: OpPlan): void {
  buffer.writeUInt8(op.code, at + ProbeOpOffset.code);
  buffer.writeUInt8(op.cmp, at + ProbeOpOffset.cmp);
  buffer.writeUInt8(op.isSigned ? 1 : 0, at + ProbeOpOffset.isSigned);
  buffer.writeUInt8(op.constant, at + ProbeOpOffset.constant);
  writeValue(buffer, at + ProbeOpOffset.value, op.value);
  buffer.writeBigUInt64LE(op.operand, at + ProbeOpOffset.operand);
}

export function encodePoints(points: readonly PointPlan[]): Buffer {
  const buffer = Buffer.alloc(PROBE_MAX_POINTS * PROBE_POINT_SIZE);
  if (points.length > PROBE_MAX_POINTS) throw new RangeError(`at most ${PROBE_MAX_POINTS} attach points, got ${points.length}`);
  points.forEach((point, index) => {
    const at = index * PROBE_POINT_SIZE;
    buffer.writeUInt16LE(point.probe, at + ProbePointOffset.probe);
    point.fields.forEach((field, fieldIndex) => writeField(buffer, at + ProbePointOffset.fields + fieldIndex * PROBE_FIELD_SIZE, field));
  });
  return buffer;
}

export function encodeProbes(probes: readonly ProbeConfigPlan[]): Buffer {
  const buffer = Buffer.alloc(PROBE_MAX_PROBES * PROBE_CONFIG_SIZE);
  if (probes.length > PROBE_MAX_PROBES) throw new RangeError(`at most ${PROBE_MAX_PROBES} probes, got ${probes.length}`);
  probes.forEach((probe, index) => {
    const at = index * PROBE_CONFIG_SIZE;
    if (probe.ops.length > PROBE_MAX_OPS || probe.keys.length > PROBE_MAX_KEYS || probe.consts.length > PROBE_MAX_CONSTS) {
      throw new RangeError('probe config over its bounds');
    }
    buffer.writeUInt8(probe.action, at + ProbeConfigOffset.action);
    buffer.writeUInt8(probe.nfields, at + ProbeConfigOffset.nfields);
    buffer.writeUInt8(probe.ops.length, at + ProbeConfigOffset.nops);
    buffer.writeUInt8(probe.keys.length, at + ProbeConfigOffset.nkeys);
    buffer.writeUInt8(probe.keyString, at + ProbeConfigOffset.keyString);
    buffer.writeUInt8(probe.keyByPoint ? 1 : 0, at + ProbeConfigOffset.keyByPoint);
    buffer.writeUInt8(probe.stacks, at + ProbeConfigOffset.stacks);
    writeValue(buffer, at + ProbeConfigOffset.value, probe.value);
    probe.keys.forEach((key, keyIndex) => writeValue(buffer, at + ProbeConfigOffset.keys + keyIndex * PROBE_VALUE_SIZE, key));
    probe.ops.forEach((op, opIndex) => writeOp(buffer, at + ProbeConfigOffset.ops + opIndex * PROBE_OP_SIZE, op));
    if (probe.linear) {
      if (probe.linear.buckets < 1 || probe.linear.buckets > PROBE_LINEAR_BUCKETS || probe.linear.step < 1n)
        throw new RangeError('linear histogram over its bounds');
      buffer.writeBigInt64LE(probe.linear.min, at + ProbeConfigOffset.linearMin);
      buffer.writeBigUInt64LE(probe.linear.step, at + ProbeConfigOffset.linearStep);
      buffer.writeUInt32LE(probe.linear.buckets, at + ProbeConfigOffset.linearBuckets);
      buffer.writeUInt8(probe.linear.signed ? 1 : 0, at + ProbeConfigOffset.linearSigned);
    }
    probe.consts.forEach((text, constIndex) => {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length >= PROBE_CONST_LEN) throw new RangeError(`string constant longer than ${PROBE_CONST_LEN - 1} bytes`);
      bytes.copy(buffer, at + ProbeConfigOffset.consts + constIndex * PROBE_CONST_LEN);
      // Its characters and the NUL after them are compared.
      buffer.fill(
        0xff,
        at + ProbeConfigOffset.constMasks + constIndex * PROBE_CONST_LEN,
        at + ProbeConfigOffset.constMasks + constIndex * PROBE_CONST_LEN + bytes.length + 1,
      );
    });
  });
  return buffer;
}

/** targ_syscall_points: for each probe attached through raw_syscalls, its point by syscall number. */
export function encodeSyscallPoints(points: readonly PointPlan[]): Buffer {
  const buffer = Buffer.alloc(PROBE_MAX_PROBES * PROBE_SYSCALLS * 2, 0xff);
  points.forEach((point, index) => {
    if (point.attachment.kind !== 'syscall') return;
    if (point.attachment.nr >= PROBE_SYSCALLS) throw new RangeError(`syscall number ${point.attachment.nr} over ${PROBE_SYSCALLS}`);
    buffer.writeUInt16LE(index, (point.probe * PROBE_SYSCALLS + point.attachment.nr) * 2);
  });
  if (PROBE_NO_POINT !== 0xffff) throw new RangeError('PROBE_NO_POINT must be 0xffff: the table is filled with 0xff');
  return buffer;
}

export interface CustomProbeTargets {
  /** Only this process (tgid), bcc's -p. */
  pid?: number | undefined;
  /** Only this thread, bcc trace's -L. */
  tid?: number | undefined;
}

/** Writes the plan's configuration into the opened object and picks its programs; maps sized by the tool. */
export function configurePlan(
  object: BpfObject,
  plan: ProbePlan,
  targets: CustomProbeTargets,
  maps: { counts?: number; hists?: number; linearHists?: number; stacks?: number } = {},
): void {
  object.selectPrograms(plan.programs);
  openUprobeEvents(object, plan);
  object.setGlobal('targ_points', encodePoints(plan.points));
  object.setGlobal('targ_probes', encodeProbes(plan.probes));
  object.setGlobal('targ_syscall_points', encodeSyscallPoints(plan.points));
  object.setGlobal('targ_max_fields', u8(Math.max(0, ...plan.probes.map((probe) => probe.nfields))));
  object.setGlobal('targ_max_ops', u8(Math.max(0, ...plan.probes.map((probe) => probe.ops.length))));
  object.setGlobal('targ_max_keys', u8(Math.max(0, ...plan.probes.map((probe) => probe.keys.length))));
  object.setGlobal('targ_tgid', u32(targets.pid ?? 0));
  object.setGlobal('targ_tid', u32(targets.tid ?? 0));
  object.setGlobal('targ_cgroup_id', u64(0));
  // Only the maps a tool uses take memory beyond one entry (or page, for the ring buffer: only trace emits rows).
  if (!plan.probes.some((probe) => probe.action === Action.emit)) object.setMapMaxEntries('events', MIN_RINGBUF_BYTES);
  object.setMapMaxEntries('counts', maps.counts ?? 1);
  object.setMapMaxEntries('hists', maps.hists ?? 1);
  object.setMapMaxEntries('linear_hists', maps.linearHists ?? 1);
  object.setMapMaxEntries('stacks', maps.stacks ?? 1);
  object.setMapMaxEntries('stack_traces', maps.stacks ?? 1);
}

/**
 * Attaches every point: tracepoints (each probe's syscall points once, through
 * raw_syscalls), then return probes before entries (a return without its entry
 * does nothing, an entry without its return leaves starts that never end).
 */
export function attachPlan(object: BpfObject, plan: ProbePlan): void {
  for (const attachment of tracepointAttachments(plan.points)) {
    const cookie = attachment.dispatch ? PROBE_COOKIE_SYSCALLS + (plan.points[attachment.point]?.probe ?? 0) : attachment.point;
    object.attachTracepoint(attachment.program, { category: attachment.category, name: attachment.name, cookie });
  }
  const functions = plan.points
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => point.attachment.kind === 'uprobe' || point.attachment.kind === 'kprobe');
  functions.sort((a, b) => Number(isReturn(b.point)) - Number(isReturn(a.point)));
  for (const { point, index } of functions) {
    const { attachment } = point;
    if (attachment.kind === 'uprobe') {
      object.attachUprobeAt('probe_uprobe', { ...uprobeTarget(attachment), cookie: index });
    } else if (attachment.kind === 'kprobe') {
      object.attachKprobe('probe_kprobe', { functionName: attachment.function, retprobe: attachment.retprobe, cookie: index });
    }
  }
}

type UprobeAttachment = Extract<PointPlan['attachment'], { kind: 'uprobe' }>;

function uprobeTarget(attachment: UprobeAttachment): UprobeAtTarget {
  return {
    binaryPath: attachment.binary,
    fileOffset: attachment.fileOffset,
    retprobe: attachment.retprobe,
    ...(attachment.usdt ? { refCtrOffset: attachment.usdt.semaphoreOffset } : {}),
  };
}

/** Starts registering the plan's uprobes while the object loads: attachPlan then finds them ready. */
function openUprobeEvents(object: BpfObject, plan: ProbePlan): void {
  const targets = plan.points.flatMap((point) => (point.attachment.kind === 'uprobe' ? [uprobeTarget(point.attachment)] : []));
  if (targets.length > 0) object.openUprobeEvents(targets);
}

function isReturn(point: PointPlan): boolean {
  return (point.attachment.kind === 'uprobe' || point.attachment.kind === 'kprobe') && point.attachment.retprobe;
}
