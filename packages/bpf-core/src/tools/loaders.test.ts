import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTool, toolLoaders } from './loaders.js';
import { getTool, toolRegistry } from './registry.js';

describe('tools by name, loaded alone or all', () => {
  it('loads each tool under its own name, the registry holding them all in the same order', async () => {
    for (const [name, load] of toolLoaders) expect((await load()).name).toBe(name);
    expect([...toolRegistry.keys()]).toEqual([...toolLoaders.keys()]);
    expect(await loadTool('execsnoop')).toBe(getTool('execsnoop'));
  });

  it('knows every tool folder', () => {
    const folders = readdirSync(fileURLToPath(new URL('.', import.meta.url)), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
      .map((entry) => entry.name);
    for (const folder of folders) expect(toolLoaders.has(folder), folder).toBe(true);
  });

  it('names the known tools for an unknown one', async () => {
    const message = `unknown tool "nope"; known tools: ${[...toolLoaders.keys()].join(', ')}`;
    await expect(loadTool('nope')).rejects.toThrow(expect.objectContaining({ code: 'UNKNOWN_TOOL', message }));
    expect(() => getTool('nope')).toThrow(message);
  });
});
