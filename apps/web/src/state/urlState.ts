// The URL is the source of truth for what is shown: host(s), tool, params, filters
// and sort live in the hash, so a pasted link opens the same view. Tokens never do.
import { z } from 'zod';

export type SortDirection = 'asc' | 'desc';

export interface ViewState {
  /** Agents compared side by side, as host:port; the first is the active one. */
  hosts: string[];
  tool?: string;
  params: Record<string, unknown>;
  /** Text filter over every column. */
  filter: string;
  /** Per-column text filters, keyed by column key. */
  columnFilters: Record<string, string>;
  sort?: { column: string; direction: SortDirection };
}

export const emptyViewState: ViewState = { hosts: [], params: {}, filter: '', columnFilters: {} };

export const hostPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const MAX_HOSTS = 16;
const MAX_TEXT = 512;
const MAX_PARAMS_JSON = 4096;

const viewStateSchema = z.object({
  hosts: z.array(z.string().regex(hostPattern)).max(MAX_HOSTS),
  tool: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/).optional(),
  params: z.record(z.string().max(64), z.unknown()),
  filter: z.string().max(MAX_TEXT),
  columnFilters: z.record(z.string().max(64), z.string().max(MAX_TEXT)),
  sort: z.object({ column: z.string().min(1).max(64), direction: z.enum(['asc', 'desc']) }).optional(),
});

/** `#/host/<h1>,<h2>/tool/<tool>?params=<json>&q=<text>&f.<column>=<text>&sort=<column>:<dir>` */
export function encodeViewState(state: ViewState): string {
  let path = '#/';
  if (state.hosts.length > 0) path += `host/${state.hosts.map(encodeURIComponent).join(',')}`;
  if (state.tool) path += `${state.hosts.length > 0 ? '/' : ''}tool/${encodeURIComponent(state.tool)}`;
  const query = new URLSearchParams();
  if (Object.keys(state.params).length > 0) query.set('params', JSON.stringify(sortedKeys(state.params)));
  if (state.filter) query.set('q', state.filter);
  for (const [column, text] of Object.entries(state.columnFilters).sort(([a], [b]) => a.localeCompare(b))) {
    if (text) query.set(`f.${column}`, text);
  }
  if (state.sort) query.set('sort', `${state.sort.column}:${state.sort.direction}`);
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

export interface DecodedViewState {
  state: ViewState;
  /** What was wrong with the URL (the rest of it is still used). */
  problems: string[];
}

/** Never throws: a damaged or hostile link shows what it can and says what it could not. */
export function decodeViewState(hash: string): DecodedViewState {
  const problems: string[] = [];
  const [pathPart = '', searchPart = ''] = hash.replace(/^#/, '').split('?', 2);
  const segments = pathPart.split('/').filter(Boolean);
  const draft: ViewState = { ...emptyViewState, params: {}, columnFilters: {} };
  for (let i = 0; i < segments.length; i += 2) {
    const key = segments[i];
    const value = segments[i + 1];
    if (value === undefined) {
      problems.push(`"${key}" has no value`);
      continue;
    }
    if (key === 'host') draft.hosts = value.split(',').map(safeDecode).filter((host) => host !== '');
    else if (key === 'tool') draft.tool = safeDecode(value);
    else problems.push(`unknown part "${key}"`);
  }
  const query = new URLSearchParams(searchPart);
  const params = query.get('params');
  if (params !== null) {
    if (params.length > MAX_PARAMS_JSON) problems.push('params are too long');
    else {
      try {
        const parsed: unknown = JSON.parse(params);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) draft.params = parsed as Record<string, unknown>;
        else problems.push('params must be a JSON object');
      } catch {
        problems.push('params are not valid JSON');
      }
    }
  }
  draft.filter = query.get('q') ?? '';
  for (const [name, text] of query) {
    if (name.startsWith('f.')) draft.columnFilters[name.slice(2)] = text;
  }
  const sort = query.get('sort');
  if (sort !== null) {
    const [column, direction] = sort.split(':');
    draft.sort = { column: column ?? '', direction: direction as SortDirection };
  }
  const result = viewStateSchema.safeParse(draft);
  if (result.success) return { state: result.data as ViewState, problems };
  // Keep every valid field, drop the invalid ones, and say which.
  const state: ViewState = { ...draft };
  for (const issue of result.error.issues) {
    const field = issue.path[0] as keyof ViewState | undefined;
    problems.push(`${issue.path.join('.') || 'link'}: ${issue.message}`);
    if (field === 'hosts') state.hosts = draft.hosts.filter((host) => hostPattern.test(host)).slice(0, MAX_HOSTS);
    else if (field === 'tool') delete state.tool;
    else if (field === 'sort') delete state.sort;
    else if (field === 'params') state.params = {};
    else if (field === 'filter') state.filter = '';
    else if (field === 'columnFilters') state.columnFilters = {};
  }
  return { state, problems };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

/** Same params, same URL: keys in a stable order so links compare equal. */
function sortedKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
