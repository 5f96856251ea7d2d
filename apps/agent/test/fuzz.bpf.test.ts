// 1,000 random or malformed inputs to every procedure (20), over real HTTP: the agent
// answers each with a typed error (or, rarely, a valid result), never crashes,
// never leaks a stack trace, and leaves no BPF program behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/testing/seededRandom.js';
import type { TestAgent } from './harness.js';
import { eventually, kernelProgramIds, requireBpf, startTestAgent } from './harness.js';

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 7 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.floor((next() - 0.5) * 2 ** (next() * 60));
    case 3:
      return next() < 0.2 ? Number.MAX_SAFE_INTEGER + next() : (next() - 0.5) * 1e6;
    case 4:
      return ['execsnoop', 'tcplife', 'profile', '', 'EXECSNOOP', '../../etc/passwd', '\u0000', '💥', crypto.randomUUID()][Math.floor(next() * 9)];
    case 5:
      return 'x'.repeat(Math.floor(next() * (next() < 0.1 ? 100_000 : 100)));
    case 6:
      return String.fromCharCode(...Array.from({ length: Math.floor(next() * 20) }, () => Math.floor(next() * 0xffff)));
    case 7:
      return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
    default: {
      const keys = [
        'tool',
        'params',
        'id',
        'pid',
        'uid',
        'localPorts',
        'maxArgs',
        'includeFailed',
        '__proto__',
        'constructor',
        'sessionId',
        'title',
        'range',
        'from',
        'to',
        'selection',
        'durationSeconds',
        'captureId',
        'frequency',
        'limit',
        'prefix',
        'path',
        'category',
        'name',
      ];
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [keys[Math.floor(next() * keys.length)] as string, randomValue(next, depth + 1)]),
      );
    }
  }
}

const procedures: Array<{ path: string; kind: 'query' | 'mutation' | 'subscription' }> = [
  { path: 'host.info', kind: 'query' },
  { path: 'tools.list', kind: 'query' },
  { path: 'sessions.list', kind: 'query' },
  { path: 'sessions.start', kind: 'mutation' },
  { path: 'sessions.stop', kind: 'mutation' },
  { path: 'sessions.stream', kind: 'subscription' },
  { path: 'snapshots.create', kind: 'mutation' },
  { path: 'snapshots.get', kind: 'query' },
  { path: 'snapshots.list', kind: 'query' },
  { path: 'snapshots.rename', kind: 'mutation' },
  { path: 'snapshots.delete', kind: 'mutation' },
  { path: 'snapshots.createProfile', kind: 'mutation' },
  { path: 'profiles.start', kind: 'mutation' },
  { path: 'profiles.get', kind: 'query' },
  { path: 'profiles.stop', kind: 'mutation' },
  { path: 'profiles.list', kind: 'query' },
  { path: 'probes.tracepoints', kind: 'query' },
  { path: 'probes.tracepointFields', kind: 'query' },
  { path: 'probes.binaries', kind: 'query' },
  { path: 'probes.symbols', kind: 'query' },
];

const typedErrorCodes = [
  'BAD_REQUEST',
  'NOT_FOUND',
  'PARSE_ERROR',
  'METHOD_NOT_SUPPORTED',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'PRECONDITION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
];

describe('fuzzing every procedure', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    requireBpf();
    agent = await startTestAgent(['--grace-period-seconds', '0.2']);
  });
  afterAll(async () => {
    await agent?.close();
  });

  it('answers 1,000 random inputs per procedure with typed errors and leaks nothing', async () => {
    const before = kernelProgramIds();
    const next = seededRandom(20261125);
    const headers = { authorization: `Bearer ${agent.token}` };
    const outcomes = new Map<string, number>();
    for (const procedure of procedures) {
      for (let i = 0; i < 1000; i++) {
        const input = randomValue(next);
        let response: Response;
        const malformed = next() < 0.1;
        if (procedure.kind === 'mutation') {
          const body = malformed ? '{"tool": "execsnoop", ' + 'x'.repeat(Math.floor(next() * 100)) : JSON.stringify(input ?? null);
          response = await fetch(`${agent.url}/trpc/${procedure.path}`, {
            method: 'POST',
            headers: { ...headers, 'content-type': next() < 0.9 ? 'application/json' : 'text/plain' },
            body,
          });
        } else {
          const encoded = malformed ? '%7B%22id' : encodeURIComponent(JSON.stringify(input ?? null));
          const accept: Record<string, string> = procedure.kind === 'subscription' && next() < 0.5 ? { accept: 'text/event-stream' } : {};
          response = await fetch(`${agent.url}/trpc/${procedure.path}?input=${encoded}`, { headers: { ...headers, ...accept } });
        }
        const text = await response.text();
        expect(response.status, `${procedure.path} ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        let code = 'OK';
        if (response.status === 431) {
          // Node's HTTP parser refuses a URL over its 16 KB header limit before any handler runs.
          code = 'HEADERS_TOO_LARGE';
        } else if (response.status >= 400) {
          const body = JSON.parse(text) as { error: { json?: unknown; data?: { code?: string }; code?: string } };
          code = body.error.data?.code ?? body.error.code ?? 'UNTYPED';
          expect(typedErrorCodes, `${procedure.path}: ${text.slice(0, 300)}`).toContain(code);
        } else if (procedure.kind === 'subscription' && text.includes('serialized-error')) {
          code = 'SSE_ERROR';
          expect(text).toMatch(/"code":"(BAD_REQUEST|NOT_FOUND)"|BAD_REQUEST|NOT_FOUND/);
        }
        const key = `${procedure.path} ${response.status} ${code}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    }
    // The agent is still healthy and answers a real request.
    expect((await agent.client.host.info.query()).kernel).toMatch(/\d/);
    for (const session of await agent.client.sessions.list.query()) {
      for (const viewer of session.viewers) await agent.client.sessions.stop.mutate({ id: viewer.id });
    }
    expect(await eventually(() => [...kernelProgramIds()].every((id) => before.has(id)), 5000)).toBe(true);
    // Each procedure saw errors, so the inputs were not all trivially accepted.
    for (const procedure of [
      'sessions.start',
      'sessions.stop',
      'sessions.stream',
      'snapshots.create',
      'snapshots.get',
      'snapshots.delete',
      'profiles.start',
      'profiles.get',
      'probes.tracepointFields',
      'probes.binaries',
      'probes.symbols',
    ]) {
      expect([...outcomes.keys()].some((key) => key.startsWith(`${procedure} 4`))).toBe(true);
    }
  });
});
