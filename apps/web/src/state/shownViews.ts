/** The views of a table tool's output: its rows, their heat map, their columns over time. */
export const shownViews = ['table', 'heatmap', 'timeseries'] as const;
export type ShownView = (typeof shownViews)[number];
