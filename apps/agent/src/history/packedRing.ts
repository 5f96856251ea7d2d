// The last `capacity` values of a recording (an hour of host samples, of histogram frames), packed into bytes: a
// value's structure (its keys, array lengths, which leaves are numbers or strings) is kept once in a table of shapes
// that the values of the same structure share, and only its numbers and strings are written, in shared chunks.

/** What a PackedRing holds, checked as it is pushed: plain objects and arrays of numbers, strings, booleans, null and undefined (JSON, plus undefined). */
export type Packable = number | string | boolean | null | undefined | readonly Packable[] | { readonly [key: string]: Packable };

type Shape =
  | { readonly kind: 'number' | 'string' }
  | { readonly kind: 'constant'; readonly value: boolean | null | undefined }
  | { readonly kind: 'array'; readonly items: readonly Shape[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly values: readonly Shape[] };

/** One record's shape and where it was last used: a shape no kept record uses can leave the table. */
interface ShapeEntry {
  readonly id: number;
  readonly shape: Shape;
  lastSeq: number;
}

// A number takes one tag byte, then as few bytes as hold it exactly: most of a sample's are small counts.
const ZERO = 0;
const UINT8 = 1;
const UINT16 = 2;
const INT32 = 3;
const FLOAT64 = 4;

/** The first chunk's size; each next one doubles, up to MAX_CHUNK_BYTES (a short recording stays small). */
const MIN_CHUNK_BYTES = 4096;
const MAX_CHUNK_BYTES = 64 * 1024;
/** Shapes the table keeps before it drops those no kept record uses. */
const SHAPE_TABLE_SWEEP = 256;
/** Slots a ring starts with; it doubles them as it fills, so a ring of a large capacity costs what it holds. */
const INITIAL_SLOTS = 64;
/** A record starts with its shape's id. */
const SHAPE_ID_BYTES = 4;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Bytes written for one value, grown as needed and reused. */
class Writer {
  bytes = new Uint8Array(1024);
  view = new DataView(this.bytes.buffer);
  length = 0;

  reset(length: number): void {
    this.length = length;
  }

  #reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + more));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  number(value: number): void {
    this.#reserve(9);
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
    this.#reserve(5);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.bytes[this.length++] = rest;
  }

  string(value: string): void {
    // UTF-8 is at most 3 bytes a UTF-16 unit.
    this.#reserve(5 + value.length * 3);
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
class Reader {
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
      const byte = this.bytes[this.offset++] as number;
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
function writeValue(value: Packable, writer: Writer): string {
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
  throw new TypeError(`a PackedRing keeps plain objects, arrays, numbers, strings, booleans and null; got ${Object.prototype.toString.call(value)}`);
}

function shapeOf(value: Packable): Shape {
  if (typeof value === 'number') return { kind: 'number' };
  if (typeof value === 'string') return { kind: 'string' };
  if (typeof value === 'boolean' || value === null || value === undefined) return { kind: 'constant', value };
  if (Array.isArray(value)) return { kind: 'array', items: (value as readonly Packable[]).map(shapeOf) };
  const record = value as Record<string, Packable>;
  const keys = Object.keys(record);
  return { kind: 'object', keys, values: keys.map((key) => shapeOf(record[key])) };
}

function readValue(shape: Shape, reader: Reader): Packable {
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

function skipValue(shape: Shape, reader: Reader): void {
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
 * The last `capacity` values pushed, oldest first, at a few bytes a number (a zero takes one byte, a count two or
 * three, a fraction nine) instead of a V8 object per object and a heap number per fraction. Reading a value builds it
 * anew: callers that need the same object twice keep it themselves.
 */
export class PackedRing<T> {
  readonly capacity: number;
  /** Each slot's chunk and offset; slot (first + i) % slots holds the i-th oldest. Grown as needed, up to capacity. */
  #chunks: Array<Uint8Array | undefined>;
  #offsets: Uint32Array;
  #first = 0;
  #size = 0;
  /** Values pushed so far: the sequence number of the next. */
  #pushed = 0;
  #chunk: Uint8Array | undefined;
  #chunkUsed = 0;
  readonly #writer = new Writer();
  readonly #shapesBySignature = new Map<string, ShapeEntry>();
  readonly #shapesById = new Map<number, ShapeEntry>();
  #nextShapeId = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`packed ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.#chunks = new Array<Uint8Array | undefined>(slots);
    this.#offsets = new Uint32Array(slots);
  }

  get size(): number {
    return this.#size;
  }

  /** Sequence number of the oldest value kept (values are numbered from 0 as pushed); equals `end` when empty. */
  get start(): number {
    return this.#pushed - this.#size;
  }

  /** Sequence number the next value pushed gets. */
  get end(): number {
    return this.#pushed;
  }

  /** Bytes of the chunks held (the values, their shapes' table aside). */
  get bytes(): number {
    const chunks = new Set<Uint8Array>();
    for (let index = 0; index < this.#size; index++) chunks.add(this.#chunks[(this.#first + index) % this.#chunks.length] as Uint8Array);
    if (this.#chunk) chunks.add(this.#chunk);
    let total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
    return total;
  }

  /** Shapes in the table. */
  get shapes(): number {
    return this.#shapesById.size;
  }

  push(value: T): void {
    const writer = this.#writer;
    // The shape's id goes first, known once the value is written: 4 bytes left for it.
    writer.reset(SHAPE_ID_BYTES);
    // Checked as it is written (writeValue throws on anything else): interfaces such as HostSample have no index signature.
    const signature = writeValue(value as Packable, writer);
    const shape = this.#shapeFor(signature, value as Packable);
    writer.view.setUint32(0, shape.id, true);
    shape.lastSeq = this.#pushed;
    const { chunk, offset } = this.#allocate(writer.length);
    chunk.set(writer.bytes.subarray(0, writer.length), offset);

    if (this.#size === this.#chunks.length && this.#size < this.capacity) this.#grow();
    const slots = this.#chunks.length;
    const slot = (this.#first + this.#size) % slots;
    if (this.#size === this.capacity) this.#first = (this.#first + 1) % slots;
    else this.#size++;
    this.#chunks[slot] = chunk;
    this.#offsets[slot] = offset;
    this.#pushed++;
  }

  /** The value of sequence number `seq` (start ≤ seq < end), built anew; `keys`: only those keys of a top-level object. */
  get(seq: number, keys?: readonly string[]): T {
    if (!Number.isInteger(seq) || seq < this.start || seq >= this.end) throw new RangeError(`packed ring: ${seq} is not within ${this.start}..${this.end - 1}`);
    const slot = (this.#first + (seq - this.start)) % this.#chunks.length;
    const reader = new Reader(this.#chunks[slot] as Uint8Array, this.#offsets[slot] as number);
    const entry = this.#shapesById.get(reader.view.getUint32(reader.offset, true));
    reader.offset += SHAPE_ID_BYTES;
    if (!entry) throw new Error('packed ring: a kept record has no shape');
    if (keys === undefined || entry.shape.kind !== 'object') return readValue(entry.shape, reader) as T;
    const { shape } = entry;
    const value: Record<string, Packable> = {};
    let wanted = keys.length;
    for (let index = 0; index < shape.keys.length && wanted > 0; index++) {
      const key = shape.keys[index] as string;
      const valueShape = shape.values[index] as Shape;
      if (keys.includes(key)) {
        setKey(value, key, readValue(valueShape, reader));
        wanted--;
      } else skipValue(valueShape, reader);
    }
    return value as T;
  }

  /** Values from sequence number `from` (default the oldest), oldest first. */
  values(from = this.start, keys?: readonly string[]): T[] {
    const values: T[] = [];
    for (let seq = Math.max(from, this.start); seq < this.end; seq++) values.push(this.get(seq, keys));
    return values;
  }

  /** Lets the `count` oldest values go (a caller's own limits, before the ring is full). */
  dropOldest(count: number): void {
    const dropped = Math.min(Math.max(0, Math.floor(count)), this.#size);
    for (let index = 0; index < dropped; index++) this.#chunks[(this.#first + index) % this.#chunks.length] = undefined;
    this.#first = (this.#first + dropped) % this.#chunks.length;
    this.#size -= dropped;
  }

  /** Twice the slots (at most capacity), the kept values moved to the front in order. */
  #grow(): void {
    const slots = Math.min(this.capacity, this.#chunks.length * 2);
    const chunks = new Array<Uint8Array | undefined>(slots);
    const offsets = new Uint32Array(slots);
    for (let index = 0; index < this.#size; index++) {
      const slot = (this.#first + index) % this.#chunks.length;
      chunks[index] = this.#chunks[slot];
      offsets[index] = this.#offsets[slot] as number;
    }
    this.#chunks = chunks;
    this.#offsets = offsets;
    this.#first = 0;
  }

  #shapeFor(signature: string, value: Packable): ShapeEntry {
    const known = this.#shapesBySignature.get(signature);
    if (known) return known;
    if (this.#shapesBySignature.size >= SHAPE_TABLE_SWEEP) this.#sweepShapes();
    const entry: ShapeEntry = { id: this.#nextShapeId++, shape: shapeOf(value), lastSeq: this.#pushed };
    this.#shapesBySignature.set(signature, entry);
    this.#shapesById.set(entry.id, entry);
    return entry;
  }

  /** Drops the shapes of records no longer kept: the table holds at most one a kept record, plus SHAPE_TABLE_SWEEP. */
  #sweepShapes(): void {
    // The record about to be pushed evicts the oldest when full: a shape used only by it goes too.
    const oldestKept = this.#size === this.capacity ? this.start + 1 : this.start;
    for (const [signature, entry] of this.#shapesBySignature) {
      if (entry.lastSeq < oldestKept) {
        this.#shapesBySignature.delete(signature);
        this.#shapesById.delete(entry.id);
      }
    }
  }

  /** Room for `length` bytes: in the current chunk, else a new one (the old one is freed once no record uses it). */
  #allocate(length: number): { chunk: Uint8Array; offset: number } {
    if (!this.#chunk || this.#chunkUsed + length > this.#chunk.byteLength) {
      const grown = this.#chunk ? Math.min(this.#chunk.byteLength * 2, MAX_CHUNK_BYTES) : MIN_CHUNK_BYTES;
      this.#chunk = new Uint8Array(Math.max(grown, length));
      this.#chunkUsed = 0;
    }
    const offset = this.#chunkUsed;
    this.#chunkUsed += length;
    return { chunk: this.#chunk, offset };
  }
}
