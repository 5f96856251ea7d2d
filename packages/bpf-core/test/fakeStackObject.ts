// A stand-in for a loaded stack tool's BpfObject in unit tests: hash maps as
// JavaScript maps, per-CPU counters as totals, and the globals written.
import type { BpfObject } from '../src/bpfObject.js';

export class FakeStackObject {
  readonly maps = new Map<string, Map<string, Buffer>>();
  readonly counters = new Map<string, number>();
  readonly globals = new Map<string, Buffer>();
  readonly maxEntries = new Map<string, number>();
  readonly lookups: Array<{ map: string; key: Buffer }> = [];
  readonly deleted: Array<{ map: string; key: Buffer }> = [];
  /** Runs after each entries() read: the kernel adding keys meanwhile. */
  afterRead: ((map: string) => void) | undefined;

  set(map: string, key: Buffer, value: Buffer): void {
    let entries = this.maps.get(map);
    if (!entries) this.maps.set(map, (entries = new Map()));
    entries.set(key.toString('hex'), value);
  }

  /** A stack-trace map entry: the ips leaf first, zero-padded to 127 frames. */
  setStack(id: number, ips: readonly bigint[]): void {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(id);
    const value = Buffer.alloc(127 * 8);
    ips.forEach((ip, index) => value.writeBigUInt64LE(ip, index * 8));
    this.set('stack_traces', key, value);
  }

  size(map: string): number {
    return this.maps.get(map)?.size ?? 0;
  }

  entries(map: string, options: { clear?: boolean } = {}): Array<{ key: Buffer; value: Buffer }> {
    const entries = this.maps.get(map) ?? new Map<string, Buffer>();
    const result = [...entries].map(([key, value]) => ({ key: Buffer.from(key, 'hex'), value }));
    if (options.clear) entries.clear();
    this.afterRead?.(map);
    return result;
  }

  lookup(map: string, key: Buffer): Buffer | null {
    this.lookups.push({ map, key: Buffer.from(key) });
    return this.maps.get(map)?.get(key.toString('hex')) ?? null;
  }

  delete(map: string, key: Buffer): boolean {
    this.deleted.push({ map, key: Buffer.from(key) });
    return this.maps.get(map)?.delete(key.toString('hex')) ?? false;
  }

  sumPerCpuCounter(map: string): number {
    return this.counters.get(map) ?? 0;
  }

  setGlobal(name: string, bytes: Buffer): void {
    this.globals.set(name, bytes);
  }

  setMapMaxEntries(map: string, entries: number): void {
    this.maxEntries.set(map, entries);
  }

  asBpfObject(): BpfObject {
    return this as unknown as BpfObject;
  }
}

export const u64Value = (value: number | bigint): Buffer => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return buffer;
};
