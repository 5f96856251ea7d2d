import { describe, expect, it } from 'vitest';
import type { ToolInfo } from '../../api/types';
import { matchTools, supportAcrossHosts } from './toolCatalog';

function tool(name: string, category: string, available: boolean): ToolInfo {
  return {
    name,
    title: `${name} title`,
    description: `${name} does things`,
    category,
    outputKind: 'table',
    columns: [],
    paramsJsonSchema: {},
    support: available
      ? { tool: name, available, attachMethod: 'tracepoint', methods: [] }
      : { tool: name, available, reason: 'kprobe unavailable (ENOENT)', methods: [] },
  } as unknown as ToolInfo;
}

const tools = [tool('tcplife', 'network', true), tool('execsnoop', 'processes', true), tool('tcpconnect', 'network', false)];

describe('matchTools', () => {
  it('groups by category in name order and searches every text field', () => {
    expect([...matchTools(tools, '').entries()].map(([category, members]) => [category, members.map((member) => member.name)])).toEqual([
      ['network', ['tcplife', 'tcpconnect']],
      ['processes', ['execsnoop']],
    ]);
    expect([...matchTools(tools, 'PROCESS').keys()]).toEqual(['processes']);
    expect(matchTools(tools, 'nothing like it').size).toBe(0);
  });
});

describe('supportAcrossHosts', () => {
  it('gives each host its own verdict', () => {
    expect(
      supportAcrossHosts('tcpconnect', ['a:1', 'b:2', 'c:3', 'd:4'], {
        'a:1': { state: 'loaded', tools },
        'b:2': { state: 'loaded', tools: [tool('tcpconnect', 'network', true)] },
        'c:3': { state: 'error', problem: { kind: 'unreachable', message: 'x' } },
        'd:4': { state: 'loaded', tools: [] },
      }),
    ).toEqual([
      { address: 'a:1', verdict: 'unavailable', detail: 'kprobe unavailable (ENOENT)' },
      { address: 'b:2', verdict: 'works', detail: 'tracepoint' },
      { address: 'c:3', verdict: 'unknown', detail: 'unreachable' },
      { address: 'd:4', verdict: 'missing', detail: 'agent has no such tool' },
    ]);
  });
});
