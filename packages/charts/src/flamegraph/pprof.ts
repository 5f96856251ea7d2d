// Folded stacks → pprof (github.com/google/pprof, proto/profile.proto), for
// `go tool pprof`, Grafana Pyroscope, speedscope and friends. The protobuf is
// written by hand: the profile is a handful of message types, and a protobuf
// library would be a large dependency for a UI package.
import type { FoldedProfile } from '@bpfscope/formats';
import { foldedToTree } from './flameTree.js';
import type { FlameNode } from './types.js';

/** What the export reads from a profile: a whole FoldedProfile will do. */
export type PprofInput = Pick<FoldedProfile, 'unit' | 'stacks'> & Partial<Pick<FoldedProfile, 'frequencyHz' | 'startedAt' | 'durationMs'>>;

// Field numbers of profile.proto.
const PROFILE = { sampleType: 1, sample: 2, location: 4, function: 5, stringTable: 6, timeNanos: 9, durationNanos: 10, periodType: 11, period: 12 } as const;
const VALUE_TYPE = { type: 1, unit: 2 } as const;
const SAMPLE = { locationId: 1, value: 2 } as const;
const LOCATION = { id: 1, line: 4 } as const;
const LINE = { functionId: 1 } as const;
const FUNCTION = { id: 1, name: 2, systemName: 3, filename: 4 } as const;

/**
 * The profile as uncompressed pprof protobuf bytes (pprof files are gzipped:
 * see gzipBytes / toPprofGzip).
 *
 * - A Location per distinct frame, with one Line pointing at a Function of the
 *   same id. The Function's name is the shown name; its system_name is the frame
 *   as folded (kernel frames keep `_[k]`), and kernel functions have the file
 *   name `[kernel]`, so both pprof views and a round trip tell them apart.
 * - A Sample per distinct stack (time slots are added up), its locations leaf
 *   first as pprof wants.
 * - CPU samples with a known frequency carry two values, `samples/count` and
 *   `cpu/nanoseconds` (count × period), as Go's CPU profiles do; off-CPU time is
 *   one value, `off_cpu/nanoseconds`.
 */
export function toPprof(profile: PprofInput): Uint8Array {
  const strings = new StringTable();
  const tree = foldedToTree(profile.stacks);

  // Locations and functions: one per distinct frame, numbered from 1.
  const locationIds = new Map<string, number>();
  const functions: Array<{ name: number; systemName: number; filename: number }> = [];
  const kernelFile = strings.id('[kernel]');
  const visit = (node: FlameNode): void => {
    for (const child of node.children) {
      if (!locationIds.has(child.frame)) {
        locationIds.set(child.frame, functions.length + 1);
        functions.push({ name: strings.id(child.name), systemName: strings.id(child.frame), filename: child.kernel ? kernelFile : 0 });
      }
      visit(child);
    }
  };
  visit(tree);

  const periodNs = profile.unit === 'samples' && profile.frequencyHz && profile.frequencyHz > 0 ? Math.round(1e9 / profile.frequencyHz) : undefined;
  const sampleTypes: Array<[string, string]> =
    profile.unit === 'nanoseconds'
      ? [['off_cpu', 'nanoseconds']]
      : periodNs !== undefined
        ? [
            ['samples', 'count'],
            ['cpu', 'nanoseconds'],
          ]
        : [['samples', 'count']];
  const periodType: [string, string] =
    profile.unit === 'nanoseconds' ? ['off_cpu', 'nanoseconds'] : periodNs !== undefined ? ['cpu', 'nanoseconds'] : ['samples', 'count'];
  const typeIds = sampleTypes.map(([type, unit]) => [strings.id(type), strings.id(unit)] as const);
  const periodTypeIds = [strings.id(periodType[0]), strings.id(periodType[1])] as const;

  const writer = new ProtobufWriter();
  for (const [type, unit] of typeIds) {
    const mark = writer.begin(PROFILE.sampleType);
    writer.uint(VALUE_TYPE.type, type);
    writer.uint(VALUE_TYPE.unit, unit);
    writer.end(mark);
  }

  // Samples: each node with a self value is a distinct stack ending there.
  const path: number[] = [];
  const writeSamples = (node: FlameNode): void => {
    if (node.selfValue !== 0) {
      const value = Math.round(node.selfValue);
      const mark = writer.begin(PROFILE.sample);
      if (path.length > 0) {
        const ids = writer.begin(SAMPLE.locationId);
        for (let index = path.length - 1; index >= 0; index--) writer.varint(path[index] as number);
        writer.end(ids);
      }
      const values = writer.begin(SAMPLE.value);
      writer.int64Value(value);
      if (periodNs !== undefined) writer.int64Value(value * periodNs);
      writer.end(values);
      writer.end(mark);
    }
    for (const child of node.children) {
      path.push(locationIds.get(child.frame) as number);
      writeSamples(child);
      path.pop();
    }
  };
  writeSamples(tree);

  for (let id = 1; id <= functions.length; id++) {
    const mark = writer.begin(PROFILE.location);
    writer.uint(LOCATION.id, id);
    const line = writer.begin(LOCATION.line);
    writer.uint(LINE.functionId, id);
    writer.end(line);
    writer.end(mark);
  }
  functions.forEach((fn, index) => {
    const mark = writer.begin(PROFILE.function);
    writer.uint(FUNCTION.id, index + 1);
    writer.uint(FUNCTION.name, fn.name);
    writer.uint(FUNCTION.systemName, fn.systemName);
    writer.uint(FUNCTION.filename, fn.filename);
    writer.end(mark);
  });
  for (const text of strings.all) writer.string(PROFILE.stringTable, text);
  if (profile.startedAt !== undefined && profile.startedAt > 0) writer.bigUint(PROFILE.timeNanos, BigInt(Math.round(profile.startedAt)) * 1_000_000n);
  if (profile.durationMs !== undefined && profile.durationMs > 0) writer.uint(PROFILE.durationNanos, Math.round(profile.durationMs * 1e6));
  const periodMark = writer.begin(PROFILE.periodType);
  writer.uint(VALUE_TYPE.type, periodTypeIds[0]);
  writer.uint(VALUE_TYPE.unit, periodTypeIds[1]);
  writer.end(periodMark);
  writer.uint(PROFILE.period, periodNs ?? 1);
  return writer.finish();
}

/** gzip, as pprof files are: CompressionStream exists in browsers and in Node 18+. */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The profile as a `.pb.gz` file's bytes. */
export async function toPprofGzip(profile: PprofInput): Promise<Uint8Array> {
  return gzipBytes(toPprof(profile));
}

/** pprof's string table: index 0 is always the empty string. */
class StringTable {
  readonly all: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.all.length;
      this.all.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

const textEncoder = new TextEncoder();

/**
 * Protobuf wire format, the parts pprof needs: varints, length-delimited
 * fields, and nested messages whose length is patched in when they end (one
 * byte is reserved, and the body moved along in the rare case the length needs more).
 */
class ProtobufWriter {
  private bytes = new Uint8Array(64 * 1024);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }

  /** A non-negative integer up to 2^53 as a varint. */
  varint(value: number): void {
    this.reserve(10);
    const bytes = this.bytes;
    let rest = value;
    if (rest < 0x80000000) {
      while (rest > 0x7f) {
        bytes[this.length++] = (rest & 0x7f) | 0x80;
        rest >>>= 7;
      }
    } else {
      while (rest > 0x7f) {
        bytes[this.length++] = (rest % 0x80) | 0x80;
        rest = Math.floor(rest / 0x80);
      }
    }
    bytes[this.length++] = rest;
  }

  private bigVarint(value: bigint): void {
    this.reserve(10);
    let rest = BigInt.asUintN(64, value);
    while (rest > 0x7fn) {
      this.bytes[this.length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.bytes[this.length++] = Number(rest);
  }

  /** An int64 element of a packed field: negatives take ten bytes, two's complement. */
  int64Value(value: number): void {
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) this.varint(value);
    else this.bigVarint(BigInt(Math.round(value)));
  }

  private key(field: number, wireType: 0 | 2): void {
    this.varint(field * 8 + wireType);
  }

  /** A scalar field; zero is the default and is left out, as protobuf encoders do. */
  uint(field: number, value: number): void {
    if (value === 0) return;
    this.key(field, 0);
    this.int64Value(value);
  }

  bigUint(field: number, value: bigint): void {
    if (value === 0n) return;
    this.key(field, 0);
    this.bigVarint(value);
  }

  /** A repeated string element: written even when empty (the string table's first entry is). */
  string(field: number, text: string): void {
    const mark = this.begin(field);
    this.reserve(text.length * 3);
    const { written } = textEncoder.encodeInto(text, this.bytes.subarray(this.length));
    this.length += written;
    this.end(mark);
  }

  /** Starts a length-delimited field (a message or a packed list); returns where its length goes. */
  begin(field: number): number {
    this.key(field, 2);
    this.reserve(1);
    return this.length++;
  }

  end(mark: number): void {
    const bodyStart = mark + 1;
    const size = this.length - bodyStart;
    let sizeBytes = 1;
    for (let rest = size; rest > 0x7f; rest = Math.floor(rest / 0x80)) sizeBytes++;
    if (sizeBytes > 1) {
      this.reserve(sizeBytes - 1);
      this.bytes.copyWithin(bodyStart + sizeBytes - 1, bodyStart, this.length);
      this.length += sizeBytes - 1;
    }
    let rest = size;
    let at = mark;
    while (rest > 0x7f) {
      this.bytes[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[at] = rest;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
