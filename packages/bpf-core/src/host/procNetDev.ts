// /proc/net/dev: per-interface counters of the reader's network namespace.

export interface NetDevStats {
  iface: string;
  rxBytes: number;
  rxPackets: number;
  rxErrs: number;
  rxDrop: number;
  rxFifo: number;
  rxFrame: number;
  rxCompressed: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrs: number;
  txDrop: number;
  txFifo: number;
  txColls: number;
  txCarrier: number;
  txCompressed: number;
}

const FIELDS = [
  'rxBytes',
  'rxPackets',
  'rxErrs',
  'rxDrop',
  'rxFifo',
  'rxFrame',
  'rxCompressed',
  'rxMulticast',
  'txBytes',
  'txPackets',
  'txErrs',
  'txDrop',
  'txFifo',
  'txColls',
  'txCarrier',
  'txCompressed',
] as const;

/** The two header lines are skipped; `iface: 16 numbers` lines are read (the name may abut the colon). */
export function parseNetDev(text: string): NetDevStats[] {
  const interfaces: NetDevStats[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.includes('|')) continue;
    const values = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (values.length < FIELDS.length || values.some((value) => !Number.isFinite(value))) {
      throw new Error(`/proc/net/dev: expected ${FIELDS.length} numbers in ${JSON.stringify(line.trim())}`);
    }
    const stats = { iface: line.slice(0, colon).trim() } as NetDevStats;
    FIELDS.forEach((field, i) => (stats[field] = values[i] as number));
    interfaces.push(stats);
  }
  return interfaces;
}
