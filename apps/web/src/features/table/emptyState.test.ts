import { describe, expect, it } from 'vitest';
import { emptyTableReason } from './emptyState';

const minMs = { param: 'minMs', relation: 'slower than', unit: 'ms', eventNoun: 'operations' };

describe('emptyTableReason', () => {
  it('blames the threshold when the heat map counted events that made no row', () => {
    expect(emptyTableReason({ received: 0, heatMapEvents: 7388, threshold: { spec: minMs, value: 10 }, events: 0 })).toEqual({
      kind: 'threshold',
      events: 7388,
      threshold: minMs,
      value: 10,
    });
  });

  it('says it is waiting when nothing happened, whatever the threshold', () => {
    expect(emptyTableReason({ received: 0, heatMapEvents: 0, threshold: { spec: minMs, value: 10 }, events: 0 })).toEqual({ kind: 'waiting', events: 0 });
    expect(emptyTableReason({ received: 0, heatMapEvents: 0, events: 12 })).toEqual({ kind: 'waiting', events: 12 });
  });

  it('blames the heat-map selection, then the filters, when rows arrived', () => {
    expect(emptyTableReason({ received: 500, inSelection: 0, heatMapEvents: 500, events: 500 })).toEqual({ kind: 'selection', rows: 500 });
    expect(emptyTableReason({ received: 500, inSelection: 12, heatMapEvents: 500, events: 500 })).toEqual({ kind: 'filters', rows: 12 });
    expect(emptyTableReason({ received: 500, heatMapEvents: 0, events: 500 })).toEqual({ kind: 'filters', rows: 500 });
  });
});
