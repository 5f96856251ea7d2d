import { describe, expect, it } from 'vitest';
import { cliToolName, parseCliArgs } from './cliArgs.js';
import { ToolError } from './errors.js';
import { toolRegistry } from './tools/registry.js';

const schemaFor = (tool: string) => toolRegistry.get(tool)?.paramsSchema;

describe('parseCliArgs', () => {
  it('turns kebab-case flags into params typed by the schema', () => {
    const options = parseCliArgs(['execsnoop', '--uid', '1000', '--include-failed', '--max-args=5', '--json'], schemaFor);
    expect(options).toMatchObject({ tool: 'execsnoop', json: true, params: { uid: 1000, includeFailed: true, maxArgs: 5 } });
  });

  it('splits array params on commas', () => {
    const options = parseCliArgs(['tcplife', '--local-ports', '80,443', '--duration', '2'], schemaFor);
    expect(options.params).toEqual({ localPorts: [80, 443] });
    expect(options.durationSeconds).toBe(2);
  });

  it('keeps bad values for the schema to reject, and rejects a bad duration itself', () => {
    expect(parseCliArgs(['tcplife', '--pid', 'abc'], schemaFor).params).toEqual({ pid: Number.NaN });
    expect(() => parseCliArgs(['tcplife', '--duration', '-1'], schemaFor)).toThrow(/--duration/);
    expect(() => parseCliArgs(['tcplife', '--duration', 'abc'], schemaFor)).toThrow(ToolError);
  });

  it("takes probe specs as bcc's tools do: as arguments, or repeated flags, never split on commas", () => {
    const cliFor = (tool: string) => toolRegistry.get(tool)?.cli;
    const spec = 't:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count';
    expect(parseCliArgs(['trace', '--pid', '42', spec, 'r:c:malloc "%p", retval'], schemaFor, cliFor).params).toEqual({
      pid: 42,
      probes: [spec, 'r:c:malloc "%p", retval'],
    });
    expect(parseCliArgs(['trace', '--probes', spec, '--probes', 'p:c:free'], schemaFor, cliFor).params).toEqual({ probes: [spec, 'p:c:free'] });
  });

  it('knows the list, capabilities and help commands', () => {
    expect(parseCliArgs(['list'], schemaFor).command).toBe('list');
    expect(parseCliArgs(['capabilities'], schemaFor).command).toBe('capabilities');
    expect(parseCliArgs([], schemaFor).command).toBe('help');
  });
});

describe('cliToolName', () => {
  it('names the tool parseCliArgs would run, before its flags are known', () => {
    expect(cliToolName(['execsnoop', '--duration', '1'])).toBe('execsnoop');
    // A flag's value is not the tool.
    expect(cliToolName(['--duration', '5', 'opensnoop', '--json'])).toBe('opensnoop');
    for (const argv of [['list'], ['capabilities'], [], ['--json']]) {
      expect(cliToolName(argv)).toBeUndefined();
      expect(parseCliArgs(argv, schemaFor).tool).toBeUndefined();
    }
  });
});
