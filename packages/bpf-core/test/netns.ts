// Two network namespaces of a test's own, joined by a veth pair: traffic between
// them never touches the host's interfaces. remove() deletes both (and the veth
// with them); call it in finally or afterAll, failures included.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface NamespaceEnd {
  /** The namespace's name, for `ip -n` and `ip netns exec`. */
  namespace: string;
  /** The veth in this namespace. */
  device: string;
  /** Its IPv4 address, in the pair's own /24. */
  address: string;
}

export interface VethPair {
  a: NamespaceEnd;
  b: NamespaceEnd;
  /** The pair's /24, as "198.18.N": other addresses in it belong to no one. */
  subnet: string;
  /** Runs `ip -n <namespace> <args>`. */
  ip(end: NamespaceEnd, args: readonly string[]): string;
  /** Spawns a command inside a namespace (`ip netns exec` execs it: the child's pid is the command's). */
  spawnIn(end: NamespaceEnd, command: string, args: readonly string[]): ChildProcessByStdio<null, Readable, Readable>;
  /** Runs a command inside a namespace and returns its output. */
  execIn(end: NamespaceEnd, command: string, args: readonly string[]): string;
  remove(): void;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Makes namespaces `<prefix>-a` and `<prefix>-b` (made unique by pid), addresses
 * from 198.18.0.0/15 (RFC 2544's benchmarking range, routed nowhere) so that BPF
 * programs, which see every namespace, can tell this test's packets from others.
 */
export function createVethPair(prefix: string): VethPair {
  const name = `${prefix}-${process.pid}`;
  const subnet = `198.18.${1 + Math.floor(Math.random() * 254)}`;
  const a: NamespaceEnd = { namespace: `${name}-a`, device: 'veth-a', address: `${subnet}.1` };
  const b: NamespaceEnd = { namespace: `${name}-b`, device: 'veth-b', address: `${subnet}.2` };
  const remove = () => {
    for (const end of [a, b]) {
      try {
        ip(['netns', 'delete', end.namespace]);
      } catch {
        // Not made, or already gone.
      }
    }
  };
  try {
    for (const end of [a, b]) ip(['netns', 'add', end.namespace]);
    ip(['-n', a.namespace, 'link', 'add', a.device, 'type', 'veth', 'peer', 'name', b.device, 'netns', b.namespace]);
    for (const end of [a, b]) {
      ip(['-n', end.namespace, 'addr', 'add', `${end.address}/24`, 'dev', end.device]);
      ip(['-n', end.namespace, 'link', 'set', 'lo', 'up']);
      ip(['-n', end.namespace, 'link', 'set', end.device, 'up']);
    }
  } catch (error) {
    remove();
    throw error;
  }
  return {
    a,
    b,
    subnet,
    ip: (end, args) => ip(['-n', end.namespace, ...args]),
    spawnIn: (end, command, args) => spawn('ip', ['netns', 'exec', end.namespace, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
    execIn: (end, command, args) => execFileSync('ip', ['netns', 'exec', end.namespace, command, ...args], { encoding: 'utf8' }),
    remove,
  };
}
