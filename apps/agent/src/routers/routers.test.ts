// Router tests through createCaller with a fake backend: no HTTP, no kernel.
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';
import { describe, expect, it } from 'vitest';
import { createContextInner } from '../context.js';
import { parseAgentConfig } from '../env.js';
import type { BackendSession, ToolBackend } from '../sessions/backend.js';
import { createAgentServices } from '../services/agentServices.js';
import { appRouter } from './_app.js';

const token = 'a'.repeat(43);

function fakeBackend(): ToolBackend & { started: number } {
  const backend = {
    started: 0,
    normalizeParams: (tool: string, params: unknown) => {
      if (tool !== 'execsnoop') throw Object.assign(new Error(`unknown tool "${tool}"`), { name: 'ToolError' });
      return params;
    },
    start: (): BackendSession => {
      backend.started++;
      return {
        attachMethod: 'tracepoint',
        onRows: () => () => undefined,
        stats: () => ({ events: 0, kernelDrops: 0, userDrops: 0 }),
        programIds: () => [1, 2],
        close: async () => undefined,
      };
    },
  };
  return backend;
}

const allFeatures = featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities);

function caller(options: { presentedToken?: string; startsPerMinute?: number } = {}) {
  const config = parseAgentConfig(['--data-dir', '/nonexistent', '--starts-per-minute', String(options.startsPerMinute ?? 30)], {});
  const backend = fakeBackend();
  const services = createAgentServices({ config, token, backend, features: allFeatures, audit: () => undefined });
  return { call: appRouter.createCaller(createContextInner({ services, presentedToken: options.presentedToken })), backend, services };
}

describe('routers', () => {
  it('refuse a caller without the right token, on every procedure', async () => {
    for (const presentedToken of [undefined, 'wrong', `${token}x`]) {
      const { call, backend } = caller({ presentedToken });
      await expect(call.tools.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(call.sessions.start({ tool: 'execsnoop', params: {} })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(call.sessions.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      expect(backend.started).toBe(0);
    }
  });

  it('rate-limits sessions.start per token', async () => {
    const { call, services } = caller({ presentedToken: token, startsPerMinute: 3 });
    for (let i = 0; i < 3; i++) await call.sessions.start({ tool: 'execsnoop', params: { i } });
    await expect(call.sessions.start({ tool: 'execsnoop', params: { i: 4 } })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await services.sessions.closeAll();
  });

  it('validates start input before anything runs', async () => {
    const { call, backend } = caller({ presentedToken: token });
    await expect(call.sessions.start({ tool: 'Bad Name', params: {} })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.sessions.start({ tool: 'execsnoop', params: { blob: 'x'.repeat(5000) } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.sessions.stop({ id: 'not-a-uuid' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(backend.started).toBe(0);
  });

  it('lists tools with their JSON schema and support', async () => {
    const { call } = caller({ presentedToken: token });
    const tools = await call.tools.list();
    expect(tools.map((tool) => tool.name)).toEqual(['execsnoop', 'tcplife', 'biolatency', 'runqlat', 'gethostlatency', 'fsslower', 'ext4slower']);
    expect(tools.find((tool) => tool.name === 'biolatency')).toMatchObject({ outputKind: 'histogram', columns: [], heatMap: { measure: 'block I/O latency' } });
    expect(tools.find((tool) => tool.name === 'tcplife')?.heatMap).toEqual({ measure: 'TCP session duration' });
    expect(tools[0]?.paramsJsonSchema).toMatchObject({ type: 'object', additionalProperties: false });
  });
});
