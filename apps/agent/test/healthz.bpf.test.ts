// /healthz needs no token, so a page can tell an agent that is there from one that
// is not before it has one; it is readable only by the origins /trpc serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgent } from './harness.js';
import { requireBpf, startTestAgent } from './harness.js';

describe('/healthz', () => {
  const console = 'http://console.example:8080';
  let agent: TestAgent;
  beforeAll(async () => {
    requireBpf();
    agent = await startTestAgent(['--allow-origin', console]);
  });
  afterAll(async () => {
    await agent?.close();
  });

  it("answers without a token, with CORS for the agent's own origin and --allow-origin", async () => {
    const plain = await fetch(`${agent.url}/healthz`);
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({ ok: true });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    expect(plain.headers.get('cache-control')).toBe('no-store');
    for (const origin of [agent.url, console]) {
      const response = await fetch(`${agent.url}/healthz`, { headers: { origin } });
      expect(response.status, origin).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(response.headers.get('vary')).toMatch(/origin/i);
    }
  });

  it('refuses other origins, giving them nothing to read', async () => {
    for (const origin of ['https://evil.example', 'http://console.example:8081', 'null']) {
      const response = await fetch(`${agent.url}/healthz`, { headers: { origin } });
      expect(response.status, origin).toBe(403);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(await response.text()).not.toContain(agent.token);
    }
  });
});
