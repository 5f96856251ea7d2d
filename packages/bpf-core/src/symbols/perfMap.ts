// JIT symbol maps, /tmp/perf-PID.map: one `START SIZE name` line per piece of
// generated code (hex, no 0x), appended as the runtime compiles (node
// --perf-basic-prof, the JVM's perf-map-agent, LuaJIT...). Code can be freed
// and its address reused, so for overlapping entries the latest line wins.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

interface PerfMapEntry {
  start: number;
  size: number;
  name: string;
  /** Line number: later lines describe newer code. */
  order: number;
}

/** How far back from the nearest preceding entry to look for a newer, overlapping one. */
const OVERLAP_SCAN = 32;

export class PerfMap {
  private entries: PerfMapEntry[] = [];
  private parsedBytes = 0;
  private lines = 0;
  private lastReadAt = -Infinity;

  /** `rereadIntervalMs`: misses re-read the file at most this often (a JIT without a map would be opened per frame). */
  constructor(
    readonly path: string,
    private readonly rereadIntervalMs = 0,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** The name of the code at `address`; reads what the file gained since last time before giving up. */
  lookup(address: bigint): string | undefined {
    if (address > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const target = Number(address);
    const found = this.find(target);
    if (found !== undefined) return found;
    const now = performance.now();
    if (now - this.lastReadAt < this.rereadIntervalMs) return undefined;
    this.lastReadAt = now;
    return this.readNewLines() ? this.find(target) : undefined;
  }

  private find(address: number): string | undefined {
    let low = 0;
    let high = this.entries.length - 1;
    let preceding = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle]?.start ?? Infinity) <= address) {
        preceding = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    let best: PerfMapEntry | undefined;
    for (let index = preceding; index >= 0 && index > preceding - OVERLAP_SCAN; index--) {
      const entry = this.entries[index];
      if (entry !== undefined && address < entry.start + entry.size && (best === undefined || entry.order > best.order)) best = entry;
    }
    return best?.name;
  }

  /** Parses lines appended since the last read; true when there were any. */
  private readNewLines(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.parsedBytes) {
        // Truncated and rewritten (a new process with a reused pid): start over.
        this.entries = [];
        this.parsedBytes = 0;
      }
      if (size === this.parsedBytes) return false;
      const buffer = Buffer.allocUnsafe(size - this.parsedBytes);
      let done = 0;
      while (done < buffer.length) {
        const count = readSync(fd, buffer, done, buffer.length - done, this.parsedBytes + done);
        if (count === 0) break;
        done += count;
      }
      // A line still being written is read next time.
      const complete = buffer.lastIndexOf(0x0a, done - 1) + 1;
      if (complete === 0) return false;
      this.parsedBytes += complete;
      let added = 0;
      for (const line of buffer.toString('utf8', 0, complete).split('\n')) {
        const entry = this.parseLine(line);
        if (entry !== undefined) {
          this.entries.push(entry);
          added++;
        }
      }
      if (added > 0) this.entries.sort((a, b) => a.start - b.start || a.order - b.order);
      return added > 0;
    } catch {
      return false;
    } finally {
      closeSync(fd);
    }
  }

  private parseLine(line: string): PerfMapEntry | undefined {
    const firstSpace = line.indexOf(' ');
    const secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0) return undefined;
    const start = Number.parseInt(line.slice(0, firstSpace), 16);
    const size = Number.parseInt(line.slice(firstSpace + 1, secondSpace), 16);
    const name = line.slice(secondSpace + 1).trimEnd();
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || name === '') return undefined;
    return { start, size, name, order: this.lines++ };
  }
}
