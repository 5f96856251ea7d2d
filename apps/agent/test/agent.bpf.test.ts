import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient, TestAgent } from './harness.js';
import { createClient, eventually, kernelProgramIds, kernelProgramNames, requireBpf, spawnAgent, startTestAgent } from './harness.js';

interface ExecRowLike {
  pid: number;
  argv: string[];
}

async function runTrue(arg: string): Promise<number> {
  const child = spawn('/bin/true', [arg]);
  await once(child, 'exit');
  return child.pid as number;
}

/** Subscribes to a session and collects rows until `enough` holds or time runs out. */
function collectRows(client: AgentClient, id: string) {
  const rows: ExecRowLike[] = [];
  const counters: Array<{ events: number; kernelDrops: number; droppedForViewer: number }> = [];
  const subscription = client.sessions.stream.subscribe(
    { id },
    {
      onData(envelope) {
        rows.push(...(envelope.data.rows as unknown as ExecRowLike[]));
        counters.push(envelope.data.counters);
      },
      onError(error) {
        throw error;
      },
    },
  );
  return {
    rows,
    counters,
    unsubscribe: () => subscription.unsubscribe(),
    async until(enough: () => boolean, timeoutMs = 10_000) {
      expect(await eventually(enough, timeoutMs)).toBe(true);
    },
  };
}

/** Waits for every attachment to detach (grace periods included) and the kernel to free it. */
async function detachedAll(client: AgentClient): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await client.sessions.list.query()).length > 0 || kernelProgramNames().some((name) => name.startsWith('execsnoop_'))) {
    if (Date.now() > deadline) throw new Error('sessions still attached after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('agent over tRPC on loopback, real BPF', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    requireBpf();
    agent = await startTestAgent(['--grace-period-seconds', '0.5']);
  });
  afterAll(async () => {
    await agent?.close();
  });

  it('streams all 30 execs of a known workload to a subscriber', async () => {
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    const started = await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { nameContains: nonce } });
    expect(started.attachMethod).toBe('tracepoint');
    const stream = collectRows(agent.client, started.id);
    await new Promise((resolve) => setTimeout(resolve, 200)); // subscription established
    const pids: number[] = [];
    for (let i = 0; i < 30; i++) pids.push(await runTrue(`${nonce}-${i}`));
    await stream.until(() => stream.rows.length >= 30);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.rows.map((row) => row.pid).sort()).toEqual([...pids].sort());
    expect(stream.rows.map((row) => row.argv[1])).toEqual(pids.map((_, i) => `${nonce}-${i}`));
    stream.unsubscribe();
    await agent.client.sessions.stop.mutate({ id: started.id });
    await detachedAll(agent.client);
  });

  it('two viewers of the same tool and params share one attachment, detached after the grace period', async () => {
    const nonce = `bpfscope-${randomBytes(6).toString('hex')}`;
    const other = createClient(agent.url, agent.token);
    // Same params in a different key order: one attachment.
    const first = await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { nameContains: nonce, includeFailed: false } });
    const second = await other.sessions.start.mutate({ tool: 'execsnoop', params: { includeFailed: false, nameContains: nonce } });
    expect(second.attachmentId).toBe(first.attachmentId);
    expect(second.shared).toBe(true);
    expect(second.id).not.toBe(first.id);
    expect(kernelProgramNames().filter((name) => name === 'execsnoop_enter')).toHaveLength(1);

    const streams = [collectRows(agent.client, first.id), collectRows(other, second.id)];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const pid = await runTrue(nonce);
    for (const stream of streams) await stream.until(() => stream.rows.some((row) => row.pid === pid));

    const list = await agent.client.sessions.list.query();
    const attachment = list.find((summary) => summary.attachmentId === first.attachmentId);
    expect(attachment?.viewers).toHaveLength(2);
    const programIds = attachment?.programIds ?? [];
    expect(programIds.length).toBe(2);

    for (const stream of streams) stream.unsubscribe();
    await agent.client.sessions.stop.mutate({ id: first.id });
    await other.sessions.stop.mutate({ id: second.id });
    // Still attached within the grace period, gone after it.
    expect([...kernelProgramIds()].filter((id) => programIds.includes(id))).toHaveLength(2);
    expect(await eventually(() => programIds.every((id) => !kernelProgramIds().has(id)), 5000)).toBe(true);
    expect(await agent.client.sessions.list.query()).toEqual([]);
  });

  it('refuses a request without a token, with a wrong one, or with one in the query string, and attaches nothing', async () => {
    const before = kernelProgramIds();
    const input = encodeURIComponent(JSON.stringify({ tool: 'execsnoop', params: {} }));
    const attempts: Array<[string, RequestInit]> = [
      [`${agent.url}/trpc/tools.list`, {}],
      [`${agent.url}/trpc/tools.list`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-token' } }],
      [`${agent.url}/trpc/sessions.start`, { method: 'POST', body: JSON.stringify({ tool: 'execsnoop', params: {} }) }],
      [`${agent.url}/trpc/sessions.start?token=${agent.token}`, { method: 'POST', body: decodeURIComponent(input) }],
      [`${agent.url}/trpc/sessions.list?access_token=${agent.token}`, { headers: { origin: agent.url } }],
      [
        `${agent.url}/trpc/sessions.stream?input=${encodeURIComponent(JSON.stringify({ id: crypto.randomUUID() }))}`,
        { headers: { accept: 'text/event-stream' } },
      ],
    ];
    for (const [url, init] of attempts) {
      const response = await fetch(url, init);
      expect(response.status, url).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    // A page on another origin is refused even with the token.
    const crossOrigin = await fetch(`${agent.url}/trpc/sessions.list?token=${agent.token}`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${agent.token}` },
    });
    expect(crossOrigin.status).toBe(403);
    await expect(createClient(agent.url, undefined).tools.list.query()).rejects.toThrow();
    expect([...kernelProgramIds()].filter((id) => !before.has(id))).toEqual([]);
    expect(await agent.client.sessions.list.query()).toEqual([]);
  });

  it('answers bad input with typed errors and changes nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ tool: 'nosuchtool', params: {} }, 'NOT_FOUND'],
      [{ tool: 'tcplife', params: { pid: -1 } }, 'BAD_REQUEST'],
      [{ tool: 'tcplife', params: { localPorts: [70000] } }, 'BAD_REQUEST'],
      [{ tool: 'execsnoop', params: { x: 'y'.repeat(5000) } }, 'BAD_REQUEST'],
      [{ tool: 'EXEC SNOOP' }, 'BAD_REQUEST'],
      [{ params: {} }, 'BAD_REQUEST'],
    ];
    for (const [input, code] of cases) {
      await expect(agent.client.sessions.start.mutate(input as never)).rejects.toMatchObject({ data: { code } });
    }
    const invalid = await agent.client.sessions.start.mutate({ tool: 'tcplife', params: { pid: -1 } }).catch((error: unknown) => error);
    expect((invalid as { data: { validation: unknown } }).data.validation).toMatchObject({ properties: { pid: expect.anything() } });
    await expect(agent.client.sessions.stop.mutate({ id: crypto.randomUUID() })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect(await agent.client.sessions.list.query()).toEqual([]);
  });

  it('reports the host and the tool catalog with per-tool support', async () => {
    const info = await agent.client.host.info.query();
    expect(info.kernel).toMatch(/^\d+\.\d+/);
    expect(info.cpus).toBeGreaterThan(0);
    expect(info.tools.find((tool) => tool.tool === 'execsnoop')).toMatchObject({ available: true, attachMethod: 'tracepoint' });
    const tools = await agent.client.tools.list.query();
    const tcplife = tools.find((tool) => tool.name === 'tcplife');
    expect(tcplife).toMatchObject({ category: 'network', outputKind: 'table' });
    expect(tcplife?.columns.map((column) => column.header)).toEqual(['TIME', 'PID', 'COMM', 'LADDR', 'LPORT', 'RADDR', 'RPORT', 'TX_KB', 'RX_KB', 'MS']);
    expect(tcplife?.paramsJsonSchema).toMatchObject({ type: 'object', properties: { localPorts: { type: 'array' } } });
  });
});

describe('agent process killed with SIGKILL', () => {
  beforeAll(() => requireBpf());

  it('leaves none of its BPF programs in the kernel', async () => {
    const agent = await spawnAgent();
    await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: {} });
    await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { includeFailed: true } });
    await agent.client.sessions.start.mutate({ tool: 'tcplife', params: {} });
    const sessions = await agent.client.sessions.list.query();
    expect(sessions).toHaveLength(3);
    const programIds = sessions.flatMap((session) => session.programIds);
    expect(programIds).toHaveLength(5);
    const loaded = kernelProgramIds();
    for (const id of programIds) expect(loaded.has(id)).toBe(true);
    agent.process.kill('SIGKILL');
    await once(agent.process, 'exit');
    expect(await eventually(() => programIds.every((id) => !kernelProgramIds().has(id)))).toBe(true);
  });
});
