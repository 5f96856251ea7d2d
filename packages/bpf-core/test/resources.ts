// What a BPF test starts and must stop whether it passes or fails: tool sessions,
// child processes, directories and other undo steps (a loop device to detach, a
// server to close, network namespaces to delete).
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, beforeAll } from 'vitest';
import { requireBpf } from '../src/testing/kernel.js';

interface Closable {
  close(): Promise<void>;
}

export interface TestResources<Session extends Closable = Closable> {
  sessions: Session[];
  children: ChildProcess[];
  directories: string[];
  /** Run after the sessions close and before the directories go, newest first. */
  cleanups: Array<() => void>;
}

/** For a BPF test file: fails it where BPF cannot run, and after each test releases what it registered. */
export function bpfTestResources<Session extends Closable = Closable>(): TestResources<Session> {
  const resources: TestResources<Session> = { sessions: [], children: [], directories: [], cleanups: [] };
  beforeAll(() => requireBpf());
  afterEach(async () => {
    for (const child of resources.children.splice(0)) child.kill('SIGKILL');
    await Promise.all(resources.sessions.splice(0).map((session) => session.close()));
    for (const cleanup of resources.cleanups.splice(0).reverse()) cleanup();
    for (const directory of resources.directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  return resources;
}
