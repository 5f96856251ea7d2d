import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BpfError, BpfObject, startTool } from '../src/index.js';
import { kernelProgramIds, requireBpf } from '../src/testing/kernel.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

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
});
