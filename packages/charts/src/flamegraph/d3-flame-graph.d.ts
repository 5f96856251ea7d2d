// d3-flame-graph 5.x ships no type declarations (and there is no @types
// package): the part of its API FlameGraph.tsx uses, read from its
// dist/d3-flamegraph.es.js. A script file (no top-level import/export), so the
// `declare module` below declares the module rather than augmenting one.

declare module 'd3-flame-graph' {
  import type { HierarchyRectangularNode } from 'd3-hierarchy';

  /** A frame as the chart hands it back: a d3 hierarchy node over the caller's datum, plus the chart's own flags. */
  export type FlameGraphNode<Datum> = HierarchyRectangularNode<Datum> & {
    /** Set by search on matched frames. */
    highlight?: boolean;
    /** Numbered by the chart, for its keyed joins. */
    id: number;
  };

  /** A tooltip: called once with the chart's svg selection, then show/hide per hovered frame. */
  export interface FlameGraphTooltip<Datum> {
    (selection: unknown): void;
    show(event: MouseEvent, node: FlameGraphNode<Datum>): unknown;
    hide(): unknown;
    destroy?(): void;
  }

  export interface FlameGraph<Datum> {
    /** Draws into a d3 selection whose datum is the root of the tree. */
    (selection: unknown): void;
    width(): number;
    width(pixels: number): this;
    height(): number | null;
    height(pixels: number | null): this;
    minHeight(pixels: number): this;
    cellHeight(pixels: number): this;
    minFrameSize(): number;
    minFrameSize(pixels: number): this;
    title(text: string): this;
    transitionDuration(milliseconds: number): this;
    sort(enabled: boolean | ((a: FlameGraphNode<Datum>, b: FlameGraphNode<Datum>) => number)): this;
    inverted(): boolean;
    inverted(enabled: boolean): this;
    selfValue(enabled: boolean): this;
    resetHeightOnZoom(enabled: boolean): this;
    tooltip(tooltip: FlameGraphTooltip<Datum>): this;
    setLabelHandler(label: (node: FlameGraphNode<Datum>) => string): this;
    onClick(handler: (node: FlameGraphNode<Datum>) => void): this;
    onHover(handler: (node: FlameGraphNode<Datum>) => void): this;
    /** `originalColor` is the chart's own colour for the frame. */
    setColorMapper(mapper: (node: FlameGraphNode<Datum>, originalColor: string) => string): this;
    setSearchMatch(match: (node: FlameGraphNode<Datum>, term: string, ignoreCase?: boolean) => boolean): this;
    setSearchHandler(handler: (results: Array<FlameGraphNode<Datum>>, matchedValue: number, totalValue: number) => void): this;
    setDetailsHandler(handler: (text: string | null) => void): this;
    search(term: string): void;
    clear(): void;
    resetZoom(): void;
    update(data?: Datum): this;
    destroy(): this;
  }

  export default function flamegraph<Datum = unknown>(): FlameGraph<Datum>;
}
