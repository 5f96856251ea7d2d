// The decoders in <tool>.ts mirror the structs in <tool>.h: check every offset
// and size each tool of the registry declares against the struct layout clang
// recorded in the built object's BTF.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toolRegistry } from '../src/tools/registry.js';

function structLayout(objectFile: string, struct: string): { size: number; offsets: Map<string, number> } {
  const path = fileURLToPath(new URL(`../out/bpf/${objectFile}`, import.meta.url));
  const dump = execFileSync('bpftool', ['btf', 'dump', 'file', path, 'format', 'raw'], { encoding: 'utf8' });
  const lines = dump.split('\n');
  const start = lines.findIndex((line) => line.includes(`STRUCT '${struct}' `));
  if (start === -1) throw new Error(`struct ${struct} not in the BTF of ${objectFile}`);
  const header = /size=(\d+) vlen=(\d+)/.exec(lines[start] as string);
  const offsets = new Map<string, number>();
  for (const line of lines.slice(start + 1, start + 1 + Number(header?.[2]))) {
    const member = /'(\w+)' type_id=\d+ bits_offset=(\d+)/.exec(line);
    if (member) offsets.set(member[1] as string, Number(member[2]) / 8);
  }
  return { size: Number(header?.[1]), offsets };
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const tools = [...toolRegistry.values()];
const structs = tools.flatMap((tool) => tool.structs.map((layout) => ({ tool: tool.name, objectFile: tool.objectFile, ...layout })));

describe('struct layouts: TypeScript decoders against the BPF objects', () => {
  it.each(tools)('$name declares the structs its decoders read', (tool) => {
    expect(tool.structs.length).toBeGreaterThan(0);
  });

  it.each(structs)('$tool: $objectFile struct $struct', ({ objectFile, struct, offsets, size }) => {
    const layout = structLayout(objectFile, struct);
    for (const [field, offset] of Object.entries(offsets ?? {})) {
      const cName = snakeCase(field);
      expect(layout.offsets.get(cName), `${struct}.${cName}`).toBe(offset);
    }
    if (size !== undefined) expect(layout.size, `sizeof(struct ${struct})`).toBe(size);
  });
});

const tableTools = tools.flatMap((tool) => (tool.outputKind === 'table' ? [tool] : []));

describe('table tools make rows the agent, web and CLI can show', () => {
  it.each(tableTools)('$name: a ring buffer with its decoder, or interval rows', (tool) => {
    expect(tool.ringBufferMap !== undefined || tool.intervalRows !== undefined).toBe(true);
    expect(tool.ringBufferMap === undefined || typeof tool.decode === 'function').toBe(true);
  });

  it.each(tableTools)('$name: its time series draw columns it has, over TIME', (tool) => {
    const keys = new Set(tool.columns.map((column) => column.key));
    for (const chart of tool.timeSeries ?? []) {
      expect(keys.has('time')).toBe(true);
      for (const column of chart.columns) expect(keys.has(column), `${chart.title}: ${column}`).toBe(true);
    }
  });
});
