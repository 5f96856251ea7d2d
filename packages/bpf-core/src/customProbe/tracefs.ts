// Tracepoints as tracefs describes them: the list of events, and each event's
// record layout from events/<category>/<name>/format, which is what a custom
// probe's `args->field` is turned into (an offset, a size, a signedness, or a
// string) without a compiler or kernel headers.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { native } from '../native.js';

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

export interface TracepointField {
  name: string;
  /** The C type as the format file writes it, without the name (`unsigned int`, `const char *`, `char[16]`). */
  type: string;
  offset: number;
  /** Bytes of the field in the record. */
  size: number;
  /** What tracefs says; an integer's own type overrides it (see integerWidth). */
  signed: boolean;
  kind: TracepointFieldKind;
  /** For an integer or pointer: the bytes that hold the value, and its sign, from the C type where it is known. */
  valueSize: number;
  valueSigned: boolean;
}

export interface TracepointFormat {
  category: string;
  name: string;
  id: number;
  /** The event's own fields, without the common_* header every record has. */
  fields: TracepointField[];
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

/** Parses one `field:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;` line; undefined for other lines. */
function parseFieldLine(line: string): TracepointField | undefined {
  const match = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/.exec(line);
  if (!match) return undefined;
  const declaration = (match[1] as string).trim();
  const offset = Number(match[2]);
  const size = Number(match[3]);
  const signed = match[4] === '1';
  // The name is the last identifier, before an optional [N] (or [] for __data_loc).
  const named = /^(.*?)([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/.exec(declaration);
  if (!named) return undefined;
  const base = (named[1] as string).trim();
  const name = named[2] as string;
  const array = named[3];
  const type = array === undefined ? base : `${base}${array}`;
  let kind: TracepointFieldKind = 'other';
  let valueSize = size;
  let valueSigned = signed;
  if (/^__data_loc\b/.test(base)) {
    kind = /\bchar\s*\[\]$/.test(base) ? 'dataLocString' : 'other';
  } else if (array !== undefined) {
    kind = /^(const\s+)?(unsigned\s+|signed\s+)?char$/.test(base) ? 'charArray' : 'other';
  } else if (base.endsWith('*')) {
    kind = 'pointer';
    valueSize = size;
    valueSigned = false;
  } else if (size === 1 || size === 2 || size === 4 || size === 8) {
    kind = 'integer';
    const known = integerType(base);
    if (known && known.size <= size) {
      valueSize = known.size;
      valueSigned = known.signed;
    }
  }
  return { name, type, offset, size, signed, kind, valueSize, valueSigned };
}

/** Parses the text of events/<category>/<name>/format. */
export function parseTracepointFormat(text: string, category: string, name: string): TracepointFormat {
  const id = Number(/^ID:\s*(\d+)/m.exec(text)?.[1] ?? Number.NaN);
  const fields: TracepointField[] = [];
  for (const line of text.split('\n')) {
    const field = parseFieldLine(line);
    if (field && !field.name.startsWith('common_')) fields.push(field);
  }
  return { category, name, id, fields };
}

const TRACEFS_ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** Where tracefs is mounted (mounting it first when it is not). */
export function tracefsRoot(): string {
  native.mountTracefs();
  const root = TRACEFS_ROOTS.find((candidate) => existsSync(path.join(candidate, 'events')));
  if (!root) throw new Error('tracefs is not mounted at /sys/kernel/tracing (nor under debugfs)');
  return root;
}

/** Reads an event's format, or undefined when the kernel has no such tracepoint. */
export function readTracepointFormat(category: string, name: string, root = tracefsRoot()): TracepointFormat | undefined {
  if (!isTracefsName(category) || !isTracefsName(name)) return undefined;
  try {
    return parseTracepointFormat(readFileSync(path.join(root, 'events', category, name, 'format'), 'utf8'), category, name);
  } catch {
    return undefined;
  }
}

/** Category and event names are identifiers as tracefs spells them: never a path. */
function isTracefsName(name: string): boolean {
  return /^[\w.-]+$/.test(name) && name !== '.' && name !== '..';
}

/** Every tracepoint of this kernel as [category, name], from tracefs' events directory. */
export function listTracepoints(root = tracefsRoot()): Array<{ category: string; name: string }> {
  const events = path.join(root, 'events');
  const result: Array<{ category: string; name: string }> = [];
  for (const category of readdirSync(events, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const event of readdirSync(path.join(events, category.name), { withFileTypes: true })) {
      if (event.isDirectory()) result.push({ category: category.name, name: event.name });
    }
  }
  return result;
}

/** A glob of funccount's and bpftrace's kind (`*` any run, `?` one character) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function hasWildcard(text: string): boolean {
  return /[*?]/.test(text);
}
