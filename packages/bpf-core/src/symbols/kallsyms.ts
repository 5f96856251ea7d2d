// Kernel symbols from /proc/kallsyms: text symbols only (t, T, w, W), sorted
// by address for binary search. kallsyms has no sizes, so an address belongs
// to the nearest preceding symbol, as in perf and bcc.

export interface KernelSymbol {
  name: string;
  /** `[kernel]`, or the module name without brackets (`ext4`, `bpf` for BPF programs). */
  module: string;
}

export const KERNEL_MODULE = '[kernel]';

const TEXT_TYPES = new Set(['t', 'T', 'w', 'W']);

/**
 * Addresses are kept as (high, low) 32-bit halves: exact, and parsing 100k+
 * lines without a BigInt each is several times faster.
 */
export class KernelSymbolTable {
  private constructor(
    private readonly highHalves: Uint32Array,
    private readonly lowHalves: Uint32Array,
    private readonly names: readonly string[],
    private readonly modules: readonly string[],
    /** kptr_restrict hid the addresses: every one reads 0. */
    readonly addressesHidden: boolean,
    /** First and last `[kernel]` symbol: the kernel image, whose text never changes (modules and BPF programs lie outside). */
    private readonly imageStart = 1n,
    private readonly imageEnd = 0n,
  ) {}

  static readonly empty = new KernelSymbolTable(new Uint32Array(0), new Uint32Array(0), [], [], false);

  get size(): number {
    return this.names.length;
  }

  /** Parses the text of /proc/kallsyms: `ffffffff81000000 T _stext` or `... t name\t[module]`. */
  static parse(text: string): KernelSymbolTable {
    const highHalves: number[] = [];
    const lowHalves: number[] = [];
    const names: string[] = [];
    const modules: string[] = [];
    const globals: boolean[] = [];
    let sawNonZero = false;
    let lineStart = 0;
    while (lineStart < text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      const line = text.slice(lineStart, lineEnd);
      lineStart = lineEnd + 1;
      const firstSpace = line.indexOf(' ');
      if (firstSpace <= 0 || firstSpace > 16 || line.length < firstSpace + 4) continue;
      const type = line[firstSpace + 1] ?? '';
      if (!TEXT_TYPES.has(type) || line[firstSpace + 2] !== ' ') continue;
      const tab = line.indexOf('\t', firstSpace);
      const name = (tab < 0 ? line.slice(firstSpace + 3) : line.slice(firstSpace + 3, tab)).trim();
      const lowStart = Math.max(0, firstSpace - 8);
      const high = lowStart > 0 ? Number.parseInt(line.slice(0, lowStart), 16) : 0;
      const low = Number.parseInt(line.slice(lowStart, firstSpace), 16);
      if (name === '' || Number.isNaN(high) || Number.isNaN(low)) continue;
      if (high !== 0 || low !== 0) sawNonZero = true;
      highHalves.push(high);
      lowHalves.push(low);
      names.push(name);
      modules.push(
        tab < 0
          ? KERNEL_MODULE
          : line
              .slice(tab + 1)
              .trim()
              .replace(/^\[(.*)\]$/, '$1') || KERNEL_MODULE,
      );
      globals.push(type === 'T' || type === 'W');
    }
    if (names.length > 0 && !sawNonZero) return new KernelSymbolTable(new Uint32Array(0), new Uint32Array(0), [], [], true);

    const compare = (a: number, b: number) => (highHalves[a] ?? 0) - (highHalves[b] ?? 0) || (lowHalves[a] ?? 0) - (lowHalves[b] ?? 0);
    const order = Array.from({ length: names.length }, (_, index) => index).sort((a, b) => compare(a, b) || a - b);
    // One name per address: the global one if any (T _text over t startup_64), else the first listed.
    const kept: number[] = [];
    for (const index of order) {
      const last = kept[kept.length - 1];
      if (last !== undefined && compare(last, index) === 0) {
        if (globals[index] === true && globals[last] !== true) kept[kept.length - 1] = index;
      } else {
        kept.push(index);
      }
    }
    const addressOf = (index: number) => (BigInt(highHalves[index] ?? 0) << 32n) | BigInt(lowHalves[index] ?? 0);
    const image = kept.filter((index) => modules[index] === KERNEL_MODULE);
    const first = image[0];
    const last = image[image.length - 1];
    return new KernelSymbolTable(
      Uint32Array.from(kept, (index) => highHalves[index] ?? 0),
      Uint32Array.from(kept, (index) => lowHalves[index] ?? 0),
      kept.map((index) => names[index] ?? ''),
      kept.map((index) => modules[index] ?? KERNEL_MODULE),
      false,
      first === undefined ? 1n : addressOf(first),
      last === undefined ? 0n : addressOf(last),
    );
  }

  /**
   * True when `address` lies in the kernel image (between its first and last
   * symbol), false in module or BPF JIT memory, where code comes and goes.
   */
  inKernelImage(address: bigint): boolean {
    return address >= this.imageStart && address < this.imageEnd;
  }

  /** The symbol at or before `address`; O(log n). */
  lookup(address: bigint): KernelSymbol | undefined {
    if (address < 0n || address > 0xffff_ffff_ffff_ffffn) return undefined;
    const high = Number(address >> 32n);
    const low = Number(address & 0xffff_ffffn);
    let lowIndex = 0;
    let highIndex = this.names.length - 1;
    let preceding = -1;
    while (lowIndex <= highIndex) {
      const middle = (lowIndex + highIndex) >>> 1;
      const middleHigh = this.highHalves[middle] ?? 0;
      if (middleHigh < high || (middleHigh === high && (this.lowHalves[middle] ?? 0) <= low)) {
        preceding = middle;
        lowIndex = middle + 1;
      } else {
        highIndex = middle - 1;
      }
    }
    if (preceding < 0) return undefined;
    return { name: this.names[preceding] ?? '', module: this.modules[preceding] ?? KERNEL_MODULE };
  }
}
