// One way of writing a moment across the app: formatClockTime (HH:MM:SS) and formatDateTime
// (YYYY-MM-DD HH:MM:SS) from charts. The locale's own ("3:03:52 AM") mixed with them in
// snapshot titles and banners, so no view may call it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

describe('time formatting', () => {
  it('goes through formatClockTime and formatDateTime, never the locale', () => {
    const root = path.dirname(fileURLToPath(import.meta.url));
    const offenders = sources(root).filter((file) => /\.toLocale(Time|Date)?String\(/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => path.relative(root, file))).toEqual([]);
  });
});
