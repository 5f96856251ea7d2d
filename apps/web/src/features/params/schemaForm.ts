// A params form generated from a tool's JSON Schema (as the agent sends it from zod),
// and the parsing of what was typed back into params, with messages per field.
// Only the shapes tools use are supported; anything else is shown as JSON text.
type FieldKind = 'integer' | 'number' | 'string' | 'boolean' | 'enum' | 'integerList' | 'probeSpec' | 'probeSpecList' | 'json';

/** A probe spec as bcc's tools take it, marked so in the params' JSON Schema (bpf-core's PROBE_SPEC_FORMAT). */
const PROBE_SPEC_FORMAT = 'bcc-probe';

interface FormField {
  name: string;
  kind: FieldKind;
  description: string;
  defaultValue?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  options?: string[];
  /** The unit of a number (the params' JSON Schema `unit`, from zod's meta): "s" for an interval. */
  unit?: string;
}

/** What the form holds: text for inputs, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

type Schema = Record<string, unknown>;

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export function fieldsFromSchema(schema: Schema): FormField[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  return Object.entries(properties).map(([name, property]) => {
    const base = {
      name,
      description: typeof property.description === 'string' ? property.description : '',
      defaultValue: property.default,
      ...(typeof property.unit === 'string' ? { unit: property.unit } : {}),
    };
    const items = (property.items ?? {}) as Schema;
    if (Array.isArray(property.enum) && property.enum.every((option) => typeof option === 'string')) {
      return { ...base, kind: 'enum', options: property.enum as string[] };
    }
    switch (property.type) {
      case 'integer':
      case 'number':
        return { ...base, kind: property.type, minimum: num(property.minimum), maximum: num(property.maximum) };
      case 'string':
        return {
          ...base,
          kind: property.format === PROBE_SPEC_FORMAT ? 'probeSpec' : 'string',
          minLength: num(property.minLength),
          maxLength: num(property.maxLength),
        };
      case 'boolean':
        return { ...base, kind: 'boolean' };
      case 'array':
        if (items.type === 'integer') {
          return {
            ...base,
            kind: 'integerList',
            minimum: num(items.minimum),
            maximum: num(items.maximum),
            minItems: num(property.minItems),
            maxItems: num(property.maxItems),
          };
        }
        if (items.type === 'string' && items.format === PROBE_SPEC_FORMAT) {
          return { ...base, kind: 'probeSpecList', maxLength: num(items.maxLength), minItems: num(property.minItems), maxItems: num(property.maxItems) };
        }
        return { ...base, kind: 'json' };
      default:
        return { ...base, kind: 'json' };
    }
  });
}

/** An enum's default, when the schema names one of its options. */
function enumDefault(field: FormField): string | undefined {
  return field.kind === 'enum' && typeof field.defaultValue === 'string' && field.options?.includes(field.defaultValue) ? field.defaultValue : undefined;
}

/**
 * What an enum's select offers. With a default, its options (the default is
 * what leaving it means); without, "(any)" first for leaving it out.
 */
export function enumChoices(field: FormField): Array<{ value: string; label: string }> {
  const options = (field.options ?? []).map((option) => ({ value: option, label: option }));
  return enumDefault(field) !== undefined ? options : [{ value: '', label: '(any)' }, ...options];
}

/** The form's starting values for given params (defaults where a param is absent). */
export function formValuesFromParams(fields: readonly FormField[], params: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = field.name in params ? params[field.name] : undefined;
    if (field.kind === 'boolean') values[field.name] = typeof value === 'boolean' ? value : field.defaultValue === true;
    else if (value === undefined) values[field.name] = enumDefault(field) ?? '';
    else if (field.kind === 'integerList' && Array.isArray(value)) values[field.name] = value.join(', ');
    else if (field.kind === 'probeSpecList' && Array.isArray(value)) values[field.name] = value.join('\n');
    else if (field.kind === 'json') values[field.name] = JSON.stringify(value);
    else values[field.name] = String(value);
  }
  return values;
}

interface ParsedForm {
  params: Record<string, unknown>;
  /** Field name → what is wrong with it. Empty when the form is valid. */
  errors: Record<string, string>;
}

/** Empty inputs, and booleans and enums left at their default, are omitted, so links stay short. */
export function paramsFromForm(fields: readonly FormField[], values: FormValues): ParsedForm {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === 'boolean') {
      const checked = raw === true;
      if (checked !== (field.defaultValue === true)) params[field.name] = checked;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '' || (field.kind === 'enum' && text === enumDefault(field))) continue;
    const parsed = parseField(field, text);
    if ('error' in parsed) errors[field.name] = parsed.error;
    else params[field.name] = parsed.value;
  }
  return { params, errors };
}

function parseField(field: FormField, text: string): { value: unknown } | { error: string } {
  switch (field.kind) {
    case 'integer':
    case 'number':
      return parseNumber(field, text);
    case 'probeSpecList': {
      // One spec a line, as one writes several to bcc's trace.
      const specs = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (field.minItems !== undefined && specs.length < field.minItems) return { error: `at least ${field.minItems} probes` };
      if (field.maxItems !== undefined && specs.length > field.maxItems) return { error: `at most ${field.maxItems} probes, one a line` };
      const tooLong = specs.findIndex((spec) => field.maxLength !== undefined && spec.length > field.maxLength);
      if (tooLong >= 0) return { error: `probe ${tooLong + 1}: at most ${field.maxLength} characters` };
      return { value: specs };
    }
    case 'probeSpec':
    case 'string':
      if (field.minLength !== undefined && text.length < field.minLength) return { error: `at least ${field.minLength} characters` };
      if (field.maxLength !== undefined && text.length > field.maxLength) return { error: `at most ${field.maxLength} characters` };
      return { value: text };
    case 'enum':
      return field.options?.includes(text) ? { value: text } : { error: `one of ${field.options?.join(', ')}` };
    case 'integerList': {
      const parts = text.split(/[\s,]+/).filter(Boolean);
      if (field.minItems !== undefined && parts.length < field.minItems) return { error: `at least ${field.minItems} values` };
      if (field.maxItems !== undefined && parts.length > field.maxItems) return { error: `at most ${field.maxItems} values` };
      const list: number[] = [];
      for (const part of parts) {
        const parsed = parseNumber({ ...field, kind: 'integer' }, part);
        if ('error' in parsed) return { error: `"${part}": ${parsed.error}` };
        list.push(parsed.value as number);
      }
      return { value: list };
    }
    default:
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        return { error: 'not valid JSON' };
      }
  }
}

function parseNumber(field: FormField, text: string): { value: number } | { error: string } {
  const pattern = field.kind === 'integer' ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  if (!pattern.test(text)) return { error: field.kind === 'integer' ? 'a whole number' : 'a number' };
  const value = Number(text);
  if (field.minimum !== undefined && value < field.minimum) return { error: `at least ${field.minimum}` };
  if (field.maximum !== undefined && value > field.maximum) return { error: `at most ${field.maximum}` };
  return { value };
}

/** "nameContains" → "name contains", for labels. */
export function fieldLabel(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A field's label with its unit, where it has one: "interval (s)". */
export function fieldTitle(field: Pick<FormField, 'name' | 'unit'>): string {
  return field.unit === undefined ? fieldLabel(field.name) : `${fieldLabel(field.name)} (${field.unit})`;
}

/** Applied params in a line, as a command line reads: a custom probe's specs, then the other params set (`pid 1234`). */
export function paramsSummary(fields: readonly FormField[], params: Record<string, unknown>): { specs: string[]; others: string[] } {
  const specs: string[] = [];
  const others: string[] = [];
  for (const field of fields) {
    const value = params[field.name];
    if (value === undefined || value === '' || value === false) continue;
    if (field.kind === 'probeSpec' || field.kind === 'probeSpecList') {
      specs.push(...(Array.isArray(value) ? value : [value]).filter((spec): spec is string => typeof spec === 'string' && spec.trim() !== ''));
    } else if (value === true) others.push(fieldLabel(field.name));
    else {
      const text = Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
      others.push(`${fieldLabel(field.name)} ${text}${field.unit === undefined ? '' : ` ${field.unit}`}`);
    }
  }
  return { specs, others };
}

/** The params the schema requires that `params` lacks (a custom probe's spec): nothing starts without them. */
export function missingRequiredParams(schema: Record<string, unknown>, params: Record<string, unknown>): string[] {
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((name): name is string => typeof name === 'string') : [];
  return required.filter(
    (name) => params[name] === undefined || params[name] === '' || (Array.isArray(params[name]) && (params[name] as unknown[]).length === 0),
  );
}
