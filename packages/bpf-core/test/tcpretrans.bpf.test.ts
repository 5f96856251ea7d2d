import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnmp, startTool } from '../src/index.js';
import { tcpretrans } from '../src/tools/tcpretrans/tcpretrans.js';
import type { TcpRetransCountRow, TcpRetransRow } from '../src/tools/tcpretrans/tcpretrans.js';
import { createVethPair } from './netns.js';
import type { VethPair } from './netns.js';
import { bpfTestResources } from './resources.js';
import { jsonLines } from './workloads.js';

const sendScript = fileURLToPath(new URL('./fixtures/tcpSend.mjs', import.meta.url));
const dropProgram = fileURLToPath(new URL('../out/fixtures/dropData.bpf.o', import.meta.url));
const PORT = 5001;
const BYTES = 4 << 20;

const { sessions, children } = bpfTestResources();

describe.each(['tp_btf', 'tracepoint'] as const)('tcpretrans via %s against a lossy link', (attachMethod) => {
  let pair: VethPair | undefined;
  beforeAll(() => {
    // a sends, b receives; b's veth drops about 1 in 10 data segments (test/fixtures/dropData.bpf.c).
    pair = createVethPair('bpfs-retrans');
    // One segment per skb: the loss hits segments, and each retransmit is one row and one RetransSegs.
    pair.ip(pair.a, ['link', 'set', 'dev', pair.a.device, 'gso_max_segs', '1']);
    pair.ip(pair.b, ['link', 'set', 'dev', pair.b.device, 'xdpgeneric', 'obj', dropProgram, 'sec', 'xdp']);
  });
  // The pair serves every test of this attach method.
  afterAll(() => pair?.remove());

  const start = <Row>(params: Record<string, unknown>) => {
    const session = startTool<Row>('tcpretrans', params, { attachMethod });
    sessions.push(session);
    return session;
  };

  /**
   * The sender's retransmits as its kernel counts them: RetransSegs is added before the segment is handed to
   * the device, so a transmit that then fails (ENOBUFS under load) is in it too, and also in TCPRetransFail.
   * The tracepoint reports only the ones sent (and, since 6.17, the failures with their error, left out).
   * A tail loss probe that resends a segment goes through __tcp_retransmit_skb, where both RetransSegs and the
   * tracepoint are (a 6.18 kernel stack: __tcp_retransmit_skb <- tcp_send_loss_probe): it is counted and seen alike.
   */
  const retransSegs = (vethPair: VethPair) => {
    const snmp = parseSnmp(vethPair.execIn(vethPair.a, 'cat', ['/proc/net/snmp']));
    const netstat = parseSnmp(vethPair.execIn(vethPair.a, 'cat', ['/proc/net/netstat']), '/proc/net/netstat');
    return (snmp.Tcp?.RetransSegs ?? Number.NaN) - (netstat.TcpExt?.TCPRetransFail ?? 0);
  };

  /** What the tool saw is what the kernel resent, loss probes' resends included: RetransSegs, within 2 % either way. */
  const expectRetransSegs = (seen: number, counted: number) => {
    const slack = Math.max(2, counted * 0.02);
    const figures = `${seen} seen, ${counted} RetransSegs`;
    expect(seen, figures).toBeLessThanOrEqual(counted + slack);
    expect(seen, figures).toBeGreaterThanOrEqual(counted - slack);
  };

  /** Runs one transfer from a to b and returns the sender's local port and the retransmits it sent during it. */
  const transfer = async (): Promise<{ localPort: number | undefined; retransSegs: number }> => {
    const vethPair = pair as VethPair;
    const receiverProcess = vethPair.spawnIn(vethPair.b, process.execPath, [sendScript, 'receive', vethPair.b.address, String(PORT)]);
    children.push(receiverProcess);
    await jsonLines<{ listening: boolean }>(receiverProcess).next();
    const before = retransSegs(vethPair);
    const sender = await jsonLines<{ localPort: number }>(
      vethPair.spawnIn(vethPair.a, process.execPath, [sendScript, 'send', vethPair.b.address, String(PORT), String(BYTES)]),
    ).done;
    expect(sender.code, sender.stderr).toBe(0);
    // Let the last retransmits (of the FIN's neighbours) land.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = retransSegs(vethPair);
    return { localPort: sender.lines[0]?.localPort, retransSegs: after - before };
  };

  it("shows the sender's retransmits with their addresses and state, as many as its RetransSegs", async () => {
    const { a, b } = pair as VethPair;
    const session = start<TcpRetransRow>({});
    expect(session.attachMethod).toBe(attachMethod);
    const rows: TcpRetransRow[] = [];
    session.onRows((batch) => rows.push(...batch.filter((row) => row.laddr === a.address || row.raddr === a.address)));
    const { localPort, retransSegs: counted } = await transfer();
    session.flush();

    expect(counted).toBeGreaterThan(20);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({
        ipVersion: 4,
        laddr: a.address,
        lport: localPort,
        local: `${a.address}:${localPort}`,
        type: 'R>',
        raddr: b.address,
        rport: PORT,
        remote: `${b.address}:${PORT}`,
        segments: 1,
      });
      expect(['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSING', 'LAST_ACK']).toContain(row.state);
      expect(row.seq).not.toBeNull();
    }
    expect(rows.some((row) => row.state === 'ESTABLISHED')).toBe(true);
    expectRetransSegs(rows.length, counted);
    expect(session.stats().kernelDrops).toBe(0);
  });

  // Tail loss probes have no tracepoint: asked for with a method that has none, the tool runs with retransmits alone.
  it('runs lossProbes (bcc -l) with retransmits only, its method saying why', async () => {
    const { a } = pair as VethPair;
    const session = start<TcpRetransRow>({ lossProbes: true });
    expect(session.attachMethod).toBe(attachMethod);
    expect(tcpretrans.attachMethods.find((method) => method.name === attachMethod)?.limitation).toMatch(/^no tail loss probes \(lossProbes, bcc -l\)/);
    const rows: TcpRetransRow[] = [];
    session.onRows((batch) => rows.push(...batch.filter((row) => row.laddr === a.address)));
    const { retransSegs: counted } = await transfer();
    session.flush();
    expect(counted).toBeGreaterThan(20);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.type !== 'R>')).toEqual([]);
    // RetransSegs adds each skb's segments: a collapsed or re-split skb is one row of several.
    expectRetransSegs(
      rows.reduce((sum, row) => sum + (row.segments ?? 0), 0),
      counted,
    );
  });

  it('counts them per connection in count mode (bcc -c), as many as RetransSegs', async () => {
    const { a, b } = pair as VethPair;
    const counting = start<TcpRetransCountRow>({ count: true });
    const rows: TcpRetransCountRow[] = [];
    counting.onRows((batch) => rows.push(...batch.filter((row) => row.laddr === a.address)));
    const { localPort, retransSegs: counted } = await transfer();
    counting.flushIntervalRows();

    expect(counted).toBeGreaterThan(20);
    for (const row of rows) expect(row).toMatchObject({ local: `${a.address}:${localPort}`, remote: `${b.address}:${PORT}`, lossProbes: 0 });
    const retransmits = rows.reduce((sum, row) => sum + row.retransmits, 0);
    const segments = rows.reduce((sum, row) => sum + row.segments, 0);
    expect(segments).toBe(retransmits);
    expectRetransSegs(retransmits, counted);
  });
});
