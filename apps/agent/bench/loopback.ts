// TCP sessions on loopback, for the benches that need tcplife rows (kept apart from agentProcess.ts, whose
// module state must not reach the agent processes that import this).
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** `count` TCP sessions on loopback, each a small request and reply, one after another. */
export async function loopbackSessions(count: number): Promise<void> {
  const server = createServer((socket) => socket.once('data', () => socket.end(Buffer.alloc(2048))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const client = connect(port, '127.0.0.1', () => client.write(Buffer.alloc(512)));
      client.on('data', () => undefined);
      client.on('end', () => {
        client.end();
        resolve();
      });
      client.on('error', reject);
    });
  }
  await new Promise((resolve) => server.close(resolve));
}
