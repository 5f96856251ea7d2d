import { describe, expect, it } from 'vitest';
import { tracepointAttachMethods } from './attachMethods.js';

describe('tracepointAttachMethods', () => {
  it('prefers tp_btf, falls back to raw_tracepoint, each with its feature first', () => {
    const methods = tracepointAttachMethods({
      programs: ['offwaketime_waking', 'offwaketime_switch'],
      tracepoints: ['sched:sched_waking', 'sched:sched_switch'],
      requires: [{ kind: 'feature', feature: 'stackTraceMap' }],
    });
    const rest = [
      { kind: 'feature', feature: 'stackTraceMap' },
      { kind: 'tracepoint', category: 'sched', name: 'sched_waking' },
      { kind: 'tracepoint', category: 'sched', name: 'sched_switch' },
    ];
    expect(methods).toEqual([
      { name: 'tp_btf', programs: ['offwaketime_waking_btf', 'offwaketime_switch_btf'], requires: [{ kind: 'feature', feature: 'tpBtf' }, ...rest] },
      {
        name: 'raw_tracepoint',
        programs: ['offwaketime_waking_raw', 'offwaketime_switch_raw'],
        requires: [{ kind: 'feature', feature: 'rawTracepoint' }, ...rest],
      },
    ]);
  });

  it('falls back to the classic tracepoint when asked', () => {
    const methods = tracepointAttachMethods({ programs: ['tcplife'], tracepoints: ['sock:inet_sock_set_state'], fallback: 'tracepoint' });
    expect(methods[1]).toEqual({
      name: 'tracepoint',
      programs: ['tcplife_tracepoint'],
      requires: [
        { kind: 'feature', feature: 'tracepoint' },
        { kind: 'tracepoint', category: 'sock', name: 'inet_sock_set_state' },
      ],
    });
  });
});
