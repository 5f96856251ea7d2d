// Event records for decoder tests, written as the BPF side writes them.
import type { EndpointOffsets } from '../tools/shared/inet.js';

export interface Endpoints {
  family: 2 | 10;
  /** 4 bytes (IPv4) or 16. */
  laddr: readonly number[];
  raddr: readonly number[];
  lport: number;
  rport: number;
}

/** A socket's two ends into `record`, as inet.bpf.h's sock_addresses and the tools' ports. */
export function writeEndpoints(record: Buffer, offsets: EndpointOffsets, endpoints: Endpoints): Buffer {
  Buffer.from(endpoints.laddr).copy(record, offsets.laddr);
  Buffer.from(endpoints.raddr).copy(record, offsets.raddr);
  record.writeUInt16LE(endpoints.lport, offsets.lport);
  record.writeUInt16LE(endpoints.rport, offsets.rport);
  record.writeUInt16LE(endpoints.family, offsets.family);
  return record;
}
