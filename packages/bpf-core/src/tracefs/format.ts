// tracefs: the kernel's list of tracepoints (available_events) and each one's
// record layout (events/<category>/<name>/format), which is what a classic
// tracepoint program sees as its context. Pure parsers plus thin readers, the
// one implementation: custom probes read field offsets and the probe builder
// offers names from the same code.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ToolError } from '../errors.js';
import { native } from '../native.js';

export interface TracepointField {
  name: string;
  /** The C type as tracefs declares it, with any array suffix: `size_t`, `const char *`, `char[16]`, `__data_loc char[]`. */
  type: string;
  /** Bytes from the start of the record (the tracepoint program's context). */
  offset: number;
  size: number;
  signed: boolean;
  /** The `common_*` fields every record starts with (type, flags, preempt count, pid). */
  common: boolean;
  /** A fixed array's element count (`char comm[16]`: 16); 0 for a flexible one (`args[]`). */
  arrayLength?: number;
  /**
   * Data stored after the record (strings, byte arrays): the field is a u32 whose low 16 bits are
   * the data's offset and high 16 its length; `data_loc` from the record's start, `rel_loc` from the field's end.
   */
  dynamic?: 'data_loc' | 'rel_loc';
}

export interface TracepointFormat {
  name: string;
  /** The tracepoint's id (what perf_event_open takes). */
  id: number;
  fields: TracepointField[];
  /** The kernel's `print fmt` line, as it prints a record. */
  printFormat: string;
}

export interface TracepointName {
  category: string;
  name: string;
}

/** Category and event names as tracefs spells them: never a path. */
const NAME = /^[A-Za-z0-9_]{1,128}$/;

/** `field:<declaration>;` then `offset:N;`, `size:N;` and (since 2.6.32) `signed:N;`. */
const FIELD_LINE = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);(?:\s*signed:([01]);)?\s*$/;
/** The declaration's name, with an optional array suffix: `comm[16]`, `args[]`, `buf[TASK_COMM_LEN]`. */
const DECLARED_NAME = /([A-Za-z_][A-Za-z0-9_]*)\s*(\[([^\]]*)\])?$/;

/** Parses the text of events/<category>/<name>/format; throws ToolError INVALID_PARAMS on text that is not one. */
export function parseTracepointFormat(text: string): TracepointFormat {
  let name: string | undefined;
  let id: number | undefined;
  let printFormat = '';
  const fields: TracepointField[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('name: ')) name = line.slice(6).trim();
    else if (line.startsWith('ID: ')) id = Number(line.slice(4).trim());
    else if (line.startsWith('print fmt: ')) printFormat = line.slice(11);
    else if (line.trimStart().startsWith('field:')) fields.push(parseField(line));
  }
  if (name === undefined || id === undefined || !Number.isInteger(id)) {
    throw new ToolError('INVALID_PARAMS', 'not a tracepoint format: no "name:" and "ID:" lines');
  }
  return { name, id, fields, printFormat };
}

function parseField(line: string): TracepointField {
  const match = FIELD_LINE.exec(line);
  if (!match) throw new ToolError('INVALID_PARAMS', `tracepoint format: cannot read field line "${line.trim()}"`);
  const [, declaration = '', offset = '', size = '', signed] = match;
  let rest = declaration.trim();
  let dynamic: TracepointField['dynamic'];
  for (const [prefix, kind] of [
    ['__data_loc ', 'data_loc'],
    ['__rel_loc ', 'rel_loc'],
  ] as const) {
    if (rest.startsWith(prefix)) {
      dynamic = kind;
      rest = rest.slice(prefix.length).trim();
    }
  }
  // `__data_loc char[] name`: the brackets belong to the type, the name comes last.
  const declared = DECLARED_NAME.exec(rest);
  if (!declared || declared.index === 0) throw new ToolError('INVALID_PARAMS', `tracepoint format: no type and name in "${declaration}"`);
  const [whole, fieldName = '', arraySuffix, arrayLength] = declared;
  const baseType = rest.slice(0, rest.length - whole.length).trim();
  const field: TracepointField = {
    name: fieldName,
    type: `${dynamic ? `__${dynamic} ` : ''}${baseType}${arraySuffix ?? ''}`,
    offset: Number(offset),
    size: Number(size),
    signed: signed === '1',
    common: fieldName.startsWith('common_'),
  };
  if (arraySuffix !== undefined) {
    // A length by macro name (old kernels) is known from the size only for byte arrays; else unknown (0 is flexible).
    const length = /^\d+$/.test(arrayLength ?? '') ? Number(arrayLength) : arrayLength === '' ? 0 : undefined;
    if (length !== undefined) field.arrayLength = length;
  }
  if (dynamic) field.dynamic = dynamic;
  return field;
}

/** Parses available_events (`category:name` a line), sorted by category then name; lines of another shape are skipped. */
export function parseAvailableEvents(text: string): TracepointName[] {
  const events: TracepointName[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    const category = line.slice(0, colon);
    const name = line.slice(colon + 1).trim();
    if (colon > 0 && NAME.test(category) && NAME.test(name)) events.push({ category, name });
  }
  return events.sort((a, b) => (a.category === b.category ? compare(a.name, b.name) : compare(a.category, b.category)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TRACEFS_ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** Where tracefs is mounted (mounting it at /sys/kernel/tracing when it is not); undefined when nowhere. */
export function tracefsRoot(): string | undefined {
  native.mountTracefs();
  return TRACEFS_ROOTS.find((root) => existsSync(path.join(root, 'events')));
}

/** Where tracefs is mounted; ToolError UNAVAILABLE when it is nowhere and cannot be mounted. */
export function requireTracefsRoot(root?: string): string {
  const found = root ?? tracefsRoot();
  if (found === undefined) throw new ToolError('UNAVAILABLE', 'tracefs is not mounted (at /sys/kernel/tracing or /sys/kernel/debug/tracing) and could not be');
  return found;
}

/** The tracepoints of this kernel (`root`: a tracefs tree, by default the mounted one). */
export function readAvailableEvents(options: { root?: string } = {}): TracepointName[] {
  return parseAvailableEvents(readFileSync(path.join(requireTracefsRoot(options.root), 'available_events'), 'utf8'));
}

/** One tracepoint's record layout, or undefined when this kernel has no such tracepoint (or the name could be a path). */
export function findTracepointFormat(category: string, name: string, options: { root?: string } = {}): TracepointFormat | undefined {
  if (!NAME.test(category) || !NAME.test(name)) return undefined;
  const file = path.join(requireTracefsRoot(options.root), 'events', category, name, 'format');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseTracepointFormat(text);
}

/** One tracepoint's record layout; ToolError INVALID_PARAMS for a name that is not one, UNAVAILABLE without tracefs. */
export function readTracepointFormat(category: string, name: string, options: { root?: string } = {}): TracepointFormat {
  if (!NAME.test(category) || !NAME.test(name)) {
    throw new ToolError('INVALID_PARAMS', 'a tracepoint category and name are letters, digits and _');
  }
  const format = findTracepointFormat(category, name, options);
  if (!format) throw new ToolError('INVALID_PARAMS', `no tracepoint ${category}:${name} on this kernel`);
  return format;
}
