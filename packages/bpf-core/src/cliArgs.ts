import { z } from 'zod';
import { ToolError } from './errors.js';

export interface CliOptions {
  tool?: string;
  json: boolean;
  durationSeconds?: number;
  attachMethod?: string;
  params: Record<string, unknown>;
  command: 'run' | 'list' | 'capabilities' | 'help';
}

type JsonSchemaProperty = { type?: string | string[]; items?: { type?: string } };

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function coerce(value: string, property: JsonSchemaProperty | undefined): unknown {
  const type = Array.isArray(property?.type) ? property?.type[0] : property?.type;
  switch (type) {
    case 'integer':
    case 'number':
      return value.trim() === '' ? Number.NaN : Number(value);
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
      return value.split(',').map((item) => coerce(item, property?.items));
    default:
      return value;
  }
}

/** The words and the `--flag [value]` pairs of a command line, in order. */
function splitCliArgs(argv: readonly string[]): { positional: string[]; flags: Array<[string, string | undefined]> } {
  const positional: string[] = [];
  const flags: Array<[string, string | undefined]> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) flags.push([flag, inline]);
    else if (next !== undefined && !next.startsWith('--')) {
      flags.push([flag, next]);
      i++;
    } else flags.push([flag, undefined]);
  }
  return { positional, flags };
}

function commandOf(first: string | undefined): Pick<CliOptions, 'command' | 'tool'> {
  if (first === 'list') return { command: 'list' };
  if (first === 'capabilities') return { command: 'capabilities' };
  if (first === undefined) return { command: 'help' };
  return { command: 'run', tool: first };
}

/** The tool a command line names, as parseCliArgs reads it: the CLI loads that tool alone before parsing its flags. */
export function cliToolName(argv: readonly string[]): string | undefined {
  return commandOf(splitCliArgs(argv).positional[0]).tool;
}

/**
 * Parses `bpfscope-tool <tool> [--json] [--duration S] [--<param> value]...`, turning
 * kebab-case flags into the tool's params and coercing values by the params schema
 * (which then validates them).
 */
export function parseCliArgs(
  argv: readonly string[],
  schemaFor: (tool: string) => z.ZodType | undefined,
  cliFor: (tool: string) => { positional?: string; verbatim?: readonly string[] } | undefined = () => undefined,
): CliOptions {
  const { positional, flags } = splitCliArgs(argv);
  const options: CliOptions = { json: false, params: {}, ...commandOf(positional[0]) };

  const schema = options.tool ? schemaFor(options.tool) : undefined;
  const properties = (schema ? (z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, JsonSchemaProperty> }).properties : undefined) ?? {};
  const cli = options.tool ? cliFor(options.tool) : undefined;
  const verbatim = new Set(cli?.verbatim ?? []);
  const isArray = (key: string) => {
    const type = properties[key]?.type;
    return type === 'array' || (Array.isArray(type) && type.includes('array'));
  };
  // bcc's tools take their probes as arguments: `trace 'probe' 'probe'`, `funccount 'c:malloc'`.
  if (cli?.positional !== undefined && positional.length > 1) {
    const key = cli.positional;
    options.params[key] = isArray(key) ? positional.slice(1) : positional.slice(1).join(' ');
  }
  for (const [flag, value] of flags) {
    const key = camelCase(flag);
    if (verbatim.has(key) && value !== undefined) {
      const previous = options.params[key];
      options.params[key] = isArray(key) ? [...(Array.isArray(previous) ? (previous as unknown[]) : []), value] : value;
      continue;
    }
    switch (flag) {
      case 'json':
        options.json = value === undefined || value === 'true';
        break;
      case 'help':
        options.command = 'help';
        break;
      case 'duration':
        options.durationSeconds = Number(value);
        if (!Number.isFinite(options.durationSeconds) || options.durationSeconds <= 0) {
          throw new ToolError('INVALID_PARAMS', `--duration needs a positive number of seconds, got ${value}`);
        }
        break;
      case 'attach-method':
        options.attachMethod = value;
        break;
      default: {
        const property = properties[key];
        options.params[key] = value === undefined ? true : coerce(value, property);
      }
    }
  }
  return options;
}
