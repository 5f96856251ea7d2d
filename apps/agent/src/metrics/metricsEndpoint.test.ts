// /metrics over HTTP on loopback with a fake backend: who may read it, from which origins, in which format, and
// counts equal to the frames the flight recorder was handed.
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from '../../test/exposition.js';
import { TokenSet } from '../auth/tokens.js';
import { parseAgentConfig } from '../env.js';
import { listen } from '../server.js';
import type { RunningServer } from '../server.js';
import type { BackendSession, HistogramFrame, ToolBackend } from '../sessions/backend.js';
import { createAgentServices } from '../services/agentServices.js';
import { startFlightRecorder } from '../services/flightRecorder.js';

const operatorToken = 'o'.repeat(43);
const viewerToken = 'v'.repeat(43);
const metricsToken = 'm'.repeat(43);
const tokens = TokenSet.parse(`alice operator ${operatorToken}\nbob viewer ${viewerToken}\nprom metrics ${metricsToken}\n`, 'tokens');

/** runqlat gives frames when the test pushes them, with kernel-like program statistics. */
function backend(): ToolBackend & { push(frame: HistogramFrame): void } {
  const listeners = new Set<(frame: HistogramFrame) => void>();
  return {
    push: (frame) => listeners.forEach((listener) => listener(frame)),
    outputKind: () => 'histogram',
    normalizeParams: (_tool, params) => params,
    start: (): BackendSession => ({
      attachMethod: 'tp_btf',
      histogram: { measure: 'run queue latency', unit: 'usecs' },
      onFrame: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onRows: () => () => undefined,
      stats: () => ({ events: 42, kernelDrops: 1, userDrops: 0 }),
      programStats: () => ({ runTimeNs: 3_000_000, runCount: 42, recursionMisses: 0, programs: [] }),
      programIds: () => [7],
      close: async () => undefined,
    }),
  };
}

const allFeatures = featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities);

describe('/metrics over HTTP', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function agent() {
    const config = parseAgentConfig(
      ['--data-dir', '/nonexistent', '--listen', '127.0.0.1:0', '--record', 'runqlat', '--allow-origin', 'http://dash.example:3000'],
      {},
    );
    const fake = backend();
    const audit: unknown[] = [];
    const services = createAgentServices({
      config,
      tokens,
      backend: fake,
      features: allFeatures,
      audit: (event) => audit.push(event),
      enableBpfStats: () => ({ close: () => undefined }),
    });
    startFlightRecorder(services);
    server = await listen(services);
    const scrape = (headers: Record<string, string> = {}) => fetch(`${server?.url}/metrics`, { headers });
    return { services, fake, audit, scrape };
  }

  it('needs a bearer token of any role, a metrics token included, and never says the token back', async () => {
    const { scrape, services } = await agent();
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="bpfscope"');
    const wrong = await scrape({ authorization: `Bearer ${'x'.repeat(43)}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('x'.repeat(43));
    // Never from a URL, where it would end up in logs.
    expect((await fetch(`${server?.url}/metrics?token=${metricsToken}`)).status).toBe(401);
    for (const token of [metricsToken, viewerToken, operatorToken]) {
      const response = await scrape({ authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await response.text();
      expect(body).toContain('bpfscope_recorder_recording{tool="runqlat"} 1');
      expect(body).not.toContain(token);
    }
    // …and a metrics token is refused every procedure.
    const trpc = await fetch(`${server?.url}/trpc/tools.list`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(trpc.status).toBe(403);
    await services.sessions.closeAll();
  });

  it('answers the origins /trpc answers and refuses others', async () => {
    const { scrape, services } = await agent();
    const foreign = await scrape({ authorization: `Bearer ${metricsToken}`, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const allowed = await scrape({ authorization: `Bearer ${metricsToken}`, origin: 'http://dash.example:3000' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dash.example:3000');
    const preflight = await fetch(`${server?.url}/metrics`, { method: 'OPTIONS', headers: { origin: 'http://dash.example:3000' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    await services.sessions.closeAll();
  });

  it('counts exactly the frames the flight recorder was handed, in the format asked for', async () => {
    const { scrape, fake, services } = await agent();
    const frames: HistogramFrame[] = [1, 2, 3].map((second) => ({
      time: 1_700_000_000_000 + second * 1000,
      intervalMs: 1000,
      unit: 'usecs',
      series: [{ label: '', counts: [second, 0, 10 * second] }],
    }));
    for (const frame of frames) fake.push(frame);
    const prometheus = await scrape({ authorization: `Bearer ${metricsToken}` });
    expect(prometheus.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = parseExposition(await prometheus.text());
    expect(valueOf(exposition, 'bpfscope_runqlat_seconds_bucket', { le: '0.000002' })).toBe(6);
    expect(valueOf(exposition, 'bpfscope_runqlat_seconds_bucket', { le: '0.000004' })).toBe(6);
    expect(valueOf(exposition, 'bpfscope_runqlat_seconds_bucket', { le: '0.000008' })).toBe(66);
    expect(valueOf(exposition, 'bpfscope_runqlat_seconds_count')).toBe(66);
    expect(valueOf(exposition, 'bpfscope_recorder_frames_total', { tool: 'runqlat' })).toBe(3);
    const [session] = services.sessions.counters();
    expect(valueOf(exposition, 'bpfscope_session_bpf_cpu_seconds_total', { tool: 'runqlat', attachment: session?.attachmentId ?? '' })).toBe(0.003);
    expect(valueOf(exposition, 'bpfscope_session_kernel_drops_total', { tool: 'runqlat', attachment: session?.attachmentId ?? '' })).toBe(1);
    // A scrape keeps every session measured for a while, as a look at sessions.list does.
    expect(valueOf(exposition, 'bpfscope_bpf_stats_enabled')).toBe(1);

    const openMetrics = await scrape({
      authorization: `Bearer ${metricsToken}`,
      accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    });
    expect(openMetrics.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect((await openMetrics.text()).endsWith('# EOF\n')).toBe(true);
    await services.sessions.closeAll();
  });
});
