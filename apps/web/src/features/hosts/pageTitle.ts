// The tab names the tool and the host (`runqlat · db-3`), so tabs open on several
// hosts or tools can be told apart; the most telling part first, as tabs cut the end.
import type { HostStatus } from '../../state/slices/hosts';

/** The host's own name, once its agent has said it. */
export function hostNameOf(status: HostStatus | undefined): string | undefined {
  return status?.state === 'connected' ? status.info.hostname : undefined;
}

export function pageTitle(options: { tool?: string; snapshot?: string; address?: string; hostname?: string; fleet?: { group?: string } }): string {
  if (options.fleet) return options.fleet.group !== undefined ? `Fleet: ${options.fleet.group} · bpfscope` : 'Fleet · bpfscope';
  const host = options.hostname ?? options.address;
  const shown = options.snapshot ? `${options.tool ?? ''} snapshot`.trim() : options.tool;
  if (shown && host) return `${shown} · ${host}`;
  if (host) return `${host} · bpfscope`;
  return shown ? `${shown} · bpfscope` : 'bpfscope';
}
