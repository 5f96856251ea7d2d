import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState } from '../../state/urlState';
import type { ViewState } from '../../state/urlState';
import { sharedHeatMapView, sharedProfileView, sharedTableView, snapshotViewState } from './snapshotLinks';

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

describe('a snapshot shared from a view', () => {
  const view: ViewState = {
    hosts: ['db-3:7070', 'db-4:7070'],
    tool: 'biolatency',
    params: { perDisk: true },
    filter: 'vda',
    columnFilters: { comm: 'dd' },
    sort: { column: 'ms', direction: 'desc' },
    selection: { from: 1000, to: 5000 },
    windowSeconds: 900,
    series: 'vdb',
  };

  it('links a heat map to its own selection and series, keeping the rest of the view', () => {
    const { series: _series, ...rest } = view;
    const cell = sharedHeatMapView(view, 'AbCdEfGhIjKlMnOp', { title: 't', range: { from: 0, to: 9000 }, selection: { from: 2000, to: 3000, bucket: 4 } });
    expect(cell).toEqual({ ...rest, show: 'heatmap', snapshot: 'AbCdEfGhIjKlMnOp', selection: { from: 2000, to: 3000, bucket: 4 } });
    expect(cell).not.toHaveProperty('series');
    expect(sharedHeatMapView(view, 'AbCdEfGhIjKlMnOp', { title: 't', range: { from: 0, to: 9000 }, series: 'vda' })).toMatchObject({ series: 'vda' });
    expect(sharedHeatMapView(view, 'AbCdEfGhIjKlMnOp', { title: 't', range: { from: 0, to: 9000 } })).not.toHaveProperty('selection');
  });

  it('links a table to the view it was shared from', () => {
    expect(sharedTableView(view, 'AbCdEfGhIjKlMnOp')).toEqual({ ...view, show: 'table', snapshot: 'AbCdEfGhIjKlMnOp' });
  });

  it('links a flame graph to its search and FlameScope range', () => {
    const linked = sharedProfileView({ ...view, tool: 'profile' }, 'AbCdEfGhIjKlMnOp', {
      inverted: false,
      search: 'spin_hot',
      selection: { from: 200, to: 400 },
    });
    expect(linked).toMatchObject({ tool: 'profile', filter: 'spin_hot', snapshot: 'AbCdEfGhIjKlMnOp', selection: { from: 200, to: 400 } });
    expect(sharedProfileView(view, 'AbCdEfGhIjKlMnOp', { inverted: true })).toMatchObject({ filter: '' });
    expect(sharedProfileView(view, 'AbCdEfGhIjKlMnOp', { inverted: true })).not.toHaveProperty('selection');
  });
});
