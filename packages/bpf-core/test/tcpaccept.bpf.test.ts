import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import type { TcpAcceptRow } from '../src/tools/tcpaccept/tcpaccept.js';
import { bpfTestResources } from './resources.js';
import { jsonLines } from './workloads.js';

const acceptsScript = fileURLToPath(new URL('./fixtures/tcpAccepts.mjs', import.meta.url));

const { sessions, cleanups } = bpfTestResources<ToolSession<TcpAcceptRow>>();

interface Accepted {
  remoteAddress: string;
  remotePort: number;
}

/** Connects from this process and returns the local port the kernel chose; the server closes first. */
async function connectFrom(host: string, port: number): Promise<number> {
  const socket = net.connect(port, host);
  socket.resume();
  await once(socket, 'connect');
  const localPort = socket.localPort as number;
  await once(socket, 'close');
  return localPort;
}

/**
 * A listener in a process of its own (the accepting pid), accepting `hosts.length`
 * connections that this process makes to it, one per host.
 */
async function acceptFrom(listenOn: string, hosts: readonly string[]) {
  const child = spawn(process.execPath, [acceptsScript, listenOn, String(hosts.length)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = jsonLines<{ port: number } | Accepted>(child);
  const { port } = (await output.next()) as { port: number };
  const clientPorts: number[] = [];
  for (const host of hosts) clientPorts.push(await connectFrom(host, port));
  const { code, lines, stderr } = await output.done;
  expect(code, stderr).toBe(0);
  return { pid: child.pid as number, port, clientPorts, accepted: lines.slice(1) as Accepted[] };
}

describe.each(['tracepoint'] as const)('tcpaccept via %s against real accepts', (attachMethod) => {
  const start = (params: Record<string, unknown>) => {
    const session = startTool<TcpAcceptRow>('tcpaccept', params, { attachMethod });
    sessions.push(session);
    return session;
  };

  it('reports all 10 accepts of a dual-stack listener, attributed to the accepting process, with both ends', async () => {
    const session = start({});
    expect(session.attachMethod).toBe(attachMethod);
    const rows: TcpAcceptRow[] = [];
    session.onRows((batch) => rows.push(...batch));
    const hosts = [...Array<string>(6).fill('127.0.0.1'), ...Array<string>(4).fill('::1')];
    const server = await acceptFrom('::', hosts);
    session.flush();

    const ours = rows.filter((row) => row.lport === server.port);
    expect(ours).toHaveLength(10);
    expect(ours.map((row) => row.rport).sort()).toEqual([...server.clientPorts].sort());
    for (const row of ours) {
      const index = server.clientPorts.indexOf(row.rport);
      // A dual-stack listener's IPv4 connections are v4-mapped IPv6 sockets, as bcc prints them.
      const address = hosts[index] === '::1' ? '::1' : '::ffff:127.0.0.1';
      expect(row).toMatchObject({ pid: server.pid, comm: 'node', ipVersion: 6, raddr: address, laddr: address });
      expect(server.accepted[index]).toEqual({ remoteAddress: address, remotePort: row.rport });
    }
    expect(session.stats().kernelDrops).toBe(0);
  });

  it('filters by pid, local port and family in the kernel', async () => {
    const sinkServer = net.createServer((socket) => socket.end());
    sinkServer.listen(0, '127.0.0.1');
    await once(sinkServer, 'listening');
    cleanups.push(() => sinkServer.close());
    const sinkPort = (sinkServer.address() as net.AddressInfo).port;
    let session = start({ family: 'ipv4' });
    const byFamily: TcpAcceptRow[] = [];
    session.onRows((batch) => byFamily.push(...batch));
    const ipv4 = await acceptFrom('127.0.0.1', ['127.0.0.1', '127.0.0.1']);
    const ipv6 = await acceptFrom('::1', ['::1']);
    session.flush();
    await session.close();
    expect(byFamily.filter((row) => row.lport === ipv4.port).map((row) => [row.pid, row.ipVersion, row.laddr])).toEqual(
      Array(2).fill([ipv4.pid, 4, '127.0.0.1']),
    );
    expect(byFamily.filter((row) => row.lport === ipv6.port)).toEqual([]);

    session = start({ pid: process.pid, ports: [sinkPort] });
    const byPidAndPort: TcpAcceptRow[] = [];
    session.onRows((batch) => byPidAndPort.push(...batch));
    const clientPort = await connectFrom('127.0.0.1', sinkPort);
    await acceptFrom('127.0.0.1', ['127.0.0.1']);
    session.flush();
    expect(byPidAndPort.map((row) => [row.pid, row.lport, row.rport])).toEqual([[process.pid, sinkPort, clientPort]]);
  });
});
