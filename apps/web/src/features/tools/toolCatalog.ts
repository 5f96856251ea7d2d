// Pure helpers over agents' tool catalogs: search and grouping, and one tool's
// verdict on every known host.
import type { ToolInfo } from '../../api/types';
import type { Catalog } from '../../state/slices/hosts';

/** Tools matching the search (name, title, description, category), grouped by category in name order. */
export function matchTools(tools: readonly ToolInfo[], search: string): Map<string, ToolInfo[]> {
  const needle = search.trim().toLowerCase();
  const groups = new Map<string, ToolInfo[]>();
  for (const tool of tools) {
    const haystack = `${tool.name} ${tool.title} ${tool.description} ${tool.category}`.toLowerCase();
    if (needle && !haystack.includes(needle)) continue;
    groups.set(tool.category, [...(groups.get(tool.category) ?? []), tool]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

interface HostVerdict {
  address: string;
  /** 'works' with the method, 'unavailable' with why, or 'unknown' when the host has not answered. */
  verdict: 'works' | 'unavailable' | 'missing' | 'unknown';
  detail: string;
}

/** Whether `tool` runs on each host, from each host's own catalog. */
export function supportAcrossHosts(tool: string, hosts: readonly string[], catalogs: Readonly<Record<string, Catalog>>): HostVerdict[] {
  return hosts.map((address) => {
    const catalog = catalogs[address];
    if (catalog?.state !== 'loaded') return { address, verdict: 'unknown', detail: catalog?.state === 'error' ? catalog.problem.kind : 'not connected' };
    const info = catalog.tools.find((candidate) => candidate.name === tool);
    if (!info) return { address, verdict: 'missing', detail: 'agent has no such tool' };
    return info.support.available
      ? { address, verdict: 'works', detail: info.support.attachMethod ?? '' }
      : { address, verdict: 'unavailable', detail: info.support.reason ?? 'no attach method works' };
  });
}
