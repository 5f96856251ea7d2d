import { describe, expect, it } from 'vitest';
import type { KeyValueStorage } from '../../state/appStore';
import { hostsShown, MAX_GROUPS, parseHostList, readGroups, storeGroups, withGroupHosts, withoutGroup } from './hostGroups';

function storageWith(groups?: string): KeyValueStorage {
  const data = new Map<string, string>(groups === undefined ? [] : [['bpfscope.groups', groups]]);
  return { getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
}

describe('host groups', () => {
  it('are remembered in local storage, leaving out whatever is damaged there', () => {
    const storage = storageWith(JSON.stringify({ db: ['a:7070', 'a:7070', 'bad host', 7], 'no spaces': ['b:1'], api: 'c:1', web: ['[::1]:8080'] }));
    expect(readGroups(storage)).toEqual({ db: ['a:7070'], web: ['[::1]:8080'] });
    storeGroups(storage, { x: ['h:1'] });
    expect(readGroups(storage)).toEqual({ x: ['h:1'] });
    expect(readGroups(storageWith('not json'))).toEqual({});
    expect(readGroups(storageWith('[1,2]'))).toEqual({});
    expect(readGroups(storageWith())).toEqual({});
  });

  it('grow by the hosts a link or the form adds, never losing one, within bounds', () => {
    expect(withGroupHosts({}, 'db', ['a:1', 'b:1'])).toEqual({ db: ['a:1', 'b:1'] });
    expect(withGroupHosts({ db: ['a:1', 'b:1'] }, 'db', ['b:1', 'c:1'])).toEqual({ db: ['a:1', 'b:1', 'c:1'] });
    expect(withGroupHosts({}, 'bad name', ['a:1'])).toMatch(/group name/);
    const full = Object.fromEntries(Array.from({ length: MAX_GROUPS }, (_, i) => [`g${i}`, ['a:1']]));
    expect(withGroupHosts(full, 'one-more', ['a:1'])).toBe('at most 32 groups');
    expect(withGroupHosts(full, 'g1', ['b:1'])).toMatchObject({ g1: ['a:1', 'b:1'] });
    expect(
      withGroupHosts(
        {},
        'big',
        Array.from({ length: 65 }, (_, i) => `h${i}:1`),
      ),
    ).toBe('a group has at most 64 hosts');
    expect(withoutGroup({ db: ['a:1'], api: ['b:1'] }, 'db')).toEqual({ api: ['b:1'] });
  });

  it('choose the hosts shown: all known, or a group’s known ones in the order the browser knows them', () => {
    const known = ['a:1', 'b:1', 'c:1'];
    expect(hostsShown(known, { db: ['c:1', 'a:1'] }, undefined)).toEqual(known);
    // z:1 was removed from this browser: it stays in the group, out of view.
    expect(hostsShown(known, { db: ['c:1', 'z:1', 'a:1'] }, 'db')).toEqual(['a:1', 'c:1']);
    expect(hostsShown(known, {}, 'unknown')).toEqual([]);
  });

  it('read a typed list of hosts, saying why each unusable one is not a host', () => {
    expect(parseHostList(' a:7070, b:7070\n[::1]:7071 a:7070 ,')).toEqual({ hosts: ['a:7070', 'b:7070', '[::1]:7071'], problems: [] });
    expect(parseHostList('a:7070, nope, b:99999')).toEqual({
      hosts: ['a:7070'],
      problems: ['nope: a host is host:port, e.g. 10.0.0.7:7070 or [::1]:7070', 'b:99999: port 99999 is out of range: a port is a number from 1 to 65535'],
    });
  });
});
