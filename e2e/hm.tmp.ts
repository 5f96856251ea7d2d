import { benchHeatMap } from './bench/heatMap.ts';
for (let i = 0; i < 3; i++) await benchHeatMap();
