// Why a typed host address cannot be used, in words; hostPattern (urlState) is the rule.
import { hostPattern } from './urlState';

export function hostAddressProblem(address: string): string | undefined {
  if (hostPattern.test(address)) return undefined;
  const port = /:(\d+)$/.exec(address)?.[1];
  // Everything but the port is fine when the same address with port 1 would be.
  if (port !== undefined && hostPattern.test(`${address.slice(0, -port.length)}1`)) {
    return `${port.length <= 6 ? `port ${port}` : 'that port'} is out of range: a port is a number from 1 to 65535`;
  }
  return 'a host is host:port, e.g. 10.0.0.7:7070 or [::1]:7070';
}
