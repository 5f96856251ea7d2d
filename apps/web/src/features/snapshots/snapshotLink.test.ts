import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState } from '../../state/urlState';
import { snapshotViewState } from './SnapshotList';

describe('a snapshot opened from the list', () => {
  it('links to the view it was saved with: table filters, sort and a heat-map cell', () => {
    const state = snapshotViewState('db-3:7070', {
      id: 'AbCdEfGhIjKlMnOp',
      tool: 'tcplife',
      kind: 'table',
      view: {
        from: 1,
        to: 2,
        filter: '/curl|wget/',
        columnFilters: { rport: '443' },
        sort: { column: 'ms', direction: 'desc' },
        selection: { from: 1000, to: 5000, bucket: 11 },
      },
    });
    const link = encodeViewState(state);
    expect(link).toBe(
      '#/host/db-3%3A7070/tool/tcplife/snapshot/AbCdEfGhIjKlMnOp?q=%2Fcurl%7Cwget%2F&f.rport=443&sort=ms%3Adesc&show=table&sel=1000-5000&bucket=11',
    );
    expect(decodeViewState(link)).toEqual({ state, problems: [] });
  });

  it('gives a flame graph its search and no show', () => {
    const state = snapshotViewState('h:1', { id: 'AbCdEfGhIjKlMnOp', tool: 'profile', kind: 'profile', view: { from: 1, to: 2, search: 'spin_hot' } });
    expect(encodeViewState(state)).toBe('#/host/h%3A1/tool/profile/snapshot/AbCdEfGhIjKlMnOp?q=spin_hot');
  });
});
