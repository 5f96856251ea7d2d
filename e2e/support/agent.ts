// What the tests know about the agent globalSetup started, and workloads they run.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

import { testIds } from '@bpfscope/web/testIds';

export { testIds };

export function agent(): { url: string; token: string; host: string } {
  const url = process.env.BPFSCOPE_E2E_URL;
  const token = process.env.BPFSCOPE_E2E_TOKEN;
  if (!url || !token) throw new Error('globalSetup did not start an agent');
  return { url, token, host: new URL(url).host };
}

/** The second agent, which allows the first one's page as an origin. */
export function secondAgent(): { url: string; token: string; host: string } {
  const url = process.env.BPFSCOPE_E2E_SECOND_URL;
  const token = process.env.BPFSCOPE_E2E_SECOND_TOKEN;
  if (!url || !token) throw new Error('globalSetup did not start a second agent');
  return { url, token, host: new URL(url).host };
}

/** Opens the app through the sign-in link `make start` prints, and waits for the host to connect. */
export async function signIn(page: Page): Promise<void> {
  const { url, token, host } = agent();
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByTestId(testIds.host(host)).getByTestId(testIds.hostStatus)).toContainText(' ms · v');
}

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** A full-page screenshot of a view, kept under e2e/artifacts/ for people to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

export interface KnownExec {
  pid: number;
  argv: string[];
}

/** Runs `/bin/echo <marker> <i>` count times and says which pids did it. */
export function runKnownExecs(marker: string, count: number, from = 0): KnownExec[] {
  const execs: KnownExec[] = [];
  for (let i = from; i < from + count; i++) {
    const argv = ['/bin/echo', marker, String(i)];
    const result = spawnSync(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} failed`);
    execs.push({ pid: result.pid as number, argv });
  }
  return execs;
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TcpExchange {
  serverPort: number;
  clientPort: number;
}

/** One loopback TCP session: the client sends `sendBytes`, the server answers `replyBytes`, both close. */
export async function tcpExchange(sendBytes: number, replyBytes: number): Promise<TcpExchange> {
  const server = createServer((socket: Socket) => {
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received === sendBytes) socket.end(Buffer.alloc(replyBytes, 0x62));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverPort = (server.address() as AddressInfo).port;
  const clientPort = await new Promise<number>((resolve, reject) => {
    const client = connect(serverPort, '127.0.0.1', () => {
      const port = client.localPort as number;
      client.write(Buffer.alloc(sendBytes, 0x61));
      let received = 0;
      client.on('data', (chunk) => {
        received += chunk.length;
      });
      client.on('end', () => {
        client.end();
        if (received === replyBytes) resolve(port);
        else reject(new Error(`client got ${received} of ${replyBytes} bytes`));
      });
    });
    client.on('error', reject);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { serverPort, clientPort };
}
