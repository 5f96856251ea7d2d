// A fixture host that goes on living: a copy of a fixture's procfs that moves a step every second, each
// counter r(n) = r0 + n·(r1 − r0) from the fixture's two readings, so an agent pointed at it with --procfs
// sees a second pass each second (the interval comes from /proc/uptime) rather than no time at all.
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bpf-core's fixture trees (src/host/fixtures), found from src/testing and dist/testing alike. */
export const hostFixtures = fileURLToPath(new URL('../../src/host/fixtures/', import.meta.url));

const NUMBER = /\d+(?:\.\d+)?/g;

/** A number token n steps on from r0, as r1 is one step on; never below 0 (a gauge falling, like SwapFree). */
function step(r0: string, r1: string, n: number): string {
  if (r0 === r1) return r0;
  if (!r0.includes('.') && !r1.includes('.')) {
    const value = BigInt(r0) + BigInt(n) * (BigInt(r1) - BigInt(r0));
    return String(value < 0n ? 0n : value);
  }
  const decimals = Math.max(r0.split('.')[1]?.length ?? 0, r1.split('.')[1]?.length ?? 0);
  const value = Number(r0) + n * (Number(r1) - Number(r0));
  return Math.max(0, value).toFixed(decimals);
}

/** File text n steps on: numbers that differ between the readings move, the rest stays as reading 0 has it. */
export function advanceText(text0: string, text1: string, n: number): string {
  const numbers1 = text1.match(NUMBER) ?? [];
  const skeleton0 = text0.replace(NUMBER, '#');
  // Not the same shape (a line more in one reading): no step to take, reading 1 as it is.
  if (skeleton0 !== text1.replace(NUMBER, '#')) return n === 0 ? text0 : text1;
  let index = 0;
  return text0.replace(NUMBER, (token) => step(token, numbers1[index++] as string, n));
}

function files(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    return statSync(path.join(root, relative)).isDirectory() ? files(root, relative) : [relative];
  });
}

/**
 * A scratch copy of fixture `name` (a directory of 0/procfs, 1/procfs, sysfs and kmsg under hostFixtures) whose procfs
 * is at step `n`. start() steps it every second on the half second, so a sampler on the whole second reads a new step each time.
 */
export class AdvancingHostTree {
  readonly root: string;
  readonly procfs: string;
  readonly sysfs: string;
  readonly kmsg: string;
  #n = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #readings: Array<{ file: string; text0: string; text1: string }>;

  constructor(
    readonly name: string,
    fixtures = hostFixtures,
  ) {
    const fixture = path.join(fixtures, name);
    this.root = mkdtempSync(path.join(tmpdir(), `host-tree-${name}-`));
    this.procfs = path.join(this.root, 'procfs');
    this.sysfs = path.join(this.root, 'sysfs');
    this.kmsg = path.join(this.root, 'kmsg');
    cpSync(path.join(fixture, 'sysfs'), this.sysfs, { recursive: true });
    cpSync(path.join(fixture, 'kmsg'), this.kmsg);
    cpSync(path.join(fixture, '0', 'procfs'), this.procfs, { recursive: true });
    const first = path.join(fixture, '0', 'procfs');
    const second = path.join(fixture, '1', 'procfs');
    this.#readings = files(first).map((file) => {
      const text0 = readFileSync(path.join(first, file), 'utf8');
      let text1 = text0;
      try {
        text1 = readFileSync(path.join(second, file), 'utf8');
      } catch {
        // Only in the first reading: it stays as it is.
      }
      return { file, text0, text1 };
    });
  }

  get step(): number {
    return this.#n;
  }

  /** Rewrites procfs at step n (default: the next); each file replaced whole, so a reader never sees half of one. */
  advance(n = this.#n + 1): void {
    this.#n = n;
    for (const { file, text0, text1 } of this.#readings) {
      const target = path.join(this.procfs, file);
      writeFileSync(`${target}.next`, advanceText(text0, text1, n));
      renameSync(`${target}.next`, target);
    }
  }

  /** Steps every second, half-way between whole seconds. */
  start(): this {
    const schedule = () => {
      const now = Date.now();
      const delay = 1000 - ((now + 500) % 1000);
      this.#timer = setTimeout(() => {
        this.advance();
        schedule();
      }, delay);
      this.#timer.unref();
    };
    if (this.#timer === undefined) schedule();
    return this;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  dispose(): void {
    this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
