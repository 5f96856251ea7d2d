// What a host address is (hostPattern), and why a typed one cannot be used, in words.

/** host:port, the port 1 to 65535 (written without leading zeros). */
export const hostPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/;

export function hostAddressProblem(address: string): string | undefined {
  if (hostPattern.test(address)) return undefined;
  const port = /:(\d+)$/.exec(address)?.[1];
  // Everything but the port is fine when the same address with port 1 would be.
  if (port !== undefined && hostPattern.test(`${address.slice(0, -port.length)}1`)) {
    return `${port.length <= 6 ? `port ${port}` : 'that port'} is out of range: a port is a number from 1 to 65535`;
  }
  return 'a host is host:port, e.g. 10.0.0.7:7070 or [::1]:7070';
}
