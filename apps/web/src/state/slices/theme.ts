// The colour theme: the one this browser stored, else the system's preference.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState, KeyValueStorage } from '../appStore';

type Theme = 'dark' | 'light';

export interface ThemeSlice {
  theme: Theme;
  setTheme(theme: Theme): void;
}

const THEME_KEY = 'bpfscope.theme';

export function createThemeSlice(storage: KeyValueStorage, prefersDark: boolean | undefined): StateCreator<AppState, [], [], ThemeSlice> {
  const stored = storage.getItem(THEME_KEY);
  const theme: Theme = stored === 'light' || stored === 'dark' ? stored : prefersDark === false ? 'light' : 'dark';
  return (set) => ({
    theme,
    setTheme(next) {
      storage.setItem(THEME_KEY, next);
      set({ theme: next });
    },
  });
}
