// /proc/net/snmp and /proc/net/netstat: pairs of lines, `Tcp: Name Name…` then `Tcp: value value…`.

/** Counters by section (Ip, Tcp, Udp, TcpExt, IpExt…) and by the kernel's name (ActiveOpens, ListenOverflows…). */
export type SnmpCounters = Readonly<Record<string, Readonly<Record<string, number>>>>;

export function parseSnmp(text: string, file = '/proc/net/snmp'): SnmpCounters {
  const sections: Record<string, Record<string, number>> = {};
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [section, ...names] = (lines[i] as string).trim().split(/\s+/);
    const [valueSection, ...values] = (lines[i + 1] as string).trim().split(/\s+/);
    if (section === undefined || section !== valueSection || !section.endsWith(':') || names.length !== values.length) {
      throw new Error(`${file}: line ${i + 1} and the next are no names/values pair`);
    }
    const counters: Record<string, number> = {};
    names.forEach((name, j) => (counters[name] = Number(values[j])));
    sections[section.slice(0, -1)] = counters;
  }
  return sections;
}
