// Workload processes of the BPF tests: their pid, and the JSON lines they print.
import { once } from 'node:events';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Each complete JSON line the child prints, as it prints it; `done` settles on exit with all of them. */
export function jsonLines<Line>(child: ChildProcessByStdio<null, Readable, Readable>): {
  next: () => Promise<Line>;
  done: Promise<{ code: number | null; lines: Line[]; stderr: string }>;
} {
  const lines: Line[] = [];
  const waiting: Array<(line: Line) => void> = [];
  let buffered = '';
  let stderr = '';
  let read = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(buffered.slice(0, newline)) as Line);
      buffered = buffered.slice(newline + 1);
      if (waiting.length > 0 && read < lines.length) waiting.shift()?.(lines[read++] as Line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = once(child, 'exit').then(([code]) => ({ code: code as number | null, lines, stderr }));
  const next = () =>
    new Promise<Line>((resolve, reject) => {
      if (read < lines.length) resolve(lines[read++] as Line);
      else {
        waiting.push(resolve);
        void done.then(({ code }) => reject(new Error(`workload exited (${code}) before its next line: ${stderr}`)));
      }
    });
  return { next, done };
}
