// A list of numbers as one typed array in base64: what the compact wire forms are
// made of. JSON stays the transport (tRPC types and zod still apply), the numbers
// travel as bytes, in the narrowest element type that holds every one exactly.
import { z } from 'zod';
import { parseWire, WireFormatError } from './wireError.js';

/** u8/u16/u32: unsigned integers that fit; f64: anything else (epoch ms, nanosecond sums past 2^32, fractions) exactly. */
export type PackedElement = 'u8' | 'u16' | 'u32' | 'f64';

export interface PackedNumbers {
  type: PackedElement;
  /** Elements, so a decoder can check the bytes before using them. */
  length: number;
  /** The elements' little-endian bytes, base64 (RFC 4648, padded). */
  base64: string;
}

/** The longest list a packed form carries: 64 M elements (a 1M-sample profile's frame ids are a few million). */
export const MAX_PACKED_ELEMENTS = 64 * 1024 * 1024;

const BYTES: Record<PackedElement, number> = { u8: 1, u16: 2, u32: 4, f64: 8 };

export const packedNumbersSchema = z
  .object({
    type: z.enum(['u8', 'u16', 'u32', 'f64']),
    length: z.number().int().min(0).max(MAX_PACKED_ELEMENTS),
    base64: z.string().max(Math.ceil((MAX_PACKED_ELEMENTS * 8) / 3) * 4 + 4),
  })
  .strict()
  .refine((packed) => packed.base64.length === Math.ceil((packed.length * BYTES[packed.type]) / 3) * 4, {
    message: 'base64 length does not match length × element size',
  });

// Typed arrays are in the host's byte order; the wire's is little-endian, as every host bpfscope runs on (x86-64, arm64).
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The narrowest element type that holds every value exactly. */
function elementFor(values: ArrayLike<number>): PackedElement {
  let max = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    if (!(value >= 0 && value <= 0xffff_ffff && Number.isInteger(value))) return 'f64';
    if (value > max) max = value;
  }
  return max <= 0xff ? 'u8' : max <= 0xffff ? 'u16' : 'u32';
}

export function packNumbers(values: ArrayLike<number>, type: PackedElement = elementFor(values)): PackedNumbers {
  if (!littleEndian) throw new WireFormatError('packed numbers need a little-endian host');
  const array =
    type === 'u8'
      ? new Uint8Array(values.length)
      : type === 'u16'
        ? new Uint16Array(values.length)
        : type === 'u32'
          ? new Uint32Array(values.length)
          : new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) array[index] = values[index] as number;
  return { type, length: values.length, base64: toBase64(new Uint8Array(array.buffer)) };
}

export type UnpackedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** The typed array of a packed list; `what` names it in the error when the input is not one (WireFormatError). */
export function unpackNumbers(input: unknown, what: string): UnpackedArray {
  return decodeNumbers(parseWire(packedNumbersSchema, input, what), what);
}

/** unpackNumbers of a list packedNumbersSchema has already checked (inside a packed form's schema). */
export function decodeNumbers({ type, length, base64 }: PackedNumbers, what: string): UnpackedArray {
  if (!littleEndian) throw new WireFormatError('packed numbers need a little-endian host');
  const bytes = fromBase64(base64, what);
  if (bytes.length !== length * BYTES[type]) throw new WireFormatError(`${what}: ${bytes.length} bytes for ${length} ${type} elements`);
  // Its own buffer (Node's Buffer may hand out a slice of a shared pool): aligned for the wider types, and nothing else shares it.
  const buffer = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes.buffer : new Uint8Array(bytes).buffer;
  switch (type) {
    case 'u8':
      return new Uint8Array(buffer, 0, length);
    case 'u16':
      return new Uint16Array(buffer, 0, length);
    case 'u32':
      return new Uint32Array(buffer, 0, length);
    case 'f64':
      return new Float64Array(buffer, 0, length);
  }
}

// Browsers since 2025 and Node 25 have Uint8Array.fromBase64/toBase64; Node has Buffer; anything else the table below.
interface Base64Uint8ArrayConstructor {
  fromBase64?(text: string): Uint8Array<ArrayBuffer>;
}
interface Base64Uint8Array {
  toBase64?(): string;
}
interface NodeBuffer {
  from(text: string, encoding: 'base64'): Uint8Array;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
}
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = new Int16Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) CODES[ALPHABET.charCodeAt(index)] = index;
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Base64Uint8Array).toBase64;
  if (native) return native.call(bytes);
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return toBase64Portable(bytes);
}

/** What toBase64 does where neither the platform nor Node does it (exported for its test). */
export function toBase64Portable(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let index = 0; index < bytes.length; index += 3) {
    const a = bytes[index] as number;
    const b = bytes[index + 1];
    const c = bytes[index + 2];
    const word = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    parts.push(
      (ALPHABET[word >> 18] as string) +
        (ALPHABET[(word >> 12) & 63] as string) +
        (b === undefined ? '==' : (ALPHABET[(word >> 6) & 63] as string) + (c === undefined ? '=' : (ALPHABET[word & 63] as string))),
    );
  }
  return parts.join('');
}

export function fromBase64(text: string, what = 'base64'): Uint8Array {
  // Node's Buffer skips what is not base64 rather than refusing it: the check is ours, once, for every path.
  if (text.length % 4 !== 0 || !STRICT_BASE64.test(text)) throw new WireFormatError(`${what}: not base64`);
  const native = (Uint8Array as Base64Uint8ArrayConstructor).fromBase64;
  if (native) return native.call(Uint8Array, text);
  if (nodeBuffer) return nodeBuffer.from(text, 'base64');
  return fromBase64Portable(text);
}

/** What fromBase64 does where neither the platform nor Node does it, on text already checked (exported for its test). */
export function fromBase64Portable(text: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let out = 0;
  for (let index = 0; index < text.length; index += 4) {
    const word =
      ((CODES[text.charCodeAt(index)] as number) << 18) |
      ((CODES[text.charCodeAt(index + 1)] as number) << 12) |
      (Math.max(0, CODES[text.charCodeAt(index + 2)] as number) << 6) |
      Math.max(0, CODES[text.charCodeAt(index + 3)] as number);
    bytes[out++] = word >> 16;
    if (out < bytes.length) bytes[out++] = (word >> 8) & 255;
    if (out < bytes.length) bytes[out++] = word & 255;
  }
  return bytes;
}
