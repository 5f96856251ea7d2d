/** Equal for equal tool and params whatever the key order, so such viewers share one attachment. */
export function attachmentKey(tool: string, normalizedParams: unknown): string {
  const canonicalParams = JSON.stringify(normalizedParams ?? null, (_key, value: unknown) =>
    isPlainObject(value) ? Object.fromEntries(Object.entries(value).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))) : value,
  );
  return JSON.stringify([tool, canonicalParams]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
