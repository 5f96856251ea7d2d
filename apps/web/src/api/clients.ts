// One client per host and token, reused by the host monitor and live sessions; the
// one of a replaced token is closed (its WebSocket too).
import type { AgentClient, AgentConnection } from './agentClient';
import { createAgentClient } from './agentClient';

const connections = new Map<string, AgentConnection>();

export function clientFor(address: string, token: string): AgentClient {
  const key = `${address}\n${token}`;
  let connection = connections.get(key);
  if (!connection) {
    for (const [existing, old] of connections) {
      if (!existing.startsWith(`${address}\n`)) continue;
      old.close();
      connections.delete(existing);
    }
    connection = createAgentClient(address, token);
    connections.set(key, connection);
  }
  return connection.client;
}
