// What a probe spec being typed asks to be completed with, from the text before the cursor: a tracepoint
// (`t:sysc` → `syscalls:sys_enter_read`), a tracepoint's field (`args->co` → `count`), or a function of a
// binary (`p:/usr/bin/bash:rea` → `readline`). Pure: the builder asks the agent for the candidates.

export type SpecCompletion =
  | { kind: 'tracepoint'; prefix: string; from: number; to: number }
  | { kind: 'field'; category: string; name: string; prefix: string; from: number; to: number }
  | { kind: 'symbol'; path: string; prefix: string; from: number; to: number };

/** The line of `text` the cursor is on, and the cursor's place in it. */
export function currentLine(text: string, cursor: number): { line: string; start: number; column: number } {
  const start = text.lastIndexOf('\n', cursor - 1) + 1;
  const endIndex = text.indexOf('\n', cursor);
  const line = text.slice(start, endIndex === -1 ? text.length : endIndex);
  return { line, start, column: cursor - start };
}

/** What to complete at `column` of one spec line (from and to: the part a pick replaces, in the line). */
export function completionAt(line: string, column: number): SpecCompletion | undefined {
  const before = line.slice(0, column);
  const tracepoint = /^\s*(?:t|tracepoint):([\w*]*(?::[\w*]*)?)$/.exec(before);
  if (tracepoint) {
    const prefix = tracepoint[1] ?? '';
    return { kind: 'tracepoint', prefix, from: column - prefix.length, to: column + (/^[\w:*]*/.exec(line.slice(column))?.[0].length ?? 0) };
  }
  const field = /^\s*(?:t|tracepoint):(\w+):(\w+)\b.*\bargs->(\w*)$/.exec(before);
  if (field) {
    const prefix = field[3] ?? '';
    return {
      kind: 'field',
      category: field[1] ?? '',
      name: field[2] ?? '',
      prefix,
      from: column - prefix.length,
      to: column + (/^\w*/.exec(line.slice(column))?.[0].length ?? 0),
    };
  }
  const symbol = /^\s*[pr]:(\/[^:\s]+):([\w*.]*)$/.exec(before);
  if (symbol) {
    const prefix = symbol[2] ?? '';
    return { kind: 'symbol', path: symbol[1] ?? '', prefix, from: column - prefix.length, to: column + (/^[\w.]*/.exec(line.slice(column))?.[0].length ?? 0) };
  }
  return undefined;
}

/** The text with a pick put in place of what it completes, and where the cursor goes after it. */
export function applyCompletion(
  text: string,
  lineStart: number,
  completion: Pick<SpecCompletion, 'from' | 'to'>,
  pick: string,
): { text: string; cursor: number } {
  const from = lineStart + completion.from;
  const to = lineStart + completion.to;
  return { text: text.slice(0, from) + pick + text.slice(to), cursor: from + pick.length };
}
