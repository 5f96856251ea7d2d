/** Little-endian encoders for `const volatile` globals: sizes must match the C types exactly. */
export function u8(value: number | boolean): Buffer {
  const buffer = Buffer.alloc(1);
  buffer.writeUInt8(typeof value === 'boolean' ? Number(value) : value);
  return buffer;
}

export function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

export function u64(value: number | bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return buffer;
}

export function u16Array(values: readonly number[], length: number): Buffer {
  if (values.length > length) throw new RangeError(`at most ${length} values, got ${values.length}`);
  const buffer = Buffer.alloc(2 * length);
  values.forEach((value, index) => buffer.writeUInt16LE(value, index * 2));
  return buffer;
}

/** A little-endian u64 as a number, without a BigInt per read; values beyond 2^53 come out inexact. */
export function readU64(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset) + buffer.readUInt32LE(offset + 4) * 2 ** 32;
}

/** A fixed-size C char array from the kernel: up to the first NUL. */
export function cString(buffer: Buffer, offset: number, length: number): string {
  const end = buffer.indexOf(0, offset);
  return buffer.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

/**
 * A per-CPU map value (one slot per possible CPU, each `countsPerCpu` u64s) summed
 * over the CPUs: what the kernel counted, whichever CPU counted it.
 */
export function sumPerCpu(value: Buffer, countsPerCpu: number): number[] {
  const totals = new Array<bigint>(countsPerCpu).fill(0n);
  const slot = countsPerCpu * 8;
  for (let offset = 0; offset + slot <= value.length; offset += slot) {
    for (let count = 0; count < countsPerCpu; count++) totals[count] = (totals[count] as bigint) + value.readBigUInt64LE(offset + count * 8);
  }
  return totals.map(Number);
}
