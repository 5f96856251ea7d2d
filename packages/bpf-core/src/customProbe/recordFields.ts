// How a custom probe reads the fields of a tracepoint record as tracefs lays it
// out (tracefs/format.ts parses the layout): `args->field` becomes an offset, a
// size, a signedness, or a string, without a compiler or kernel headers.
import type { TracepointField, TracepointFormat } from '../tracefs/format.js';

/** How a custom probe can read a field of a tracepoint record. */
export type TracepointFieldKind =
  /** An integer of `size` bytes (1, 2, 4 or 8). */
  | 'integer'
  /** A pointer: an integer, or a C string when read with %s or compared with a string. */
  | 'pointer'
  /** A char array inside the record (`char comm[16]`). */
  | 'charArray'
  /** `__data_loc char[]`: a u32 holding the string's offset (low 16 bits) and length in the record. */
  | 'dataLocString'
  /** Anything else (arrays of integers, structs): not readable by a custom probe. */
  | 'other';

/** A field of the event's own (no common_* header), with how a custom probe reads it. */
export interface RecordField extends TracepointField {
  kind: TracepointFieldKind;
  /** For an integer or pointer: the bytes that hold the value, and its sign, from the C type where it is known (tracefs' `signed` is overridden). */
  valueSize: number;
  valueSigned: boolean;
}

/** A tracepoint's record as a custom probe reads it. */
export interface ProbeRecord {
  /** `category:name`. */
  name: string;
  fields: RecordField[];
}

// Widths of the C integer types tracepoints use. Syscall tracepoints store every
// argument in 8 bytes (`field:unsigned int fd; size:8;`): the declared type
// says how much of it is the value and whether it is signed.
const INTEGER_TYPES: ReadonlyMap<string, { size: number; signed: boolean }> = new Map(
  Object.entries({
    bool: { size: 1, signed: false },
    _Bool: { size: 1, signed: false },
    char: { size: 1, signed: true },
    'signed char': { size: 1, signed: true },
    'unsigned char': { size: 1, signed: false },
    u8: { size: 1, signed: false },
    __u8: { size: 1, signed: false },
    s8: { size: 1, signed: true },
    __s8: { size: 1, signed: true },
    short: { size: 2, signed: true },
    'short int': { size: 2, signed: true },
    'unsigned short': { size: 2, signed: false },
    'unsigned short int': { size: 2, signed: false },
    u16: { size: 2, signed: false },
    __u16: { size: 2, signed: false },
    s16: { size: 2, signed: true },
    __s16: { size: 2, signed: true },
    umode_t: { size: 2, signed: false },
    int: { size: 4, signed: true },
    'signed int': { size: 4, signed: true },
    signed: { size: 4, signed: true },
    unsigned: { size: 4, signed: false },
    'unsigned int': { size: 4, signed: false },
    u32: { size: 4, signed: false },
    __u32: { size: 4, signed: false },
    s32: { size: 4, signed: true },
    __s32: { size: 4, signed: true },
    pid_t: { size: 4, signed: true },
    uid_t: { size: 4, signed: false },
    gid_t: { size: 4, signed: false },
    qid_t: { size: 4, signed: false },
    key_t: { size: 4, signed: true },
    key_serial_t: { size: 4, signed: true },
    mqd_t: { size: 4, signed: true },
    clockid_t: { size: 4, signed: true },
    timer_t: { size: 4, signed: true },
    rwf_t: { size: 4, signed: true },
    dev_t: { size: 4, signed: false },
    gfp_t: { size: 4, signed: false },
    long: { size: 8, signed: true },
    'long int': { size: 8, signed: true },
    'unsigned long': { size: 8, signed: false },
    'unsigned long int': { size: 8, signed: false },
    'long long': { size: 8, signed: true },
    'long long int': { size: 8, signed: true },
    'unsigned long long': { size: 8, signed: false },
    'unsigned long long int': { size: 8, signed: false },
    u64: { size: 8, signed: false },
    __u64: { size: 8, signed: false },
    s64: { size: 8, signed: true },
    __s64: { size: 8, signed: true },
    size_t: { size: 8, signed: false },
    ssize_t: { size: 8, signed: true },
    loff_t: { size: 8, signed: true },
    off_t: { size: 8, signed: true },
    time_t: { size: 8, signed: true },
    sector_t: { size: 8, signed: false },
    aio_context_t: { size: 8, signed: false },
    cap_user_header_t: { size: 8, signed: false },
    cap_user_data_t: { size: 8, signed: false },
  }),
);

/** The width and sign of a C integer type (qualifiers dropped), or undefined when it is not one we know. */
export function integerType(type: string): { size: number; signed: boolean } | undefined {
  const bare = type
    .replace(/\b(const|volatile|__user|__kernel|__attribute__\(\([^)]*\)\))\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return INTEGER_TYPES.get(bare);
}

/** How a custom probe reads `field`: its kind, and the bytes and sign of the value. */
export function recordField(field: TracepointField): RecordField {
  const { type, size, signed } = field;
  let kind: TracepointFieldKind = 'other';
  let valueSize = size;
  let valueSigned = signed;
  if (field.dynamic !== undefined) {
    kind = field.dynamic === 'data_loc' && /\bchar\s*\[\]$/.test(type) ? 'dataLocString' : 'other';
  } else if (/\[[^\]]*\]$/.test(type)) {
    kind = /^(const\s+)?(unsigned\s+|signed\s+)?char\s*\[[^\]]*\]$/.test(type) ? 'charArray' : 'other';
  } else if (type.endsWith('*')) {
    kind = 'pointer';
    valueSigned = false;
  } else if (size === 1 || size === 2 || size === 4 || size === 8) {
    kind = 'integer';
    const known = integerType(type);
    if (known && known.size <= size) {
      valueSize = known.size;
      valueSigned = known.signed;
    }
  }
  return { ...field, kind, valueSize, valueSigned };
}

/** The event's own fields of a tracepoint's format (the common_* header left out), as a custom probe reads them. */
export function probeRecord(category: string, format: TracepointFormat): ProbeRecord {
  return { name: `${category}:${format.name}`, fields: format.fields.filter((field) => !field.common).map(recordField) };
}
