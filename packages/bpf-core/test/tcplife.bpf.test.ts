import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import type { TcpSessionRow, ToolSession } from '../src/index.js';
import { kilobytes } from '@bpfscope/formats';
import { requireBpf } from '../src/testing/kernel.js';

const clientScript = fileURLToPath(new URL('./fixtures/tcpClient.mjs', import.meta.url));

interface ClientConnection {
  host: string;
  localPort: number;
  sent: number;
  received: number;
}

/** Server reply size for a request of `bytes`: different each way, so TX/RX mix-ups show. */
const replySize = (bytes: number) => bytes * 2 + 17;

/** A dual-stack server that reads to the end, then replies and closes (so it sees LAST_ACK). */
async function startServer(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    let received = 0;
    socket.on('data', (chunk) => (received += chunk.length));
    socket.on('end', () => socket.end(Buffer.alloc(replySize(received), 0x62)));
    socket.on('error', () => undefined);
  });
  server.listen(0, '::');
  await once(server, 'listening');
  return server;
}

/** Runs the client in its own process so that the session owner is a pid we know. */
async function runClient(port: number, plan: Array<[string, number]>): Promise<{ pid: number; connections: ClientConnection[] }> {
  const child = spawn(process.execPath, [clientScript, String(port), ...plan.map(([host, bytes]) => `${host}@${bytes}`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  expect(code).toBe(0);
  return {
    pid: child.pid as number,
    connections: output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ClientConnection),
  };
}

async function settle(session: ToolSession<TcpSessionRow>, rows: TcpSessionRow[], expected: number): Promise<void> {
  // The last ACK may still be in flight when the client exits: wait for the closes.
  const deadline = Date.now() + 5000;
  while (rows.length < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    session.flush();
  }
}

describe.each(['tp_btf', 'tracepoint'] as const)('tcplife via %s against real connections', (attachMethod) => {
  let session: ToolSession<TcpSessionRow> | undefined;
  let server: net.Server | undefined;
  beforeAll(() => requireBpf());
  afterEach(async () => {
    await session?.close();
    server?.close();
  });

  it('reports all 20 IPv4 and 4 IPv6 sessions, both ends, with the right owner, ports, bytes and duration', async () => {
    server = await startServer();
    const serverPort = (server.address() as net.AddressInfo).port;
    session = startTool<TcpSessionRow>('tcplife', {}, { attachMethod });
    expect(session.attachMethod).toBe(attachMethod);
    const rows: TcpSessionRow[] = [];
    session.onRows((batch) => rows.push(...batch.filter((row) => row.lport === serverPort || row.rport === serverPort)));

    const plan: Array<[string, number]> = [
      ...Array.from({ length: 20 }, (_, i): [string, number] => ['127.0.0.1', 1000 + i * 3001]),
      ...Array.from({ length: 4 }, (_, i): [string, number] => ['::1', 5000 + i * 7777]),
    ];
    const client = await runClient(serverPort, plan);
    expect(client.connections).toHaveLength(24);
    await settle(session, rows, 48);

    for (const connection of client.connections) {
      const reply = replySize(connection.sent);
      expect(connection.received).toBe(reply);
      const loopback = connection.host === '::1' ? '::1' : '127.0.0.1';

      const clientSide = rows.filter((row) => row.lport === connection.localPort && row.rport === serverPort);
      expect(clientSide, `client side of :${connection.localPort}`).toHaveLength(1);
      expect(clientSide[0]).toMatchObject({
        pid: client.pid,
        comm: 'node',
        laddr: loopback,
        raddr: loopback,
        ipVersion: connection.host === '::1' ? 6 : 4,
        txBytes: connection.sent,
        rxBytes: reply,
      });
      expect(clientSide[0]?.ms).toBeGreaterThan(0);

      const serverSide = rows.filter((row) => row.lport === serverPort && row.rport === connection.localPort);
      expect(serverSide, `server side of :${connection.localPort}`).toHaveLength(1);
      // The server listens dual-stack on "::", so its IPv4 sessions are v4-mapped IPv6 sockets.
      const serverAddress = loopback === '::1' ? '::1' : '::ffff:127.0.0.1';
      expect(serverSide[0]).toMatchObject({
        pid: process.pid,
        txBytes: reply,
        rxBytes: connection.sent,
        laddr: serverAddress,
        raddr: serverAddress,
        ipVersion: 6,
      });
      expect(serverSide[0]?.ms).toBeGreaterThan(0);
      // The KB columns are bcc's integer division.
      expect(kilobytes(serverSide[0]?.txBytes ?? -1)).toBe(Math.floor(reply / 1024));
    }
    expect(rows).toHaveLength(48);
    expect(session.stats().kernelDrops).toBe(0);
  });

  it('filters by local port and by pid in the kernel', async () => {
    server = await startServer();
    const serverPort = (server.address() as net.AddressInfo).port;
    session = startTool<TcpSessionRow>('tcplife', { localPorts: [serverPort] }, { attachMethod });
    const byPort: TcpSessionRow[] = [];
    session.onRows((batch) => byPort.push(...batch));
    await runClient(serverPort, [
      ['127.0.0.1', 10],
      ['127.0.0.1', 20],
    ]);
    await settle(session, byPort, 2);
    expect(byPort.map((row) => row.lport)).toEqual([serverPort, serverPort]);
    await session.close();

    session = startTool<TcpSessionRow>('tcplife', { pid: process.pid, remotePorts: [serverPort] }, { attachMethod });
    const byPid: TcpSessionRow[] = [];
    session.onRows((batch) => byPid.push(...batch));
    // A connection from this process: the only one both filters pass.
    const socket = net.connect(serverPort, '127.0.0.1', () => socket.end('x'));
    socket.resume();
    await once(socket, 'close');
    await runClient(serverPort, [['127.0.0.1', 30]]);
    await settle(session, byPid, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.flush();
    expect(byPid).toHaveLength(1);
    expect(byPid[0]).toMatchObject({ pid: process.pid, rport: serverPort, txBytes: 1 });
  });
});
