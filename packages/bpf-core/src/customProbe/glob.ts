// Globs as funccount and bpftrace take them in probe names: `*` any run, `?` one character.

/** A glob as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function hasWildcard(text: string): boolean {
  return /[*?]/.test(text);
}
