import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTool } from '../src/index.js';
import { eventually, kernelLinkIds, kernelProgramIds, requireBpf } from '../src/testing/kernel.js';

const holdSessions = fileURLToPath(new URL('./fixtures/holdSessions.ts', import.meta.url));

describe('nothing stays attached', () => {
  beforeAll(() => requireBpf());

  it('close() detaches and unloads every program and link of a session', async () => {
    const session = startTool('tcplife', {});
    const programIds = session.programIds();
    const linkIds = session.linkIds();
    expect(programIds.length).toBeGreaterThan(0);
    expect(linkIds.length).toBeGreaterThan(0);
    const loaded = kernelProgramIds();
    for (const id of programIds) expect(loaded.has(id)).toBe(true);
    const links = kernelLinkIds();
    for (const id of linkIds) expect(links.has(id)).toBe(true);

    const closing = session.close();
    expect(session.close()).toBe(closing); // twice is harmless
    await closing;
    expect(await eventually(() => programIds.every((id) => !kernelProgramIds().has(id)))).toBe(true);
    expect(await eventually(() => linkIds.every((id) => !kernelLinkIds().has(id)))).toBe(true);
  });

  it('a process killed with SIGKILL while holding sessions leaves no program or link behind', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', holdSessions, 'execsnoop', 'tcplife'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const held = JSON.parse(line) as { programIds: number[]; linkIds: number[] };
    expect(held.programIds).toHaveLength(3); // execsnoop enter + exit, tcplife's one
    expect(held.linkIds).toHaveLength(3);
    const loaded = kernelProgramIds();
    for (const id of held.programIds) expect(loaded.has(id)).toBe(true);

    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await eventually(() => held.programIds.every((id) => !kernelProgramIds().has(id)))).toBe(true);
    expect(await eventually(() => held.linkIds.every((id) => !kernelLinkIds().has(id)))).toBe(true);
  });

  it('the rows() iterator ends when the session closes and counts rows it had to drop', async () => {
    const session = startTool<{ pid: number }>('execsnoop', {});
    const iterator = session.rows({ maxBufferedRows: 3 })[Symbol.asyncIterator]();
    const first = iterator.next(); // subscribes; nothing consumed while execs happen
    for (let i = 0; i < 10; i++) {
      const child = spawn('/bin/true', [], { stdio: 'ignore' });
      await once(child, 'exit');
    }
    session.flush();
    const batch = await first;
    expect(batch.done).toBe(false);
    let delivered = batch.value?.length ?? 0;
    const closing = session.close();
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) delivered += result.value.length;
    // Other processes may exec too: at least our 10 were seen, at most 3 waited.
    expect(session.stats().events).toBeGreaterThanOrEqual(10);
    expect(delivered).toBeLessThanOrEqual(4);
    expect(session.stats().userDrops).toBe(session.stats().events - delivered);
    await closing;
  });
});

describe('minimized kernel BTF for CO-RE', () => {
  beforeAll(() => requireBpf());

  it('is made once and loads tools the same as the full vmlinux BTF', async () => {
    const { coreBtf, BpfObject } = await import('../src/index.js');
    const { bpfObjectPath } = await import('../src/paths.js');
    const status = coreBtf();
    expect(status.reason).toBeUndefined();
    expect(status.path).toMatch(/core-[0-9a-f]{24}\.btf$/);
    expect(coreBtf()).toBe(status);
    for (const fullKernelBtf of [false, true]) {
      const object = BpfObject.open(bpfObjectPath('tcplife.bpf.o'), { fullKernelBtf });
      object.selectPrograms(['tcplife_btf']);
      object.load();
      object.attach('tcplife_btf');
      expect(object.linkIds()).toHaveLength(1);
      object.close();
    }
  });
});
