// Does anything answer at a host, before any token is involved? The agent's
// unauthenticated /healthz, asked as this page's own requests are (CORS), then,
// if that fails, without CORS: an opaque answer means something is there but does
// not allow this page's origin; no answer at all means nothing is there.
import type { AgentProblem } from './agentClient';
import { agentUrl } from './agentClient';

export type ProbeResult =
  { kind: 'reachable' } | { kind: 'origin-refused' } | { kind: 'not-agent'; httpStatus: number } | { kind: 'unreachable'; timedOut: boolean };

const PROBE_TIMEOUT_MS = 4000;

export async function probeAgent(address: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ProbeResult> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const url = `${agentUrl(address)}/healthz`;
  const ask = (mode: RequestMode) => fetchImpl(url, { mode, cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
  try {
    const response = await ask('cors');
    return response.ok ? { kind: 'reachable' } : { kind: 'not-agent', httpStatus: response.status };
  } catch (error) {
    if (isTimeout(error)) return { kind: 'unreachable', timedOut: true };
  }
  try {
    await ask('no-cors');
    return { kind: 'origin-refused' };
  } catch (error) {
    return { kind: 'unreachable', timedOut: isTimeout(error) };
  }
}

/** What a probe means for the user, or undefined when the host is there and allows this page. */
export function probeProblem(address: string, result: ProbeResult, pageOrigin: string, timeoutMs = PROBE_TIMEOUT_MS): AgentProblem | undefined {
  switch (result.kind) {
    case 'reachable':
      return undefined;
    case 'origin-refused':
      return {
        kind: 'forbidden',
        message: `${address} answered, but does not allow this page's origin (${pageOrigin}). Start that agent with --allow-origin ${pageOrigin}.`,
      };
    case 'not-agent':
      return { kind: 'failed', message: `${address} answered HTTP ${result.httpStatus} at /healthz: is it a bpfscope agent?` };
    case 'unreachable':
      return {
        kind: 'unreachable',
        message: result.timedOut
          ? `${address} is unreachable: no answer from ${agentUrl(address)} within ${Math.round(timeoutMs / 1000)} s (is the host up, and is a firewall in the way?)`
          : `${address} is unreachable: nothing answers at ${agentUrl(address)} (is the agent running, and is the port right?)`,
      };
    default:
      return result satisfies never;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
