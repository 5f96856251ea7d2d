// Flame-graph snapshots through createCaller: a fake stack tool, a fake symbolizer, no kernel.
import { featureSourceOf } from '@bpfscope/bpf-core';
import type { Capabilities, FoldedProfile, RawStackProfile } from '@bpfscope/bpf-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unpackProfile } from '@bpfscope/formats';
import { describe, expect, it } from 'vitest';
import { createContextInner } from '../context.js';
import { parseAgentConfig } from '../env.js';
import type { BackendSession, ToolBackend } from '../sessions/backend.js';
import { createAgentServices } from '../services/agentServices.js';
import { appRouter } from './_app.js';

const token = 'b'.repeat(43);

const stackBackend: ToolBackend = {
  outputKind: () => 'stacks',
  normalizeParams: (_tool, params) => params,
  start: (): BackendSession => ({
    attachMethod: 'perf_event',
    onRows: () => () => undefined,
    collectStacks: (): RawStackProfile => ({
      unit: 'samples',
      stacks: [],
      startedAt: Date.now(),
      durationMs: 200,
      lostStacks: 0,
      truncatedStacks: 0,
      droppedSamples: 0,
    }),
    stats: () => ({ events: 0, kernelDrops: 0, userDrops: 0 }),
    programIds: () => [1],
    close: async () => undefined,
  }),
};

const folded = (raw: RawStackProfile): FoldedProfile => ({
  unit: raw.unit,
  stacks: [{ frames: ['app', 'main', 'hot'], value: 9 }],
  startedAt: raw.startedAt,
  durationMs: raw.durationMs,
  stats: { lostStacks: 0, truncatedStacks: 0, droppedSamples: 0, unknownFrames: 0, shortUserStacks: 0, symbolCacheHits: 0, symbolCacheMisses: 0 },
});

function caller() {
  const config = parseAgentConfig(['--data-dir', mkdtempSync(path.join(tmpdir(), 'bpfscope-snapshots-')), '--snapshot-store-mb', '16'], {});
  const features = featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities);
  const services = createAgentServices({
    config,
    token,
    backend: stackBackend,
    features,
    audit: () => undefined,
    symbolize: folded,
    enableBpfStats: () => ({ close: () => undefined }),
  });
  return { call: appRouter.createCaller(createContextInner({ services, presentedToken: token })), services };
}

async function finishedCapture(call: ReturnType<typeof caller>['call']): Promise<string> {
  const started = await call.profiles.start({ tool: 'profile', params: {}, durationSeconds: 0.2 });
  for (let tries = 0; tries < 50; tries++) {
    if ((await call.profiles.get({ id: started.id })).state === 'done') return started.id;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the capture did not finish');
}

describe('flame-graph snapshots', () => {
  it('keep the zoomed frame as its frame path, and reopen with it', async () => {
    const { call, services } = caller();
    const captureId = await finishedCapture(call);
    const summary = await call.snapshots.createProfile({ captureId, title: 'zoomed', search: 'hot', inverted: false, zoom: ['app', 'main'] });
    const snapshot = await call.snapshots.get({ id: summary.id });
    expect(snapshot.view).toMatchObject({ search: 'hot', inverted: false, zoom: ['app', 'main'] });
    // No zoom is kept as none.
    const plain = await call.snapshots.createProfile({ captureId, title: 'whole', zoom: [] });
    expect((await call.snapshots.get({ id: plain.id })).view).not.toHaveProperty('zoom');
    services.snapshots().close();
  });

  it('refuse a zoom that is not a bounded list of frames, saving nothing', async () => {
    const { call, services } = caller();
    const captureId = await finishedCapture(call);
    for (const zoom of [[''], Array.from({ length: 513 }, () => 'f'), ['x'.repeat(4097)], Array.from({ length: 20 }, () => 'y'.repeat(4000)), 'app;main']) {
      await expect(call.snapshots.createProfile({ captureId, title: 'bad', zoom: zoom as string[] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(await call.snapshots.list()).toEqual([]);
    services.snapshots().close();
  });

  it('answer a profile and its snapshot packed when asked, the same profile as the JSON form', async () => {
    const { call, services } = caller();
    const captureId = await finishedCapture(call);
    const json = await call.profiles.get({ id: captureId });
    expect(json.profile?.stacks).toEqual([{ frames: ['app', 'main', 'hot'], value: 9 }]);
    expect(json).not.toHaveProperty('packedProfile');
    const packed = await call.profiles.get({ id: captureId, form: 'packed' });
    expect(packed).not.toHaveProperty('profile');
    expect(packed.packedProfile?.frameNames).toEqual(['app', 'main', 'hot']);
    expect(unpackProfile(JSON.parse(JSON.stringify(packed.packedProfile)))).toEqual(json.profile);
    const summary = await call.snapshots.createProfile({ captureId, title: 'packed', zoom: [] });
    const snapshot = await call.snapshots.get({ id: summary.id, form: 'packed' });
    expect(snapshot).not.toHaveProperty('profile');
    expect(unpackProfile(snapshot.packedProfile)).toEqual((await call.snapshots.get({ id: summary.id })).profile);
    await expect(call.profiles.get({ id: captureId, form: 'binary' as 'packed' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    services.snapshots().close();
  });
});
