// The agent's PromQL proxy against a real Prometheus (Debian's, on a loopback port of the test's own) that scrapes
// that same agent: a viewer's page asks the agent, the agent asks Prometheus. No BPF: the agent has a fake backend.
import { randomBytes } from 'node:crypto';
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSet } from '../src/auth/tokens.js';
import { parseAgentConfig } from '../src/env.js';
import { USE_THRESHOLDS } from '../src/overview/use.js';
import { listen } from '../src/server.js';
import type { RunningServer } from '../src/server.js';
import type { ToolBackend } from '../src/sessions/backend.js';
import { createAgentServices } from '../src/services/agentServices.js';
import { freePort, PrometheusServer } from '../src/testing/prometheus.js';
import { createClient } from './harness.js';
import type { AgentClient } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the PromQL proxy with a real Prometheus', () => {
  const viewerToken = randomBytes(32).toString('base64url');
  const metricsToken = randomBytes(32).toString('base64url');
  let prometheus: PrometheusServer | undefined;
  let server: RunningServer | undefined;
  let client: AgentClient;

  beforeAll(async () => {
    const port = await freePort();
    const config = parseAgentConfig(
      ['--data-dir', '/nonexistent', '--listen', '127.0.0.1:0', '--record', 'none', '--prometheus-url', `http://127.0.0.1:${port}`],
      {},
    );
    const services = createAgentServices({
      config,
      tokens: TokenSet.parse(`page viewer ${viewerToken}\nprom metrics ${metricsToken}\n`, 'tokens'),
      backend: { outputKind: () => 'table', normalizeParams: (_tool: string, params: unknown) => params } as unknown as ToolBackend,
      features: featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities),
      audit: () => undefined,
    });
    server = await listen(services);
    client = createClient(server.url, viewerToken);
    prometheus = await PrometheusServer.start({ port, targets: [{ address: new URL(server.url).host, token: metricsToken }] });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  it('answers a viewer’s instant and range queries with what Prometheus scraped from the agent', async () => {
    let up: Awaited<ReturnType<AgentClient['prometheus']['query']['query']>> | undefined;
    for (let attempt = 0; attempt < 60; attempt++) {
      up = await client.prometheus.query.query({ query: 'up{job="bpfscope-0"}' });
      if (up.resultType === 'vector' && up.result.length === 1) break;
      await sleep(500);
    }
    expect(up).toMatchObject({ resultType: 'vector', result: [{ metric: { job: 'bpfscope-0', agent: 'agent-0' }, value: [expect.any(Number), '1'] }] });
    await expect(client.prometheus.status.query()).resolves.toEqual({ configured: true, origin: prometheus?.url });
    const thresholds = await client.prometheus.query.query({ query: 'count(bpfscope_use_threshold_info)' });
    // Every threshold of the one table, as scraped.
    expect(thresholds).toMatchObject({ resultType: 'vector', result: [{ value: [expect.any(Number), String(Object.keys(USE_THRESHOLDS).length)] }] });

    await sleep(3000);
    const now = Math.floor(Date.now() / 1000);
    const range = await client.prometheus.queryRange.query({ query: 'up', start: now - 3, end: now, step: 1 });
    expect(range.resultType).toBe('matrix');
    expect(range.resultType === 'matrix' && range.result[0]?.values.length).toBeGreaterThanOrEqual(3);
  });

  it('says Prometheus’s own refusal of a bad query, and refuses a metrics token', async () => {
    await expect(client.prometheus.query.query({ query: 'rate(up' })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
      message: expect.stringContaining('Prometheus: '),
    });
    await expect(createClient(server?.url ?? '', metricsToken).prometheus.query.query({ query: 'up' })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });
});
