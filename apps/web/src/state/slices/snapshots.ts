// Which saved snapshots the page has seen change: whoever saves, renames or deletes
// one bumps the revision, and the snapshot list loads the host's list again on it.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from '../appStore';

export interface SnapshotsSlice {
  /** Bumped on every change this page made to a host's snapshots. */
  snapshotsRevision: number;
  snapshotsChanged(): void;
}

export const createSnapshotsSlice: StateCreator<AppState, [], [], SnapshotsSlice> = (set) => ({
  snapshotsRevision: 0,
  snapshotsChanged() {
    set((state) => ({ snapshotsRevision: state.snapshotsRevision + 1 }));
  },
});
