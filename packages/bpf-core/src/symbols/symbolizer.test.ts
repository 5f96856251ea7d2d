// The Symbolizer against live processes whose addresses we know: the C fixture
// (PIE and not, its libc, its vdso, a library loaded later, stripped with a
// debug file, deleted, exited), node writing its own perf map, and the kernel.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SymbolsTarget, buildSymbolsTarget } from '../../test/fixtures/symbolsTarget.js';
import type { SymbolsTargetVariant } from '../../test/fixtures/symbolsTarget.js';
import { Symbolizer } from './symbolizer.js';

const buildDirectory = realpathSync(mkdtempSync(path.join(tmpdir(), 'bpfscope-symbols-')));
const binaries: Record<SymbolsTargetVariant, string> = {
  pie: path.join(buildDirectory, 'symbolsTarget-pie'),
  'no-pie': path.join(buildDirectory, 'symbolsTarget-no-pie'),
};
const targets: SymbolsTarget[] = [];

async function startTarget(binary: string): Promise<SymbolsTarget> {
  const target = await SymbolsTarget.start(binary);
  targets.push(target);
  return target;
}

/** Names of the functions at the address of `symbol` in an ELF file, as readelf sees them (aliases included). */
function functionNamesAt(file: string, symbol: string, table: '--syms' | '--dyn-syms' = '--dyn-syms'): { value: bigint; names: string[] } {
  const rows = execFileSync('readelf', [table, '-W', file], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === 'FUNC' && fields[7] !== undefined)
    .map((fields) => ({ value: BigInt(`0x${fields[1]}`), name: (fields[7] as string).replace(/@.*$/, '') }));
  const value = rows.find((row) => row.name === symbol)?.value;
  if (value === undefined) throw new Error(`${symbol} not in ${file}`);
  return { value, names: rows.filter((row) => row.value === value).map((row) => row.name) };
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('symbolizer tests read /proc/PID/mem and map_files: run them as root');
  buildSymbolsTarget(binaries.pie, 'pie');
  buildSymbolsTarget(binaries['no-pie'], 'no-pie');
});
afterEach(async () => {
  await Promise.all(targets.splice(0).map((target) => target.stop()));
});
afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

describe.each(['pie', 'no-pie'] as const)('user addresses of a %s executable', (variant) => {
  it('names its own functions, at their start and in their middle, with the binary as module', async () => {
    const target = await startTarget(binaries[variant]);
    const symbolizer = new Symbolizer();
    // Sanity: the two builds really differ (PIE loads high, non-PIE at its link address).
    if (variant === 'pie') expect(target.address('main')).toBeGreaterThan(0x1_0000_0000n);
    else expect(target.address('main')).toBeLessThan(0x1_0000_0000n);
    for (const name of ['symbols_target_leaf', 'symbols_target_caller', 'symbols_target_local', 'main']) {
      for (const delta of [0n, 4n]) {
        const frame = symbolizer.user(target.pid, target.address(name) + delta);
        expect(frame).toEqual({ name, module: binaries[variant], kernel: false, address: target.address(name) + delta });
      }
    }
  });

  it("names libc's getpid (its public name, not the __getpid alias)", async () => {
    const target = await startTarget(binaries[variant]);
    const symbolizer = new Symbolizer();
    for (const delta of [0n, 4n]) {
      const frame = symbolizer.user(target.pid, target.address('getpid') + delta);
      expect(frame.name).toBe('getpid');
      expect(frame.module).toMatch(/\/libc\.so\.6$/);
    }
  });
});

describe('Symbolizer, user space', () => {
  it('parses a library once for every process that maps it, and caches frames', async () => {
    const [first, second] = await Promise.all([startTarget(binaries.pie), startTarget(binaries.pie)]);
    if (first === undefined || second === undefined) throw new Error('unreachable');
    const symbolizer = new Symbolizer();
    symbolizer.user(first.pid, first.address('main'));
    symbolizer.user(first.pid, first.address('getpid'));
    const parsed = symbolizer.stats().elfFilesParsed;
    expect(parsed).toBe(2);
    symbolizer.user(second.pid, second.address('main'));
    symbolizer.user(second.pid, second.address('getpid'));
    expect(symbolizer.stats().elfFilesParsed).toBe(parsed);

    const { cacheHits, cacheMisses } = symbolizer.stats();
    expect(symbolizer.user(first.pid, first.address('main')).name).toBe('main');
    expect(symbolizer.stats()).toMatchObject({ cacheHits: cacheHits + 1, cacheMisses, processes: 2, unknownFrames: 0 });
  });

  it('names functions of a library loaded after it first read the process maps', async () => {
    const target = await startTarget(binaries.pie);
    const symbolizer = new Symbolizer({ refreshIntervalMs: 0 });
    expect(symbolizer.user(target.pid, target.address('main')).name).toBe('main');
    const cbrt = await target.load('libm.so.6', 'cbrt');
    const frame = symbolizer.user(target.pid, cbrt + 8n);
    expect(frame.module).toMatch(/\/libm\.so\.6$/);
    // cbrt has aliases (cbrtf64, cbrtf32x): the shortest name is shown.
    expect(frame.name).toBe('cbrt');
  });

  it('names vdso functions from the process memory', async () => {
    const target = await startTarget(binaries.pie);
    const vdso = target.address('vdso');
    const mapping = readFileSync(`/proc/${target.pid}/maps`, 'utf8')
      .split('\n')
      .find((line) => line.endsWith('[vdso]'));
    const [start = '', end = ''] = mapping?.split(' ')[0]?.split('-') ?? [];
    expect(BigInt(`0x${start}`)).toBe(vdso);
    // readelf on a copy of the image tells us where __vdso_clock_gettime is.
    const image = Buffer.alloc(Number(BigInt(`0x${end}`) - vdso));
    const fd = openSync(`/proc/${target.pid}/mem`, 'r');
    readSync(fd, image, 0, image.length, Number(vdso));
    closeSync(fd);
    const imageFile = path.join(buildDirectory, 'vdso.so');
    writeFileSync(imageFile, image);
    const { value, names } = functionNamesAt(imageFile, '__vdso_clock_gettime');

    const frame = new Symbolizer().user(target.pid, vdso + value + 3n);
    expect(frame.module).toBe('[vdso]');
    expect(names).toContain(frame.name);
  });

  it('uses a separate debug file (by build id) for a stripped binary', async () => {
    const stripped = path.join(buildDirectory, 'symbolsTarget-stripped');
    const debugDirectory = path.join(buildDirectory, 'debug');
    copyFileSync(binaries.pie, stripped);
    const buildId = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', stripped], { encoding: 'utf8' }))?.[1] ?? '';
    const debugFile = path.join(debugDirectory, '.build-id', buildId.slice(0, 2), `${buildId.slice(2)}.debug`);
    mkdirSync(path.dirname(debugFile), { recursive: true });
    execFileSync('objcopy', ['--only-keep-debug', stripped, debugFile]);
    execFileSync('strip', ['--strip-all', stripped]);
    const target = await startTarget(stripped);
    const local = target.address('symbols_target_local');

    const withDebug = new Symbolizer({ debugDirectories: [debugDirectory] });
    expect(withDebug.user(target.pid, local + 2n).name).toBe('symbols_target_local');
    expect(withDebug.stats().debugFilesUsed).toBe(1);

    // Without it: the file offset, which is the link-time address in this PIE (addr2line takes it).
    const { value } = functionNamesAt(binaries.pie, 'symbols_target_local', '--syms');
    const frame = new Symbolizer({ debugDirectories: [] }).user(target.pid, local + 2n);
    expect(frame).toMatchObject({ name: `symbolsTarget-stripped+0x${(value + 2n).toString(16)}`, module: stripped });
  });

  it('names functions of a running binary deleted from disk (map_files), and offsets once it also exited', async () => {
    const deleted = path.join(buildDirectory, 'symbolsTarget-deleted');
    copyFileSync(binaries.pie, deleted);
    const target = await startTarget(deleted);
    rmSync(deleted);
    const leaf = target.address('symbols_target_leaf');
    expect(new Symbolizer().user(target.pid, leaf)).toMatchObject({ name: 'symbols_target_leaf', module: deleted });

    const symbolizer = new Symbolizer();
    // Read the maps (through the vdso) but not the binary, then let the process go.
    symbolizer.user(target.pid, target.address('vdso'));
    await target.stop();
    const { value } = functionNamesAt(binaries.pie, 'symbols_target_leaf', '--syms');
    expect(symbolizer.user(target.pid, leaf)).toMatchObject({ name: `symbolsTarget-deleted+0x${value.toString(16)}`, module: deleted });
    // That frame and the vdso's ELF header, which is no function: `[vdso]+0x0`.
    expect(symbolizer.stats().unknownFrames).toBe(2);
  });

  it('still names the stacks of a process that exited after loadProcess', async () => {
    const target = await startTarget(binaries.pie);
    const symbolizer = new Symbolizer();
    expect(symbolizer.loadProcess(target.pid)).toBe(true);
    await target.stop();
    expect(symbolizer.user(target.pid, target.address('symbols_target_caller')).name).toBe('symbols_target_caller');
    expect(symbolizer.user(target.pid, target.address('getpid')).name).toBe('getpid');
    expect(symbolizer.loadProcess(target.pid)).toBe(true);
  });

  it('returns [unknown] for a process it never saw alive and for unmapped addresses, without throwing', async () => {
    const child = spawn('true');
    await once(child, 'exit');
    const symbolizer = new Symbolizer();
    expect(symbolizer.loadProcess(child.pid as number)).toBe(false);
    expect(symbolizer.user(child.pid as number, 0x401000n)).toEqual({ name: '[unknown]', module: '[unknown]', kernel: false, address: 0x401000n });
    expect(symbolizer.user(-5, 0n).name).toBe('[unknown]');

    const target = await startTarget(binaries.pie);
    expect(symbolizer.user(target.pid, 0x10n).name).toBe('[unknown]');
    expect(symbolizer.user(target.pid, 0xffff_ffff_ffff_ffffn).name).toBe('[unknown]');
    expect(symbolizer.stats().unknownFrames).toBe(4);
  });
});

describe('Symbolizer, JIT perf maps', () => {
  it('names JIT-compiled code from the perf map node --perf-basic-prof writes', async () => {
    const script = 'function symbolsHotLoop(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s }; setInterval(() => symbolsHotLoop(1e5), 2)';
    // Its cwd gets a V8 isolate log: keep that in the build directory.
    const child = spawn(process.execPath, ['--perf-basic-prof', '-e', script], { stdio: 'ignore', cwd: buildDirectory });
    const pid = child.pid as number;
    const perfMapPath = `/tmp/perf-${pid}.map`;
    try {
      // Wait for optimized (Maglev/Turbofan, JS:^ or JS:*) code: it lives in anonymous executable memory.
      let entry: { start: bigint; name: string } | undefined;
      for (let attempt = 0; attempt < 100 && entry === undefined; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const line = existsSync(perfMapPath)
          ? readFileSync(perfMapPath, 'utf8')
              .split('\n')
              .find((candidate) => /^[0-9a-f]+ [0-9a-f]+ JS:[*^]symbolsHotLoop/.test(candidate))
          : undefined;
        if (line !== undefined) {
          const [start = '', , ...name] = line.split(' ');
          entry = { start: BigInt(`0x${start}`), name: name.join(' ') };
        }
      }
      if (entry === undefined) throw new Error('node wrote no optimized symbolsHotLoop to its perf map');
      const mapping = readFileSync(`/proc/${pid}/maps`, 'utf8')
        .split('\n')
        .map((line) => line.split(/\s+/))
        .find(([range = '']) => {
          const [start = '0', end = '0'] = range.split('-');
          return BigInt(`0x${start}`) <= entry.start && entry.start < BigInt(`0x${end}`);
        });
      expect(mapping?.[1]).toContain('x');
      expect(mapping?.[5] ?? '').toBe('');

      expect(new Symbolizer().user(pid, entry.start + 1n)).toEqual({ name: entry.name, module: perfMapPath, kernel: false, address: entry.start + 1n });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
      rmSync(perfMapPath, { force: true });
    }
  });
});

describe('Symbolizer, kernel', () => {
  it('names the address of schedule, and one byte into it', () => {
    const line = readFileSync('/proc/kallsyms', 'utf8')
      .split('\n')
      .find((candidate) => / [tT] schedule$/.test(candidate));
    const address = BigInt(`0x${line?.split(' ')[0] ?? '0'}`);
    expect(address).not.toBe(0n);
    const symbolizer = new Symbolizer();
    expect(symbolizer.kernel(address)).toEqual({ name: 'schedule', module: '[kernel]', kernel: true, address });
    expect(symbolizer.kernel(address + 1n)).toEqual({ name: 'schedule', module: '[kernel]', kernel: true, address: address + 1n });
    expect(symbolizer.kernel(address)).toMatchObject({ name: 'schedule' });
    expect(symbolizer.stats()).toMatchObject({ kernelAddressesHidden: false, cacheHits: 1, cacheMisses: 2, unknownFrames: 0 });
    expect(symbolizer.stats().kernelSymbols).toBeGreaterThan(1000);
  });

  it('names module symbols, and reports hidden or unreadable kallsyms', () => {
    const kallsyms = path.join(buildDirectory, 'kallsyms');
    writeFileSync(
      kallsyms,
      [
        'ffffffff81000000 T _text',
        'ffffffff81000000 t startup_64',
        'ffffffff81001000 T do_one_initcall',
        'ffffffff82000000 D some_data',
        'ffffffffc0201000 t ext4_file_read_iter\t[ext4]',
        'ffffffffc0202000 t bpf_prog_1f14492d48db65f7_handle\t[bpf]',
        '',
      ].join('\n'),
    );
    const symbolizer = new Symbolizer({ kallsymsPath: kallsyms });
    expect(symbolizer.kernel(0xffffffff81000010n)).toMatchObject({ name: '_text', module: '[kernel]' });
    // The data symbol is skipped: the address still belongs to the preceding function.
    expect(symbolizer.kernel(0xffffffff82000010n)).toMatchObject({ name: 'do_one_initcall', module: '[kernel]' });
    expect(symbolizer.kernel(0xffffffffc0201234n)).toMatchObject({ name: 'ext4_file_read_iter', module: 'ext4', kernel: true });
    expect(symbolizer.kernel(0xffffffffc0202001n)).toMatchObject({ name: 'bpf_prog_1f14492d48db65f7_handle', module: 'bpf' });
    expect(symbolizer.kernel(0x1000n)).toMatchObject({ name: '[unknown]', module: '[kernel]' });
    expect(symbolizer.stats()).toMatchObject({ kernelSymbols: 4, unknownFrames: 1 });

    writeFileSync(kallsyms, '0000000000000000 T _text\n0000000000000000 T schedule\n');
    const hidden = new Symbolizer({ kallsymsPath: kallsyms });
    expect(hidden.kernel(0xffffffff81000010n).name).toBe('[unknown]');
    expect(hidden.stats()).toMatchObject({ kernelAddressesHidden: true, kernelSymbols: 0 });

    const missing = new Symbolizer({ kallsymsPath: path.join(buildDirectory, 'no-such-kallsyms') });
    expect(missing.kernel(0xffffffff81000010n).name).toBe('[unknown]');
    expect(missing.stats().kernelSymbolsError).toMatch(/ENOENT/);
  });

  it('reads kallsyms again for an address outside the kernel image once BPF programs were loaded since, once for all of them', () => {
    const kallsyms = path.join(buildDirectory, 'kallsyms-bpf');
    const core = ['ffffffff81000000 T _stext', 'ffffffff81001000 T schedule', 'ffffffff83000000 T _einittext'];
    const old = 'ffffffffc0026000 t bpf_prog_1f14492d48db65f7_old\t[bpf]';
    const loadedSince = [
      ...core,
      'ffffffffc0025000 t bpf_prog_86275e21a9cc1380_before\t[bpf]',
      old,
      'ffffffffc0029000 t bpf_prog_e15858918bee0289_after\t[bpf]',
      '',
    ];
    writeFileSync(kallsyms, [...core, old, ''].join('\n'));
    let version = 1;
    const symbolizer = new Symbolizer({ kallsymsPath: kallsyms, bpfProgramsVersion: () => version });
    expect(symbolizer.kernel(0xffffffff81001004n)).toMatchObject({ name: 'schedule' });
    expect(symbolizer.kernel(0xffffffffc0026010n)).toMatchObject({ name: 'bpf_prog_1f14492d48db65f7_old', module: 'bpf' });
    expect(symbolizer.stats().kernelSymbolReads).toBe(1);

    // The file changed but no program was loaded, as far as the version says: the snapshot stands.
    writeFileSync(kallsyms, loadedSince.join('\n'));
    expect(symbolizer.kernel(0xffffffffc0029010n)).toMatchObject({ name: 'bpf_prog_1f14492d48db65f7_old' });
    expect(symbolizer.stats().kernelSymbolReads).toBe(1);

    version = 2;
    // In the kernel image nothing can be new: no read.
    expect(symbolizer.kernel(0xffffffff81001008n)).toMatchObject({ name: 'schedule' });
    expect(symbolizer.stats().kernelSymbolReads).toBe(1);
    // Past the last program known, and between the kernel image and the first one.
    expect(symbolizer.kernel(0xffffffffc0029020n)).toMatchObject({ name: 'bpf_prog_e15858918bee0289_after', module: 'bpf' });
    expect(symbolizer.kernel(0xffffffffc0025010n)).toMatchObject({ name: 'bpf_prog_86275e21a9cc1380_before', module: 'bpf' });
    // The name cached before is gone with the old snapshot.
    expect(symbolizer.kernel(0xffffffffc0029010n)).toMatchObject({ name: 'bpf_prog_e15858918bee0289_after' });
    for (let offset = 0n; offset < 100n; offset++) symbolizer.kernel(0xffffffffc0029100n + offset);
    expect(symbolizer.stats().kernelSymbolReads).toBe(2);
  });

  it('checks a cached name outside the kernel image again after the refresh interval: its program may have been replaced', () => {
    const kallsyms = path.join(buildDirectory, 'kallsyms-replaced');
    const core = ['ffffffff81000000 T _stext', 'ffffffff83000000 T _einittext'];
    writeFileSync(kallsyms, [...core, 'ffffffffc0026000 t bpf_prog_1f14492d48db65f7_first\t[bpf]', ''].join('\n'));
    let version = 1;
    const symbolizer = new Symbolizer({ kallsymsPath: kallsyms, bpfProgramsVersion: () => version, refreshIntervalMs: 0 });
    expect(symbolizer.kernel(0xffffffffc0026010n)).toMatchObject({ name: 'bpf_prog_1f14492d48db65f7_first' });
    writeFileSync(kallsyms, [...core, 'ffffffffc0026000 t bpf_prog_86275e21a9cc1380_second\t[bpf]', ''].join('\n'));
    expect(symbolizer.kernel(0xffffffffc0026010n)).toMatchObject({ name: 'bpf_prog_1f14492d48db65f7_first' });
    version = 2;
    expect(symbolizer.kernel(0xffffffffc0026010n)).toMatchObject({ name: 'bpf_prog_86275e21a9cc1380_second' });
    expect(symbolizer.stats()).toMatchObject({ kernelSymbolReads: 2, cacheHits: 1, cacheMisses: 2 });
  });
});
