// The PromQL proxy against a stand-in Prometheus on loopback: what it sends, what it accepts back, and where it
// stops (time, size, shape); then through the router: who may ask, how often, and with what.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenSet } from '../auth/tokens.js';
import { createContextInner } from '../context.js';
import { parseAgentConfig } from '../env.js';
import { appRouter } from '../routers/_app.js';
import type { ToolBackend } from '../sessions/backend.js';
import { createAgentServices } from '../services/agentServices.js';
import { PromqlProxy, PromqlProxyError } from './promqlProxy.js';

interface Received {
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

/** A stand-in Prometheus answering every request with `answer`; records what it was sent. */
async function standIn(answer: (request: Received, response: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = { path: request.url ?? '', authorization: request.headers.authorization, form: new URLSearchParams(body) };
      received.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const vector = { status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'bpfscope' }, value: [1700000000, '1'] }] } };

describe('the PromQL proxy', () => {
  const servers: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('posts instant and range queries to the API, with Prometheus’s own timeout, and hands back the checked result', async () => {
    const prometheus = await standIn((_request, response) => json(response, 200, vector));
    servers.push(prometheus);
    const proxy = new PromqlProxy({ url: prometheus.url, timeoutMs: 5000 });
    await expect(proxy.query({ query: 'up', time: 1700000000 })).resolves.toEqual({ ...vector.data, warnings: [] });
    await proxy.queryRange({ query: 'rate(x[1m])', start: 100, end: 200, step: 10 });
    expect(prometheus.received.map(({ path, form }) => [path, Object.fromEntries(form)])).toEqual([
      ['/api/v1/query', { query: 'up', time: '1700000000', timeout: '5s' }],
      ['/api/v1/query_range', { query: 'rate(x[1m])', start: '100', end: '200', step: '10', timeout: '5s' }],
    ]);
  });

  it('sends credentials in the URL as basic auth, and never says them', async () => {
    const prometheus = await standIn((_request, response) => json(response, 200, vector));
    servers.push(prometheus);
    const proxy = new PromqlProxy({ url: prometheus.url.replace('http://', 'http://reader:s%40cret@') });
    await proxy.query({ query: 'up' });
    expect(prometheus.received[0]?.authorization).toBe(`Basic ${Buffer.from('reader:s@cret').toString('base64')}`);
    expect(proxy.origin).toBe(prometheus.url);
  });

  it('says what went wrong: the query, a timeout, a too-large answer, something not Prometheus, nobody there', async () => {
    const prometheus = await standIn((request, response) => {
      const query = request.form.get('query');
      if (query === 'bad(') json(response, 400, { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected end of input' });
      else if (query === 'slow') setTimeout(() => json(response, 200, vector), 1000);
      else if (query === 'huge') json(response, 200, { ...vector, padding: 'x'.repeat(10_000) });
      else if (query === 'html') response.end('<html>proxy error</html>');
      else json(response, 200, { status: 'success', data: { resultType: 'vector', result: 'nonsense' } });
    });
    servers.push(prometheus);
    const proxy = new PromqlProxy({ url: prometheus.url, timeoutMs: 300, maxResponseBytes: 4096 });
    const kind = (promise: Promise<unknown>) =>
      promise.then(
        () => 'answered',
        (error: unknown) => (error instanceof PromqlProxyError ? `${error.kind}: ${error.message}` : String(error)),
      );
    expect(await kind(proxy.query({ query: 'bad(' }))).toBe('bad-query: Prometheus: parse error: unexpected end of input');
    expect(await kind(proxy.query({ query: 'slow' }))).toMatch(/^timeout: /);
    expect(await kind(proxy.query({ query: 'huge' }))).toMatch(/^too-large: /);
    expect(await kind(proxy.query({ query: 'html' }))).toMatch(/^upstream: .* without Prometheus's API JSON/);
    expect(await kind(proxy.query({ query: 'shape' }))).toMatch(/^upstream: Prometheus's answer is not a query result/);
    expect(await kind(proxy.queryRange({ query: 'up', start: 0, end: 1e6, step: 1 }))).toMatch(/^bad-query: 1000001 points/);
    expect(await kind(new PromqlProxy({ url: 'http://127.0.0.1:1' }).query({ query: 'up' }))).toMatch(
      /^unreachable: Prometheus at http:\/\/127.0.0.1:1 is unreachable/,
    );
  });
});

describe('prometheus.* procedures', () => {
  const viewerToken = 'v'.repeat(43);
  const metricsToken = 'm'.repeat(43);
  const tokens = TokenSet.parse(`bob viewer ${viewerToken}\nprom metrics ${metricsToken}\n`, 'tokens');
  const backend = { outputKind: () => 'table', normalizeParams: (_tool: string, params: unknown) => params, start: () => undefined } as unknown as ToolBackend;
  const features = featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities);
  const servers: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  function caller(flags: string[], token = viewerToken) {
    const services = createAgentServices({
      config: parseAgentConfig(['--data-dir', '/nonexistent', ...flags], {}),
      tokens,
      backend,
      features,
      audit: () => undefined,
    });
    return { services, call: appRouter.createCaller(createContextInner({ services, presentedToken: token })) };
  }

  it('answer PRECONDITION_FAILED without --prometheus-url, and FORBIDDEN to a metrics token', async () => {
    const { call } = caller([]);
    await expect(call.prometheus.status()).resolves.toEqual({ configured: false, origin: null });
    await expect(call.prometheus.query({ query: 'up' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('--prometheus-url'),
    });
    await expect(caller(['--prometheus-url', 'http://127.0.0.1:9'], metricsToken).call.prometheus.query({ query: 'up' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('validate and bound inputs, map Prometheus’s refusals, and limit each token’s rate', async () => {
    const prometheus = await standIn((request, response) =>
      request.form.get('query') === 'bad('
        ? json(response, 400, { status: 'error', errorType: 'bad_data', error: 'parse error' })
        : json(response, 200, vector),
    );
    servers.push(prometheus);
    const { call, services } = caller(['--prometheus-url', prometheus.url]);
    await expect(call.prometheus.status()).resolves.toEqual({ configured: true, origin: prometheus.url });
    await expect(call.prometheus.query({ query: 'up' })).resolves.toMatchObject({ resultType: 'vector' });
    await expect(call.prometheus.query({ query: 'bad(' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'Prometheus: parse error' });
    await expect(call.prometheus.query({ query: 'x'.repeat(5000) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.prometheus.queryRange({ query: 'up', start: 200, end: 100, step: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.prometheus.queryRange({ query: 'up', start: 0, end: 40 * 86_400, step: 3600 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.prometheus.queryRange({ query: 'up', start: 0, end: 86_400, step: 1 })).rejects.toThrow('at most 11000 points');
    // Nothing invalid reached Prometheus.
    expect(prometheus.received.map((request) => request.form.get('query'))).toEqual(['up', 'bad(']);
    while (services.promqlLimiter.take('bob'));
    await expect(call.prometheus.query({ query: 'up' })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});
