import { describe, expect, it } from 'vitest';
import { probeAgent, probeProblem } from './hostProbe';

type Answer = 'ok' | 'not-found' | 'network' | 'hang';

/** A fetch that answers by request mode, as a browser would: a CORS failure and a closed port both reject. */
function fakeFetch(answers: { cors: Answer; 'no-cors'?: Answer }) {
  const calls: Array<{ url: string; mode?: RequestMode; headers?: HeadersInit; credentials?: RequestCredentials }> = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), mode: init?.mode, headers: init?.headers, credentials: init?.credentials });
    const answer = answers[(init?.mode ?? 'cors') as 'cors' | 'no-cors'];
    if (answer === 'ok') return new Response('{"ok":true}', { status: 200 });
    if (answer === 'not-found') return new Response('no', { status: 404 });
    if (answer === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('probing a host before asking for a token', () => {
  it('calls a host that answers its health check with CORS reachable, asking nothing else and sending no credentials', async () => {
    const { calls, fetchImpl } = fakeFetch({ cors: 'ok' });
    expect(await probeAgent('127.0.0.1:7070', { fetch: fetchImpl })).toEqual({ kind: 'reachable' });
    expect(calls).toEqual([{ url: 'http://127.0.0.1:7070/healthz', mode: 'cors', headers: undefined, credentials: 'omit' }]);
    expect(probeProblem('127.0.0.1:7070', { kind: 'reachable' }, 'http://127.0.0.1:7070')).toBeUndefined();
  });

  it("tells a host that refuses this page's origin from one where nothing answers", async () => {
    const refused = fakeFetch({ cors: 'network', 'no-cors': 'ok' });
    expect(await probeAgent('10.0.0.7:7070', { fetch: refused.fetchImpl })).toEqual({ kind: 'origin-refused' });
    expect(refused.calls.map((call) => call.mode)).toEqual(['cors', 'no-cors']);
    const problem = probeProblem('10.0.0.7:7070', { kind: 'origin-refused' }, 'http://127.0.0.1:7070');
    expect(problem).toEqual({ kind: 'forbidden', message: expect.stringContaining('--allow-origin http://127.0.0.1:7070') });

    const nothing = fakeFetch({ cors: 'network', 'no-cors': 'network' });
    const result = await probeAgent('127.0.0.1:7999', { fetch: nothing.fetchImpl });
    expect(result).toEqual({ kind: 'unreachable', timedOut: false });
    expect(probeProblem('127.0.0.1:7999', result, 'http://127.0.0.1:7070')).toEqual({
      kind: 'unreachable',
      message: '127.0.0.1:7999 is unreachable: nothing answers at http://127.0.0.1:7999 (is the agent running, and is the port right?)',
    });
  });

  it('gives up on a host that does not answer in time, and says so', async () => {
    const { calls, fetchImpl } = fakeFetch({ cors: 'hang' });
    const result = await probeAgent('10.9.9.9:7070', { fetch: fetchImpl, timeoutMs: 20 });
    expect(result).toEqual({ kind: 'unreachable', timedOut: true });
    expect(calls).toHaveLength(1);
    expect(probeProblem('10.9.9.9:7070', result, 'http://a:1', 4000)?.message).toMatch(
      /^10\.9\.9\.9:7070 is unreachable: no answer from http:\/\/10\.9\.9\.9:7070 within 4 s/,
    );
  });

  it('says when something other than an agent answers', async () => {
    const { fetchImpl } = fakeFetch({ cors: 'not-found' });
    const result = await probeAgent('127.0.0.1:8080', { fetch: fetchImpl });
    expect(result).toEqual({ kind: 'not-agent', httpStatus: 404 });
    expect(probeProblem('127.0.0.1:8080', result, 'http://a:1')).toEqual({
      kind: 'failed',
      message: '127.0.0.1:8080 answered HTTP 404 at /healthz: is it a bpfscope agent?',
    });
  });
});
