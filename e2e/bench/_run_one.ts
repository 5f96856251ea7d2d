import { benchHostOverview } from './hostOverview.ts';
await benchHostOverview();
