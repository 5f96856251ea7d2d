// Records packed into bytes (an hour of host samples, of histogram frames), the agent's PackedRing and the wire
// alike: a value's structure (its keys, array lengths, which leaves are numbers or strings) is kept once as a shape
// that the values of the same structure share, and only its numbers and strings are written. On the wire
// (host.overview's `form: 'packed'`) the records' bytes go as the ring holds them, each shape once as its signature.
import { z } from 'zod';
import { fromBase64, toBase64 } from './packedNumbers.js';
import { parseWire, WireFormatError } from './wireError.js';

/** What a packed record holds, checked as it is written: plain objects and arrays of numbers, strings, booleans, null and undefined (JSON, plus undefined). */
export type Packable = number | string | boolean | null | undefined | readonly Packable[] | { readonly [key: string]: Packable };

export type Shape =
  | { readonly kind: 'number' | 'string' }
  | { readonly kind: 'constant'; readonly value: boolean | null | undefined }
  | { readonly kind: 'array'; readonly items: readonly Shape[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly values: readonly Shape[] };

// A number takes one tag byte, then as few bytes as hold it exactly: most of a sample's are small counts.
const ZERO = 0;
const UINT8 = 1;
const UINT16 = 2;
const INT32 = 3;
const FLOAT64 = 4;

/** A record starts with its shape's id, little-endian. */
export const SHAPE_ID_BYTES = 4;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Bytes written for one value, grown as needed and reused. */
export class Writer {
  bytes = new Uint8Array(1024);
  view = new DataView(this.bytes.buffer);
  length = 0;

  reset(length: number): void {
    this.length = length;
  }

  reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + more));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  number(value: number): void {
    this.reserve(9);
    const at = this.length;
    if (Object.is(value, 0)) {
      this.bytes[at] = ZERO;
      this.length += 1;
    } else if (Number.isInteger(value) && value > 0 && value <= 0xff) {
      this.bytes[at] = UINT8;
      this.bytes[at + 1] = value;
      this.length += 2;
    } else if (Number.isInteger(value) && value > 0 && value <= 0xffff) {
      this.bytes[at] = UINT16;
      this.view.setUint16(at + 1, value, true);
      this.length += 3;
    } else if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff && !Object.is(value, -0)) {
      this.bytes[at] = INT32;
      this.view.setInt32(at + 1, value, true);
      this.length += 5;
    } else {
      this.bytes[at] = FLOAT64;
      this.view.setFloat64(at + 1, value, true);
      this.length += 9;
    }
  }

  /** A length or id: 7 bits a byte, low first. */
  varint(value: number): void {
    this.reserve(5);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.bytes[this.length++] = rest;
  }

  string(value: string): void {
    // UTF-8 is at most 3 bytes a UTF-16 unit.
    this.reserve(5 + value.length * 3);
    const lengthAt = this.length;
    // The byte length goes first: written after the bytes, in the 5 bytes left for it, then moved up.
    this.length += 5;
    const { written } = textEncoder.encodeInto(value, this.bytes.subarray(this.length));
    const end = this.length + written;
    this.length = lengthAt;
    this.varint(written);
    this.bytes.copyWithin(this.length, lengthAt + 5, end);
    this.length += written;
  }
}

/** Reads a record's bytes back in the order its shape says. */
export class Reader {
  offset: number;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    offset: number,
  ) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  number(): number {
    const tag = this.bytes[this.offset] as number;
    const at = this.offset + 1;
    switch (tag) {
      case ZERO:
        this.offset = at;
        return 0;
      case UINT8:
        this.offset = at + 1;
        return this.bytes[at] as number;
      case UINT16:
        this.offset = at + 2;
        return this.view.getUint16(at, true);
      case INT32:
        this.offset = at + 4;
        return this.view.getInt32(at, true);
      case FLOAT64:
        this.offset = at + 8;
        return this.view.getFloat64(at, true);
      default:
        throw new RangeError(`packed record: unknown number tag ${tag}`);
    }
  }

  skipNumber(): void {
    const tag = this.bytes[this.offset] as number;
    this.offset += tag === ZERO ? 1 : tag === UINT8 ? 2 : tag === UINT16 ? 3 : tag === INT32 ? 5 : 9;
  }

  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.bytes[this.offset++];
      // Past the end: only bytes from the wire can be cut short.
      if (byte === undefined) throw new RangeError('a length runs past the bytes');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }

  string(): string {
    const length = this.varint();
    const start = this.offset;
    const end = start + length;
    this.offset = end;
    // Short ASCII (device and command names) without TextDecoder's call cost.
    if (length <= 64) {
      let text = '';
      for (let index = start; index < end; index++) {
        const byte = this.bytes[index] as number;
        if (byte >= 0x80) return textDecoder.decode(this.bytes.subarray(start, end));
        text += String.fromCharCode(byte);
      }
      return text;
    }
    return textDecoder.decode(this.bytes.subarray(start, end));
  }

  skipString(): void {
    const length = this.varint();
    this.offset += length;
  }
}

/** Writes the value's numbers and strings, and returns its shape's signature (equal for values of the same structure). */
export function writeValue(value: Packable, writer: Writer): string {
  if (typeof value === 'number') {
    writer.number(value);
    return 'n';
  }
  if (typeof value === 'string') {
    writer.string(value);
    return 's';
  }
  if (value === true) return 't';
  if (value === false) return 'f';
  if (value === null) return 'z';
  if (value === undefined) return 'u';
  if (Array.isArray(value)) {
    let signature = '[';
    for (const item of value as readonly Packable[]) signature += writeValue(item, writer);
    return `${signature}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let signature = '{';
    for (const key of Object.keys(value)) signature += `${JSON.stringify(key)}:${writeValue((value as Record<string, Packable>)[key], writer)}`;
    return `${signature}}`;
  }
  throw new TypeError(`a packed record holds plain objects, arrays, numbers, strings, booleans and null; got ${Object.prototype.toString.call(value)}`);
}

export function shapeOf(value: Packable): Shape {
  if (typeof value === 'number') return { kind: 'number' };
  if (typeof value === 'string') return { kind: 'string' };
  if (typeof value === 'boolean' || value === null || value === undefined) return { kind: 'constant', value };
  if (Array.isArray(value)) return { kind: 'array', items: (value as readonly Packable[]).map(shapeOf) };
  const record = value as Record<string, Packable>;
  const keys = Object.keys(record);
  return { kind: 'object', keys, values: keys.map((key) => shapeOf(record[key])) };
}

export function readValue(shape: Shape, reader: Reader): Packable {
  switch (shape.kind) {
    case 'number':
      return reader.number();
    case 'string':
      return reader.string();
    case 'constant':
      return shape.value;
    case 'array': {
      const { items } = shape;
      const value = new Array<Packable>(items.length);
      for (let index = 0; index < items.length; index++) value[index] = readValue(items[index] as Shape, reader);
      return value;
    }
    case 'object': {
      const { keys, values } = shape;
      const value: Record<string, Packable> = {};
      for (let index = 0; index < keys.length; index++) setKey(value, keys[index] as string, readValue(values[index] as Shape, reader));
      return value;
    }
  }
}

/** An own property, even one named __proto__ (as JSON.parse makes it), never the object's prototype. */
function setKey(object: Record<string, Packable>, key: string, value: Packable): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

export function skipValue(shape: Shape, reader: Reader): void {
  switch (shape.kind) {
    case 'number':
      return reader.skipNumber();
    case 'string':
      return reader.skipString();
    case 'constant':
      return;
    case 'array':
      for (const item of shape.items) skipValue(item, reader);
      return;
    case 'object':
      for (const value of shape.values) skipValue(value, reader);
      return;
  }
}

/**
 * A record's value with only `keys` of a top-level object (all of them when not given), read from its shape; `toEnd`:
 * the reader is left at the record's end (records one after the other), else it may stop after the last key asked for.
 */
export function readRecord(shape: Shape, reader: Reader, keys?: readonly string[], toEnd = true): Packable {
  if (keys === undefined || shape.kind !== 'object') return readValue(shape, reader);
  const value: Record<string, Packable> = {};
  let wanted = keys.length;
  for (let index = 0; index < shape.keys.length && (wanted > 0 || toEnd); index++) {
    const key = shape.keys[index] as string;
    const valueShape = shape.values[index] as Shape;
    if (wanted > 0 && keys.includes(key)) {
      setKey(value, key, readValue(valueShape, reader));
      wanted--;
    } else skipValue(valueShape, reader);
  }
  return value;
}

/** The shape a signature (writeValue's) stands for: the wire carries signatures, the reader needs shapes. */
export function shapeOfSignature(signature: string): Shape {
  let at = 0;
  const fail = (what: string): never => {
    throw new WireFormatError(`packed records: bad shape signature at ${at}: ${what}`);
  };
  const parse = (depth: number): Shape => {
    if (depth > MAX_SHAPE_DEPTH) fail('nested too deep');
    const char = signature[at++];
    switch (char) {
      case 'n':
        return NUMBER;
      case 's':
        return STRING;
      case 't':
        return TRUE;
      case 'f':
        return FALSE;
      case 'z':
        return NULL;
      case 'u':
        return UNDEFINED;
      case '[': {
        const items: Shape[] = [];
        while (signature[at] !== ']') {
          if (at >= signature.length) fail('unclosed [');
          items.push(parse(depth + 1));
        }
        at++;
        return { kind: 'array', items };
      }
      case '{': {
        const keys: string[] = [];
        const values: Shape[] = [];
        while (signature[at] !== '}') {
          if (signature[at] !== '"') fail('expected a key');
          // The key is a JSON string: up to the first quote no backslash escapes.
          let end = at + 1;
          while (end < signature.length && signature[end] !== '"') end += signature[end] === '\\' ? 2 : 1;
          if (end >= signature.length) fail('unclosed key');
          let key: unknown;
          try {
            key = JSON.parse(signature.slice(at, end + 1));
          } catch {
            fail('a key that is not a JSON string');
          }
          at = end + 1;
          if (signature[at++] !== ':') fail('expected :');
          keys.push(key as string);
          values.push(parse(depth + 1));
        }
        at++;
        return { kind: 'object', keys, values };
      }
      default:
        return fail(char === undefined ? 'ends early' : `unexpected ${JSON.stringify(char)}`);
    }
  };
  const shape = parse(0);
  if (at !== signature.length) fail('trailing characters');
  return shape;
}

const NUMBER: Shape = { kind: 'number' };
const STRING: Shape = { kind: 'string' };
const TRUE: Shape = { kind: 'constant', value: true };
const FALSE: Shape = { kind: 'constant', value: false };
const NULL: Shape = { kind: 'constant', value: null };
const UNDEFINED: Shape = { kind: 'constant', value: undefined };

export const PACKED_RECORDS_FORMAT = 'bpfscope.packed-records.v1';

/**
 * Records as bytes: each is its shape's id (4 bytes, little-endian) then its numbers and strings in its shape's
 * order; `shapes` gives each id used its signature.
 */
export interface PackedRecords {
  format: typeof PACKED_RECORDS_FORMAT;
  count: number;
  /** The top-level keys of each record the answer holds (a reader skips the others); absent: all of them. */
  keys?: string[];
  shapes: Array<{ id: number; signature: string }>;
  /** The records' bytes, one after the other, base64. */
  bytes: string;
}

/** Bounds on what a packed form may claim, so a bad one fails before it allocates. */
const MAX_RECORDS = 100_000;
const MAX_SHAPES = 10_000;
const MAX_SIGNATURE = 1024 * 1024;
const MAX_SHAPE_DEPTH = 64;
const MAX_BYTES = 256 * 1024 * 1024;
const MAX_KEYS = 1024;
const MAX_KEY = 256;

export const packedRecordsSchema = z
  .object({
    format: z.literal(PACKED_RECORDS_FORMAT),
    count: z.number().int().min(0).max(MAX_RECORDS),
    keys: z.array(z.string().max(MAX_KEY)).max(MAX_KEYS).optional(),
    shapes: z.array(z.object({ id: z.number().int().min(0).max(0xffff_ffff), signature: z.string().min(1).max(MAX_SIGNATURE) }).strict()).max(MAX_SHAPES),
    bytes: z.string().max(Math.ceil(MAX_BYTES / 3) * 4),
  })
  .strict();

/** Records packed as PackedRing keeps them (the agent sends its ring's bytes as they are; this is for the rest); `keys`: see PackedRecords. */
export function packRecords(values: readonly Packable[], keys?: readonly string[]): PackedRecords {
  const writer = new Writer();
  const ids = new Map<string, number>();
  for (const value of values) {
    const at = writer.length;
    writer.reserve(SHAPE_ID_BYTES);
    writer.length += SHAPE_ID_BYTES;
    const signature = writeValue(value, writer);
    let id = ids.get(signature);
    if (id === undefined) ids.set(signature, (id = ids.size));
    writer.view.setUint32(at, id, true);
  }
  return {
    format: PACKED_RECORDS_FORMAT,
    count: values.length,
    ...(keys ? { keys: [...keys] } : {}),
    shapes: [...ids].map(([signature, id]) => ({ id, signature })),
    bytes: toBase64(writer.bytes.subarray(0, writer.length)),
  };
}

/**
 * The records of a packed form, oldest first; `keys`: only those keys of each top-level object (default: the form's
 * own `keys`, else all). WireFormatError when it does not decode.
 */
export function unpackRecords<T = Packable>(input: unknown, keysAsked?: readonly string[]): T[] {
  const packed = parseWire(packedRecordsSchema, input, 'packed records');
  const keys = keysAsked ?? packed.keys;
  const bytes = fromBase64(packed.bytes, 'packed records');
  const shapes = new Map<number, Shape>();
  for (const { id, signature } of packed.shapes) shapes.set(id, shapeOfSignature(signature));
  const reader = new Reader(bytes, 0);
  const records: T[] = [];
  try {
    for (let index = 0; index < packed.count; index++) {
      if (reader.offset + SHAPE_ID_BYTES > bytes.length) throw new WireFormatError(`packed records: ${packed.count} records claimed, ${index} in the bytes`);
      const id = reader.view.getUint32(reader.offset, true);
      reader.offset += SHAPE_ID_BYTES;
      const shape = shapes.get(id);
      if (!shape) throw new WireFormatError(`packed records: record ${index} has shape ${id}, which is not in the table`);
      records.push(readRecord(shape, reader, keys) as T);
      if (reader.offset > bytes.length) throw new WireFormatError(`packed records: record ${index} runs past the bytes`);
    }
  } catch (error) {
    if (error instanceof WireFormatError) throw error;
    // A tag or length the bytes do not hold (DataView's RangeError, an unknown tag).
    throw new WireFormatError(`packed records: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (reader.offset !== bytes.length) throw new WireFormatError(`packed records: ${bytes.length - reader.offset} bytes after the last record`);
  return records;
}
