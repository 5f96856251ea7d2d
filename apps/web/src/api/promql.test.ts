import { describe, expect, it } from 'vitest';
import { agentPromqlError, directPromql, parsePrometheusAnswer, PromqlError } from './promql';

function answering(status: number, body: string, seen: Array<{ url: string; body: string }> = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(input), body: String(init?.body) });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

async function failure(promise: Promise<unknown>): Promise<PromqlError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PromqlError) return error;
    throw error;
  }
  throw new Error('it did not fail');
}

describe('PromQL straight to Prometheus', () => {
  it('posts the query as a form to the base URL’s API and checks the answer', async () => {
    const seen: Array<{ url: string; body: string }> = [];
    const vector = { status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'a:1' }, value: [1700000000.5, '1'] }] } };
    const client = directPromql('https://example.org/prometheus', { fetch: answering(200, JSON.stringify(vector), seen) });
    expect(client.where).toBe('https://example.org/prometheus');
    expect(await client.query('up{job=~"b"}', 1_700_000_000)).toEqual({ ...vector.data, warnings: [] });
    expect(seen[0]?.url).toBe('https://example.org/prometheus/api/v1/query');
    expect(new URLSearchParams(seen[0]?.body)).toEqual(new URLSearchParams({ query: 'up{job=~"b"}', time: '1700000000', timeout: '10s' }));
    await client.queryRange('up', { start: 1, end: 61, step: 3 });
    expect(seen[1]?.url).toBe('https://example.org/prometheus/api/v1/query_range');
    expect(new URLSearchParams(seen[1]?.body).get('step')).toBe('3');
  });

  it('says a bad query in Prometheus’s words, and other failures by their kind', async () => {
    const bad = JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:4: parse error: unexpected <by>' });
    const error = await failure(directPromql('http://p:9090', { fetch: answering(400, bad) }).query('up by', 1));
    expect(error).toMatchObject({ kind: 'bad-query', message: 'Prometheus: 1:4: parse error: unexpected <by>' });
    expect((await failure(directPromql('http://p:9090', { fetch: answering(200, '<html>login</html>') }).query('up', 1))).kind).toBe('upstream');
    const notAResult = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: ['x', 1] }] } });
    expect((await failure(directPromql('http://p:9090', { fetch: answering(200, notAResult) }).query('up', 1))).kind).toBe('upstream');
    const unreachable = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const down = await failure(directPromql('http://p:9090', { fetch: unreachable }).query('up', 1));
    expect(down.kind).toBe('unreachable');
    expect(down.message).toContain('through an agent');
  });

  it('gives up after its timeout', async () => {
    const hung = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const error = await failure(directPromql('http://p:9090', { fetch: hung, timeoutMs: 50 }).query('up', 1));
    expect(error).toMatchObject({ kind: 'timeout', message: 'Prometheus at http://p:9090 did not answer within 0.05 s' });
  });

  it('parses the answer’s warnings along', () => {
    const text = JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '2'] }, warnings: ['w'] });
    expect(parsePrometheusAnswer(text, 200, 'p')).toEqual({ resultType: 'scalar', result: [1, '2'], warnings: ['w'] });
  });
});

describe('PromQL through an agent', () => {
  it('turns the proxy’s tRPC codes back into the kinds of failure', () => {
    const error = (code: string, message: string) => Object.assign(new Error(message), { data: { code } });
    expect(agentPromqlError(error('BAD_REQUEST', 'Prometheus: parse error'), 'a:1').kind).toBe('bad-query');
    expect(agentPromqlError(error('GATEWAY_TIMEOUT', 'slow'), 'a:1').kind).toBe('timeout');
    expect(agentPromqlError(error('BAD_GATEWAY', 'Prometheus at http://p is unreachable: ECONNREFUSED'), 'a:1').kind).toBe('unreachable');
    expect(agentPromqlError(error('PRECONDITION_FAILED', 'this agent has no Prometheus to ask (--prometheus-url)'), 'a:1')).toMatchObject({
      kind: 'not-configured',
      message: 'a:1: this agent has no Prometheus to ask (--prometheus-url)',
    });
    expect(agentPromqlError(error('UNAUTHORIZED', 'no'), 'a:1')).toMatchObject({ kind: 'agent', message: expect.stringContaining('refused the token') });
  });
});
