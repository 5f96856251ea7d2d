// One search syntax for every text box that filters (flame-graph frames, table rows):
// a case-insensitive substring, or /regex/flags.

export interface TextMatcher {
  (text: string): boolean;
  /** True when the pattern was a /regex/. */
  readonly regex: boolean;
}

/** Undefined for an empty pattern or a regex that does not compile (nothing to filter by). */
export function textMatcher(pattern: string | RegExp): TextMatcher | undefined {
  let expression: RegExp;
  if (pattern instanceof RegExp) expression = pattern;
  else {
    const text = pattern.trim();
    if (!text) return undefined;
    const literal = /^\/(.+)\/([a-z]*)$/.exec(text);
    if (!literal) {
      const needle = text.toLowerCase();
      return Object.assign((candidate: string) => candidate.toLowerCase().includes(needle), { regex: false });
    }
    try {
      expression = new RegExp(literal[1] as string, literal[2]);
    } catch {
      return undefined;
    }
  }
  // A global or sticky regex keeps lastIndex between tests: match from scratch each time.
  const stateless = expression.global || expression.sticky ? new RegExp(expression.source, expression.flags.replace(/[gy]/g, '')) : expression;
  return Object.assign((candidate: string) => stateless.test(candidate), { regex: true });
}
