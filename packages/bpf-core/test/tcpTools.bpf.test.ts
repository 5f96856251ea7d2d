// tcpconnect, tcpaccept and tcpretrans: bad input is refused with a typed error
// and nothing attached; the attach methods this kernel cannot attach still load.
import { beforeAll, describe, expect, it } from 'vitest';
import { getTool, startTool } from '../src/index.js';
import type { ToolError } from '../src/index.js';
import { kernelProgramIds } from '../src/testing/kernel.js';
import { loadWithoutAttach } from './methods.js';
import { bpfTestResources } from './resources.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

const refused: Array<[tool: string, params: unknown, code: ToolError['code'], message: RegExp]> = [
  ['tcpconnect', { ports: [0] }, 'INVALID_PARAMS', /ports\.0: .*>=1/],
  ['tcpconnect', { ports: Array.from({ length: 9 }, (_, i) => i + 1) }, 'INVALID_PARAMS', /ports: .*8/],
  ['tcpconnect', { family: 'ipx' }, 'INVALID_PARAMS', /family/],
  ['tcpconnect', { uid: -1 }, 'INVALID_PARAMS', /uid/],
  ['tcpconnect', { lport: 1 }, 'INVALID_PARAMS', /lport/],
  // bcc's -c counts flows: -t, -U and -L print fields of each event.
  ['tcpconnect', { count: true, printUid: true }, 'INVALID_PARAMS', /printUid: .*not with count/],
  ['tcpconnect', { interval: 10 }, 'INVALID_PARAMS', /interval: .*count mode/],
  ['tcpaccept', { pid: 0 }, 'INVALID_PARAMS', /pid: .*>=1/],
  ['tcpaccept', { ports: [65536] }, 'INVALID_PARAMS', /ports\.0: .*65535/],
  ['tcpaccept', { family: 4 }, 'INVALID_PARAMS', /family/],
  ['tcpretrans', { lossProbes: 'yes' }, 'INVALID_PARAMS', /lossProbes/],
  ['tcpretrans', { count: 1 }, 'INVALID_PARAMS', /count/],
  ['tcpretrans', { count: true, interval: 0 }, 'INVALID_PARAMS', /interval: .*>=1/],
  ['tcpretrans', { family: 'ipv7' }, 'INVALID_PARAMS', /family/],
];

describe('TCP tools: bad input and the methods of other kernels', () => {
  const { sessions } = bpfTestResources();
  let before: Set<number>;
  beforeAll(() => {
    before = kernelProgramIds();
  });

  it.each(refused)('%s refuses %j with a typed error and attaches nothing', async (tool, params, code, message) => {
    expectToolError(() => startTool(tool, params), code, message);
    await expectNothingNewLoaded(before);
  });

  // Tail loss probes have no tracepoint: a kernel without fentry and kprobes (this one) still runs -l, retransmits only.
  it('tcpretrans lossProbes (bcc -l) runs with the best method here, and one without loss probes says so', () => {
    const session = startTool('tcpretrans', { lossProbes: true });
    sessions.push(session);
    const method = getTool('tcpretrans').attachMethods.find((candidate) => candidate.name === session.attachMethod);
    const seesLossProbes = session.attachMethod === 'fentry' || session.attachMethod === 'kprobe';
    // The retransmit program, and the loss probe's where the method has one.
    expect(session.programIds()).toHaveLength(seesLossProbes ? 2 : 1);
    if (!seesLossProbes) expect(method?.limitation).toMatch(/^no tail loss probes \(lossProbes, bcc -l\): tcp_send_loss_probe has no tracepoint/);
  });

  it('tcpaccept has no tp_btf method (the syscall tracepoints are its fallback)', () => {
    expectToolError(() => startTool('tcpaccept', {}, { attachMethod: 'tp_btf' }), 'INVALID_PARAMS', /no attach method tp_btf/);
  });

  // This kernel loads kprobe programs but cannot attach them: the verifier still judges them.
  it.each([
    ['tcpconnect', {}, ['tcpconnect_tracepoint', 'tcpconnect_v4_kprobe', 'tcpconnect_v4_kretprobe', 'tcpconnect_v6_kprobe', 'tcpconnect_v6_kretprobe']],
    ['tcpaccept', {}, ['tcpaccept_kretprobe']],
    ['tcpretrans', { lossProbes: true }, ['tcpretrans_loss_probe_kprobe', 'tcpretrans_tracepoint']],
  ])("%s's kprobe method loads (%j)", (tool, params, programs) => {
    expect(loadWithoutAttach(tool, 'kprobe', params).sort()).toEqual(programs);
  });
});
