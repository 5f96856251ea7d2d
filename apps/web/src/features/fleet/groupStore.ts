// The host groups of this browser, in a store of their own: the fleet page is the only reader, and a group is
// not part of what a view shows (the URL names the group; local storage remembers its hosts).
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { KeyValueStorage } from '../../state/appStore';
import type { HostGroups } from './hostGroups';
import { readGroups, storeGroups, withGroupHosts, withoutGroup } from './hostGroups';

interface GroupState {
  groups: HostGroups;
  /** Adds hosts to a group (made if new); returns why not, or undefined. */
  addToGroup(name: string, hosts: readonly string[]): string | undefined;
  removeGroup(name: string): void;
}

export function createGroupStore(storage: KeyValueStorage) {
  return createStore<GroupState>()((set, get) => ({
    groups: readGroups(storage),
    addToGroup(name, hosts) {
      const next = withGroupHosts(get().groups, name, hosts);
      if (typeof next === 'string') return next;
      if (next[name]?.length !== get().groups[name]?.length) {
        storeGroups(storage, next);
        set({ groups: next });
      }
      return undefined;
    },
    removeGroup(name) {
      const next = withoutGroup(get().groups, name);
      storeGroups(storage, next);
      set({ groups: next });
    },
  }));
}

let groupStore: ReturnType<typeof createGroupStore> | undefined;

/** This page's groups, read from local storage on first use. */
export function useHostGroups<T>(selector: (state: GroupState) => T): T {
  groupStore ??= createGroupStore(window.localStorage);
  return useStore(groupStore, selector);
}
