// The last `capacity` values of a recording (an hour of host samples, of histogram frames), packed into bytes: a
// value's structure (its keys, array lengths, which leaves are numbers or strings) is kept once in a table of shapes
// that the values of the same structure share, and only its numbers and strings are written, in shared chunks (the
// codec is @bpfscope/formats' packed records, so a range of the ring goes on the wire as the bytes it holds).
import { PACKED_RECORDS_FORMAT, Reader, readRecord, SHAPE_ID_BYTES, shapeOf, toBase64, Writer, writeValue } from '@bpfscope/formats';
import type { Packable, PackedRecords, Shape } from '@bpfscope/formats';

export type { Packable } from '@bpfscope/formats';

/** One record's shape and where it was last used: a shape no kept record uses can leave the table. */
interface ShapeEntry {
  readonly id: number;
  readonly shape: Shape;
  readonly signature: string;
  lastSeq: number;
}

/** The first chunk's size; each next one doubles, up to MAX_CHUNK_BYTES (a short recording stays small). */
const MIN_CHUNK_BYTES = 4096;
const MAX_CHUNK_BYTES = 64 * 1024;
/** Shapes the table keeps before it drops those no kept record uses. */
const SHAPE_TABLE_SWEEP = 256;
/** Slots a ring starts with; it doubles them as it fills, so a ring of a large capacity costs what it holds. */
const INITIAL_SLOTS = 64;

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
  /** Each slot's record length in bytes (its shape id included). */
  #lengths: Uint32Array;
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
    this.#lengths = new Uint32Array(slots);
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
    this.#lengths[slot] = writer.length;
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
    // Each record is read from its own offset: no need to skip past the keys not asked for.
    return readRecord(entry.shape, reader, keys, false) as T;
  }

  /**
   * The values of sequence numbers `seqs` (each kept: start ≤ seq < end), on the wire: their bytes as kept, their
   * shapes' signatures; `keys`: the keys the reader is to read (PackedRecords.keys), the others' bytes sent all the same.
   */
  packed(seqs: readonly number[], keys?: readonly string[]): PackedRecords {
    const slots = this.#chunks.length;
    const slotOf = (seq: number) => {
      if (!Number.isInteger(seq) || seq < this.start || seq >= this.end)
        throw new RangeError(`packed ring: ${seq} is not within ${this.start}..${this.end - 1}`);
      return (this.#first + (seq - this.start)) % slots;
    };
    let total = 0;
    for (const seq of seqs) total += this.#lengths[slotOf(seq)] as number;
    const bytes = new Uint8Array(total);
    const ids = new Map<number, string>();
    let at = 0;
    for (const seq of seqs) {
      const slot = slotOf(seq);
      const chunk = this.#chunks[slot] as Uint8Array;
      const offset = this.#offsets[slot] as number;
      const length = this.#lengths[slot] as number;
      bytes.set(chunk.subarray(offset, offset + length), at);
      at += length;
      const id = new DataView(chunk.buffer, chunk.byteOffset + offset, SHAPE_ID_BYTES).getUint32(0, true);
      if (!ids.has(id)) ids.set(id, (this.#shapesById.get(id) as ShapeEntry).signature);
    }
    return {
      format: PACKED_RECORDS_FORMAT,
      count: seqs.length,
      ...(keys ? { keys: [...keys] } : {}),
      shapes: [...ids].map(([id, signature]) => ({ id, signature })),
      bytes: toBase64(bytes),
    };
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
    const lengths = new Uint32Array(slots);
    for (let index = 0; index < this.#size; index++) {
      const slot = (this.#first + index) % this.#chunks.length;
      chunks[index] = this.#chunks[slot];
      offsets[index] = this.#offsets[slot] as number;
      lengths[index] = this.#lengths[slot] as number;
    }
    this.#chunks = chunks;
    this.#offsets = offsets;
    this.#lengths = lengths;
    this.#first = 0;
  }

  #shapeFor(signature: string, value: Packable): ShapeEntry {
    const known = this.#shapesBySignature.get(signature);
    if (known) return known;
    if (this.#shapesBySignature.size >= SHAPE_TABLE_SWEEP) this.#sweepShapes();
    const entry: ShapeEntry = { id: this.#nextShapeId++, shape: shapeOf(value), signature, lastSeq: this.#pushed };
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
