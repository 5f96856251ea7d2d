// One client per host and token, reused by the host monitor and live sessions.
import type { AgentClient } from './agentClient';
import { createAgentClient } from './agentClient';

const clients = new Map<string, AgentClient>();

export function clientFor(address: string, token: string): AgentClient {
  const key = `${address}\n${token}`;
  let client = clients.get(key);
  if (!client) {
    for (const existing of clients.keys()) if (existing.startsWith(`${address}\n`)) clients.delete(existing);
    client = createAgentClient(address, token);
    clients.set(key, client);
  }
  return client;
}
