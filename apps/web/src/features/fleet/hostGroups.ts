// Host groups ("db", "api"): names for sets of known hosts, kept in this browser's local storage as hosts are,
// made from a fleet link (`#/fleet?group=db&hosts=a:7070,b:7070`) or on the fleet page. Pure: storage in, groups out.
import type { KeyValueStorage } from '../../state/appStore';
import { hostAddressProblem } from '../../state/hostAddress';
import { groupNamePattern, hostPattern, MAX_FLEET_LINK_HOSTS } from '../../state/urlState';

/** Group name → its hosts (host:port), in the order added. */
export type HostGroups = Readonly<Record<string, readonly string[]>>;

const GROUPS_KEY = 'bpfscope.groups';
export const MAX_GROUPS = 32;

/** The groups this browser stored; whatever is damaged in storage is left out. */
export function readGroups(storage: KeyValueStorage): HostGroups {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(GROUPS_KEY) ?? '{}');
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const groups: Record<string, string[]> = {};
  for (const [name, hosts] of Object.entries(parsed).slice(0, MAX_GROUPS)) {
    if (!groupNamePattern.test(name) || !Array.isArray(hosts)) continue;
    const valid = hosts.filter((host): host is string => typeof host === 'string' && hostPattern.test(host));
    groups[name] = [...new Set(valid)].slice(0, MAX_FLEET_LINK_HOSTS);
  }
  return groups;
}

export function storeGroups(storage: KeyValueStorage, groups: HostGroups): void {
  storage.setItem(GROUPS_KEY, JSON.stringify(groups));
}

/** `groups` with `hosts` added to group `name` (made if new); never drops a host a group already has. */
export function withGroupHosts(groups: HostGroups, name: string, hosts: readonly string[]): HostGroups | string {
  if (!groupNamePattern.test(name)) return 'a group name is up to 32 letters, digits, ., _ and -, starting with a letter or digit';
  if (!(name in groups) && Object.keys(groups).length >= MAX_GROUPS) return `at most ${MAX_GROUPS} groups`;
  const merged = [...new Set([...(groups[name] ?? []), ...hosts])];
  if (merged.length > MAX_FLEET_LINK_HOSTS) return `a group has at most ${MAX_FLEET_LINK_HOSTS} hosts`;
  return { ...groups, [name]: merged };
}

export function withoutGroup(groups: HostGroups, name: string): HostGroups {
  const { [name]: _removed, ...rest } = groups;
  return rest;
}

/**
 * The hosts a fleet shows: every known host, or a group's known ones, in the order the browser knows them. A host
 * removed from the browser leaves its groups' views too (the group keeps it, for when it is added again).
 */
export function hostsShown(known: readonly string[], groups: HostGroups, group: string | undefined): string[] {
  if (group === undefined) return [...known];
  const members = new Set(groups[group] ?? []);
  return known.filter((host) => members.has(host));
}

/** Host addresses typed as a list ("a:7070, b:7070" or one a line): the valid ones, and why each other is not. */
export function parseHostList(text: string): { hosts: string[]; problems: string[] } {
  const hosts: string[] = [];
  const problems: string[] = [];
  for (const item of text.split(/[\s,]+/)) {
    if (item === '') continue;
    const problem = hostAddressProblem(item);
    if (problem) problems.push(`${item.length <= 64 ? item : `${item.slice(0, 61)}...`}: ${problem}`);
    else if (!hosts.includes(item)) hosts.push(item);
  }
  return { hosts, problems };
}
