// Why a live table shows no rows, so an empty table says what to change instead of "No rows yet".
import type { ToolInfo } from '../../api/types';

type RowThreshold = NonNullable<ToolInfo['rowThreshold']>;

export type EmptyTableReason =
  /** Not started: the params it needs (a custom probe's spec) are not given yet. */
  | { kind: 'params'; missing: string[] }
  /** Nothing has arrived: the tool has seen `events` events (none made a row). */
  | { kind: 'waiting'; events: number }
  /** The heat map counted `events` events, none past the threshold the rows need. */
  | { kind: 'threshold'; events: number; threshold: RowThreshold; value: number }
  /** Rows arrived, none in the heat-map selection. */
  | { kind: 'selection'; rows: number }
  /** Rows arrived, none match the filters. */
  | { kind: 'filters'; rows: number };

interface EmptyTableInput {
  /** Rows the table holds. */
  received: number;
  /** Of those, the ones in the heat-map selection (undefined: no selection narrows them). */
  inSelection?: number | undefined;
  /** Events the tool's heat map counted (0 without one). */
  heatMapEvents: number;
  /** The tool's row threshold and the value in force. */
  threshold?: { spec: RowThreshold; value: number } | undefined;
  /** Events the session decoded (rows before user-space filters). */
  events: number;
  /** Required params not given yet: the session has not started. */
  missingParams?: readonly string[];
}

export function emptyTableReason(input: EmptyTableInput): EmptyTableReason {
  if (input.received === 0) {
    if (input.missingParams && input.missingParams.length > 0) return { kind: 'params', missing: [...input.missingParams] };
    if (input.threshold && input.heatMapEvents > 0)
      return { kind: 'threshold', events: input.heatMapEvents, threshold: input.threshold.spec, value: input.threshold.value };
    return { kind: 'waiting', events: input.events };
  }
  if (input.inSelection === 0) return { kind: 'selection', rows: input.received };
  return { kind: 'filters', rows: input.inSelection ?? input.received };
}
