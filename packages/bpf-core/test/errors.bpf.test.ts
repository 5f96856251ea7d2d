import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BpfError, BpfObject, startTool } from '../src/index.js';
import { kernelProgramIds, requireBpf } from '../src/testing/kernel.js';
import { resolveFunctions } from '../src/customProbe/targets.js';
import { findSystemLibc } from '../src/tools/gethostlatency/libc.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

/** How many perf events this process holds open (uprobes opened ahead of attach are among them). */
function openPerfEvents(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[perf_event]';
    } catch {
      return false; // the directory's own fd, gone once listed
    }
  }).length;
}

describe('bad input: a clear typed error and nothing attached', () => {
  let before: Set<number>;
  beforeAll(() => {
    requireBpf();
    before = kernelProgramIds();
  });

  const nothingNewLoaded = () => expectNothingNewLoaded(before);

  it('refuses an unknown tool', async () => {
    expectToolError(() => startTool('nosuchtool', {}), 'UNKNOWN_TOOL', /unknown tool "nosuchtool".*execsnoop/);
    await nothingNewLoaded();
  });

  it('refuses bad params with the field and the rule', async () => {
    const negativePid = expectToolError(() => startTool('tcplife', { pid: -1 }), 'INVALID_PARAMS', /pid: .*>=1/);
    expect(negativePid.details).toMatchObject({ properties: { pid: { errors: [expect.any(String)] } } });
    expectToolError(() => startTool('tcplife', { localPorts: [70000] }), 'INVALID_PARAMS', /localPorts\.0: .*65535/);
    expectToolError(() => startTool('execsnoop', { uid: -5 }), 'INVALID_PARAMS', /uid/);
    expectToolError(() => startTool('execsnoop', { maxArgs: 1000 }), 'INVALID_PARAMS', /maxArgs/);
    expectToolError(() => startTool('execsnoop', { bogus: true }), 'INVALID_PARAMS', /bogus/);
    expectToolError(() => startTool('execsnoop', 'not an object'), 'INVALID_PARAMS', /expected object/);
    expectToolError(() => startTool('execsnoop', {}, { attachMethod: 'fentry' }), 'INVALID_PARAMS', /no attach method fentry/);
    await nothingNewLoaded();
  });

  it('refuses a missing .bpf.o', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'bpfscope-'));
    expectToolError(() => startTool('execsnoop', {}, { objectDirectory: empty }), 'OBJECT_MISSING', /execsnoop\.bpf\.o is missing/);
    expectToolError(() => BpfObject.open('/nonexistent/x.bpf.o'), 'OBJECT_MISSING', /missing/);
    await nothingNewLoaded();
  });

  it('reports a corrupt object as a BpfError with an errno code', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-'));
    writeFileSync(path.join(directory, 'execsnoop.bpf.o'), 'this is not an ELF file');
    try {
      startTool('execsnoop', {}, { objectDirectory: directory });
      throw new Error('expected a BpfError');
    } catch (error) {
      expect(error).toBeInstanceOf(BpfError);
      expect((error as BpfError).code).toMatch(/^E[A-Z]+$/);
      expect((error as BpfError).message).toMatch(/failed to open BPF object/);
    }
    await nothingNewLoaded();
  });

  it('a failed attach undoes the load: a uprobe on a function that does not exist', async () => {
    const object = BpfObject.open(path.join(path.dirname(new URL(import.meta.url).pathname), '../out/bpf/probe.bpf.o'));
    object.selectPrograms(['probe_uprobe']);
    object.load();
    expect(() => object.attachUprobe('probe_uprobe', { binaryPath: '/bin/true', functionName: 'no_such_function_here' })).toThrow(BpfError);
    expect(() => object.setGlobal('nothing', Buffer.alloc(4))).toThrow(/already loaded/);
    object.close();
    expect(() => object.programs()).toThrow(/closed/);
    await nothingNewLoaded();
  });

  /** The test uprobe program, opened, and libc's malloc to put it on; the perf events open before it. */
  function uprobeObjectOnMalloc() {
    const libc = findSystemLibc();
    if (!libc) throw new Error('no libc found to put a uprobe on');
    const [malloc] = resolveFunctions(libc, 'malloc', { start: 0, end: 0 });
    if (!malloc) throw new Error(`no malloc in ${libc}`);
    const eventsBefore = openPerfEvents();
    const object = BpfObject.open(path.join(path.dirname(new URL(import.meta.url).pathname), '../out/bpf/probe.bpf.o'));
    object.selectPrograms(['probe_uprobe']);
    return { libc, malloc, eventsBefore, object };
  }

  it('uprobes opened while the object loads: a missing binary and a bad offset fail at attach, and nothing stays open', async () => {
    const { libc, malloc, eventsBefore, object } = uprobeObjectOnMalloc();
    const missing = { binaryPath: '/nonexistent/bpfscope-test-binary', fileOffset: 0x1000 };
    const pastTheEnd = { binaryPath: libc, fileOffset: 0x7fff_ffff };
    const good = { binaryPath: libc, fileOffset: malloc.fileOffset, retprobe: true };
    expect(object.openUprobeEvents([missing, pastTheEnd, good])).toBe(true);
    expect(() => object.openUprobeEvents([good])).toThrow(/only once, before load/);
    object.load();
    expect(() => object.attachUprobeAt('probe_uprobe', missing)).toThrow(
      /failed to attach probe_uprobe to \/nonexistent\/bpfscope-test-binary\+0x1000: No such file or directory/,
    );
    try {
      object.attachUprobeAt('probe_uprobe', pastTheEnd);
      throw new Error('expected a BpfError');
    } catch (error) {
      expect(error).toBeInstanceOf(BpfError);
      expect((error as BpfError).code).toBe('EINVAL');
      expect((error as BpfError).message).toMatch(/failed to attach probe_uprobe to .*\+0x7fffffff: Invalid argument/);
    }
    // The good one is open, never attached: closing the object closes it.
    expect(openPerfEvents()).toBe(eventsBefore + 1);
    expect(object.linkIds()).toEqual([]);
    object.close();
    expect(openPerfEvents()).toBe(eventsBefore);
    await nothingNewLoaded();
  });

  it('a uprobe opened ahead becomes a BPF link; a second of the same goes through libbpf; close lets go of both', async () => {
    const { libc, malloc, eventsBefore, object } = uprobeObjectOnMalloc();
    const target = { binaryPath: libc, fileOffset: malloc.fileOffset };
    expect(object.openUprobeEvents([target])).toBe(true);
    object.load();
    object.attachUprobeAt('probe_uprobe', { ...target, cookie: 7 });
    // A second attach of the same uprobe finds none left ahead and goes through libbpf.
    object.attachUprobeAt('probe_uprobe', { ...target, cookie: 8 });
    expect(object.linkIds()).toHaveLength(2);
    expect(openPerfEvents()).toBe(eventsBefore + 2);
    await object.closeAsync();
    expect(openPerfEvents()).toBe(eventsBefore);
    await nothingNewLoaded();
  });
});
