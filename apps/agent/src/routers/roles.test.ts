// Token roles: a viewer watches, an operator also attaches custom probes, a metrics
// token may use no procedure. Through createCaller, then over HTTP on loopback.
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenSet } from '../auth/tokens.js';
import { createContextInner } from '../context.js';
import { parseAgentConfig } from '../env.js';
import { listen } from '../server.js';
import type { RunningServer } from '../server.js';
import type { BackendSession, ToolBackend } from '../sessions/backend.js';
import { createAgentServices } from '../services/agentServices.js';
import { appRouter } from './_app.js';

const operatorToken = 'o'.repeat(43);
const viewerToken = 'v'.repeat(43);
const metricsToken = 'm'.repeat(43);
const tokens = TokenSet.parse(`alice operator ${operatorToken}\nbob viewer ${viewerToken}\nprom metrics ${metricsToken}\n`, 'tokens');

/** execsnoop is a fixed tool, `trace` a custom probe (a table), `stackcount` a custom stack probe. */
function backend(): ToolBackend & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    outputKind: (tool) => (tool === 'stackcount' ? 'stacks' : 'table'),
    isCustomProbe: (tool) => tool === 'trace' || tool === 'stackcount',
    normalizeParams: (_tool, params) => params,
    start: (tool): BackendSession => {
      started.push(tool);
      return {
        attachMethod: 'tracepoint',
        onRows: () => () => undefined,
        collectStacks: () => ({ stacks: [], durationMs: 0, startedAt: 0 }) as never,
        stats: () => ({ events: 0, kernelDrops: 0, userDrops: 0 }),
        programIds: () => [],
        close: async () => undefined,
      };
    },
  };
}

const allFeatures = featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities);

function agent(flags: string[] = []) {
  const config = parseAgentConfig(['--data-dir', '/nonexistent', ...flags], {});
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
  const as = (presentedToken: string) => appRouter.createCaller(createContextInner({ services, presentedToken }));
  return { services, backend: fake, audit, as };
}

describe('token roles through the router', () => {
  it('let a viewer use fixed tools and refuse it custom probes with FORBIDDEN, attaching nothing', async () => {
    const { as, backend: fake, services } = agent();
    const viewer = as(viewerToken);
    await expect(viewer.sessions.start({ tool: 'execsnoop', params: {} })).resolves.toMatchObject({ shared: false });
    const refusal = viewer.sessions.start({ tool: 'trace', params: {} });
    await expect(refusal).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(refusal).rejects.toThrow('trace (a custom probe) needs an operator token; bob has the viewer role only');
    await expect(viewer.profiles.start({ tool: 'stackcount', params: {}, durationSeconds: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(fake.started).toEqual(['execsnoop']);
    await services.sessions.closeAll();
  });

  it('let an operator start custom probes, audited with its name and roles', async () => {
    const { as, backend: fake, audit, services } = agent();
    await expect(as(operatorToken).sessions.start({ tool: 'trace', params: {} })).resolves.toMatchObject({ attachMethod: 'tracepoint' });
    expect(fake.started).toEqual(['trace']);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'attach', tool: 'trace', who: 'alice', roles: ['operator'] }));
    expect(JSON.stringify(audit)).not.toContain(operatorToken);
    await services.sessions.closeAll();
  });

  it('refuse a metrics token every procedure, saying it may only read /metrics', async () => {
    const { as } = agent();
    const scraper = as(metricsToken);
    await expect(scraper.tools.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(scraper.sessions.list()).rejects.toThrow('needs a viewer or operator token; prom has the metrics role only');
    await expect(scraper.host.info()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keep a viewer to the token that started it: its id shown in sessions.list is no key for another token', async () => {
    const { as, audit, services } = agent();
    const bobs = await as(viewerToken).sessions.start({ tool: 'execsnoop', params: {} });
    const listed = (await as(operatorToken).sessions.list())[0]?.viewers.map((viewer) => viewer.id);
    expect(listed).toEqual([bobs.id]);
    const id = bobs.id;
    const operator = as(operatorToken);
    // Another token gets what an unknown id gets, so it cannot even tell the viewer exists.
    await expect((await operator.sessions.stream({ id }))[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(operator.sessions.renew({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const range = { from: 0, to: Date.now() };
    await expect(operator.snapshots.createTable({ sessionId: id, title: 'theirs', range })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(services.sessions.list()[0]?.viewers).toHaveLength(1);
    // An operator may stop it (a probe that costs the host too much), audited as the one who stopped it.
    await expect(operator.sessions.stop({ id })).resolves.toEqual({ stopped: true });
    expect(services.sessions.list()[0]?.viewers).toEqual([]);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'viewer-stop', who: 'bob', stoppedBy: 'alice', reason: 'stopped' }));
    await services.sessions.closeAll();
  });

  it('let a viewer-role token stop only its own viewers', async () => {
    const { as, services } = agent();
    const alices = await as(operatorToken).sessions.start({ tool: 'execsnoop', params: {} });
    await expect(as(viewerToken).sessions.stop({ id: alices.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(services.sessions.list()[0]?.viewers).toHaveLength(1);
    const bobs = await as(viewerToken).sessions.start({ tool: 'execsnoop', params: {} });
    await expect(as(viewerToken).sessions.stop({ id: bobs.id })).resolves.toEqual({ stopped: true });
    await services.sessions.closeAll();
  });

  it('keep a stack capture to the token that started it, an operator’s custom stack probe included', async () => {
    const { as, services } = agent();
    const capture = await as(operatorToken).profiles.start({ tool: 'stackcount', params: {}, durationSeconds: 1 });
    const viewer = as(viewerToken);
    expect((await viewer.profiles.list()).map((listed) => listed.id)).toEqual([capture.id]);
    await expect(viewer.profiles.get({ id: capture.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(viewer.snapshots.createProfile({ captureId: capture.id, title: 'theirs' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(viewer.profiles.stop({ id: capture.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(operatorToken).profiles.get({ id: capture.id })).resolves.toMatchObject({ id: capture.id });
    await services.sessions.closeAll();
  });

  it('tell each caller who it is, and the catalog which tools are custom probes', async () => {
    const { as } = agent();
    expect((await as(viewerToken).host.info()).caller).toEqual({ name: 'bob', roles: ['viewer'] });
    expect((await as(operatorToken).host.info()).caller).toEqual({ name: 'alice', roles: ['operator'] });
    expect((await as(viewerToken).tools.list()).every((tool) => typeof tool.custom === 'boolean')).toBe(true);
  });
});

describe('token roles over HTTP', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answer 401 to a wrong token, FORBIDDEN with the role to a viewer starting a custom probe and to a metrics token', async () => {
    const { services } = agent(['--listen', '127.0.0.1:0']);
    server = await listen(services);
    const call = (token: string, procedure: string, input: unknown, method: 'GET' | 'POST') =>
      fetch(`${server?.url}/trpc/${procedure}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify(input) : undefined,
      });
    expect((await call('x'.repeat(43), 'tools.list', undefined, 'GET')).status).toBe(401);

    const viewerStart = await call(viewerToken, 'sessions.start', { tool: 'trace', params: {} }, 'POST');
    expect(viewerStart.status).toBe(403);
    const body = (await viewerStart.json()) as { error: { message: string; data: { code: string; requiredRole: string } } };
    expect(body.error).toMatchObject({ message: expect.stringContaining('needs an operator token'), data: { code: 'FORBIDDEN', requiredRole: 'operator' } });

    const metrics = await call(metricsToken, 'tools.list', undefined, 'GET');
    expect(metrics.status).toBe(403);
    expect(((await metrics.json()) as { error: { data: { requiredRole: string } } }).error.data.requiredRole).toBe('viewer');

    expect((await call(viewerToken, 'sessions.start', { tool: 'execsnoop', params: {} }, 'POST')).status).toBe(200);
    expect((await call(operatorToken, 'sessions.start', { tool: 'trace', params: {} }, 'POST')).status).toBe(200);
    await services.sessions.closeAll();
  });
});
