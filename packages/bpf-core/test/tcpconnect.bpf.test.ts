import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import type { AttachMethodName, ToolSession } from '../src/index.js';
import type { TcpConnectCountRow, TcpConnectRow } from '../src/tools/tcpconnect/tcpconnect.js';
import { createVethPair } from './netns.js';
import { bpfTestResources } from './resources.js';
import { jsonLines } from './workloads.js';

const connectsScript = fileURLToPath(new URL('./fixtures/tcpConnects.mjs', import.meta.url));
const stalledScript = fileURLToPath(new URL('./fixtures/stalledConnect.py', import.meta.url));

interface Attempt {
  host: string;
  port: number;
  localPort: number | null;
  error: string | null;
}

const { sessions, cleanups } = bpfTestResources();

/** A listener that closes each connection, until the test ends. */
async function listen(host: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end());
  server.listen(0, host);
  await once(server, 'listening');
  cleanups.push(() => server.close());
  return server;
}

/** A port nothing listens on: one the kernel just gave out and took back. */
async function closedPort(host: string): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start<Row>(params: Record<string, unknown>, attachMethod: AttachMethodName): ToolSession<Row> {
  const session = startTool<Row>('tcpconnect', params, { attachMethod });
  sessions.push(session);
  return session;
}

/** The workload in its own process, so its rows have a pid of their own. */
async function runConnects(
  host: string,
  ports: { open: number; closed: number },
  counts: { open: number; refused: number },
  uid?: number,
): Promise<{ pid: number; attempts: Attempt[] }> {
  const child = spawn(process.execPath, [connectsScript, host, String(ports.open), String(ports.closed), String(counts.open), String(counts.refused)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  const { code, lines, stderr } = await jsonLines<Attempt>(child).done;
  expect(code, stderr).toBe(0);
  return { pid: child.pid as number, attempts: lines };
}

/** Collects rows matching `keep` until `expected` have come (a refused connect's outcome may trail its process). */
function collect(session: ToolSession<TcpConnectRow>, keep: (row: TcpConnectRow) => boolean) {
  const rows: TcpConnectRow[] = [];
  session.onRows((batch) => rows.push(...batch.filter(keep)));
  const settle = async (expected: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (rows.length < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      session.flush();
    }
  };
  return { rows, settle };
}

describe.each(['tp_btf', 'tracepoint'] as const)('tcpconnect via %s against real connects', (attachMethod) => {
  it.each([
    ['127.0.0.1', 4],
    ['::1', 6],
  ] as const)('reports 10 connects to a listener on %s and 3 refused ones, each with its pid, addresses, ports and result', async (host, ipVersion) => {
    const server = await listen(host);
    const ports = { open: (server.address() as net.AddressInfo).port, closed: await closedPort(host) };
    const session = start<TcpConnectRow>({}, attachMethod);
    expect(session.attachMethod).toBe(attachMethod);
    const { rows, settle } = collect(session, (row) => row.rport === ports.open || row.rport === ports.closed);

    const workload = await runConnects(host, ports, { open: 10, refused: 3 });
    expect(workload.attempts.map((attempt) => attempt.error)).toEqual([...Array<null>(10).fill(null), ...Array<string>(3).fill('ECONNREFUSED')]);
    await settle(13);

    expect(rows).toHaveLength(13);
    for (const row of rows) {
      expect(row).toMatchObject({ pid: workload.pid, comm: 'node', uid: 0, ipVersion, laddr: host, raddr: host });
      expect(row.lport).toBeGreaterThan(0);
      expect(row.ms).toBeGreaterThanOrEqual(0);
    }
    const established = rows.filter((row) => row.rport === ports.open);
    expect(established.map((row) => row.result)).toEqual(Array(10).fill('OK'));
    expect(established.map((row) => row.lport).sort()).toEqual(
      workload.attempts
        .slice(0, 10)
        .map((attempt) => attempt.localPort)
        .sort(),
    );
    const refused = rows.filter((row) => row.rport === ports.closed);
    expect(refused.map((row) => [row.result, row.errno])).toEqual(Array(3).fill(['ECONNREFUSED', 111]));
    expect(new Set(refused.map((row) => row.lport)).size).toBe(3);
    expect(session.stats().kernelDrops).toBe(0);
  });

  it('filters by destination port and family, by uid and by pid in the kernel', async () => {
    const server = await listen('::');
    const ports = { open: (server.address() as net.AddressInfo).port, closed: await closedPort('::') };
    const everyPort = (row: TcpConnectRow) => row.rport === ports.open || row.rport === ports.closed;

    let session = start<TcpConnectRow>({ ports: [ports.closed], family: 'ipv6' }, attachMethod);
    const byPortAndFamily = collect(session, everyPort);
    await runConnects('127.0.0.1', ports, { open: 2, refused: 2 });
    const ipv6 = await runConnects('::1', ports, { open: 2, refused: 2 });
    await byPortAndFamily.settle(2);
    await session.close();
    expect(byPortAndFamily.rows.map((row) => [row.pid, row.ipVersion, row.rport, row.result])).toEqual(
      Array(2).fill([ipv6.pid, 6, ports.closed, 'ECONNREFUSED']),
    );

    session = start<TcpConnectRow>({ uid: 65534 }, attachMethod);
    const byUid = collect(session, everyPort);
    await runConnects('127.0.0.1', ports, { open: 1, refused: 0 });
    const nobody = await runConnects('127.0.0.1', ports, { open: 1, refused: 1 }, 65534);
    await byUid.settle(2);
    await session.close();
    expect(byUid.rows.map((row) => [row.pid, row.uid]).sort()).toEqual(Array(2).fill([nobody.pid, 65534]));

    session = start<TcpConnectRow>({ pid: process.pid }, attachMethod);
    const byPid = collect(session, everyPort);
    await runConnects('127.0.0.1', ports, { open: 1, refused: 1 });
    const socket = net.connect(ports.open, '127.0.0.1');
    socket.resume();
    await once(socket, 'close');
    await byPid.settle(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.flush();
    expect(byPid.rows.map((row) => [row.pid, row.rport, row.result])).toEqual([[process.pid, ports.open, 'OK']]);
  });

  it('counts connects per flow in count mode (bcc -c), refused ones included, on interval rows', async () => {
    const server = await listen('127.0.0.1');
    const ports = { open: (server.address() as net.AddressInfo).port, closed: await closedPort('127.0.0.1') };
    const counting = start<TcpConnectCountRow>({ count: true, ports: [ports.open, ports.closed] }, attachMethod);
    const rows: TcpConnectCountRow[] = [];
    counting.onRows((batch) => rows.push(...batch));
    await runConnects('127.0.0.1', ports, { open: 10, refused: 3 });
    await runConnects('127.0.0.1', ports, { open: 2, refused: 0 });
    counting.flushIntervalRows();
    const connects = new Map<number, number>();
    for (const row of rows) {
      expect(row).toMatchObject({ ipVersion: 4, laddr: '127.0.0.1', raddr: '127.0.0.1' });
      connects.set(row.rport, (connects.get(row.rport) ?? 0) + row.connects);
    }
    expect(Object.fromEntries(connects)).toEqual({ [ports.open]: 12, [ports.closed]: 3 });
    expect(counting.stats().events).toBe(15);
  });

  it('reports a connect that timed out (ETIMEDOUT) and one closed before any answer (CLOSED)', async () => {
    // A neighbour with a MAC no one has: the SYNs leave and nothing ever answers.
    const pair = createVethPair('bpfs-tcpc');
    cleanups.push(() => pair.remove());
    const blackhole = `${pair.subnet}.9`;
    pair.ip(pair.a, ['neigh', 'add', blackhole, 'lladdr', '02:00:00:00:00:09', 'dev', pair.a.device, 'nud', 'permanent']);
    const session = start<TcpConnectRow>({ ports: [9] }, attachMethod);
    const { rows, settle } = collect(session, (row) => row.raddr === blackhole);
    const run = async (mode: string) => {
      const child = pair.spawnIn(pair.a, 'python3', [stalledScript, blackhole, '9', mode]);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(0);
      return { pid: child.pid as number, outcome: output.trim() };
    };
    const closed = await run('close');
    const timedOut = await run('timeout');
    expect([closed.outcome, timedOut.outcome]).toEqual(['closed', 'ETIMEDOUT']);
    await settle(2);
    expect(rows.map((row) => [row.pid, row.comm, row.laddr, row.rport, row.result])).toEqual([
      [closed.pid, 'python3', pair.a.address, 9, 'CLOSED'],
      [timedOut.pid, 'python3', pair.a.address, 9, 'ETIMEDOUT'],
    ]);
    // One SYN and one retry, 1 s apart, then 2 s more: the kernel's own timeout.
    expect(rows[1]?.ms).toBeGreaterThan(2500);
  });
});
