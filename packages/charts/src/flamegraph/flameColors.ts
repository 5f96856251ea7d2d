// Frame colours and labels shared by the d3 component and the SVG export, so
// both draw a profile the same way. Colours follow flamegraph.pl's hues: the
// hue says what kind of frame it is, a hash of the name varies the shade so
// neighbours stay apart and a function keeps its colour across graphs.
import type { StackUnit } from '@bpfscope/formats';
import type { FlameNode, FlamePalette } from './types.js';
import { formatFixed, formatInteger } from '../format/numbers.js';

/** Frames matching a search (d3-flame-graph's own highlight colour). */
export const HIGHLIGHT_COLOR = '#e600e6';
/** The `--` frame between a blocked stack and its waker's. */
const SEPARATOR_COLOR = 'rgb(160, 160, 160)';
/** A frame a differential graph has no delta for. */
const NEUTRAL_COLOR = 'rgb(220, 220, 220)';

type ColorNode = Pick<FlameNode, 'name' | 'frame' | 'kernel' | 'waker'> & { color?: string };

/**
 * A frame's fill. cpu: user frames red to orange (warm), kernel frames yellow.
 * offcpu: the blocked task's frames blue, its kernel frames aqua, the waker's
 * frames purple. diff: the colour diffTrees worked out from the delta.
 */
export function frameColor(node: ColorNode, palette: FlamePalette): string {
  if (node.frame === '--') return SEPARATOR_COLOR;
  if (palette === 'diff') return node.color ?? NEUTRAL_COLOR;
  const [shade, variation] = nameHash(node.name);
  if (palette === 'offcpu') {
    if (node.waker)
      return node.kernel ? rgb(180 + 40 * shade, 150 + 40 * shade, 230 + 25 * variation) : rgb(150 + 50 * shade, 90 + 40 * variation, 210 + 45 * shade);
    if (node.kernel) return rgb(50 + 60 * shade, 165 + 55 * shade, 165 + 55 * variation);
    return rgb(80 + 60 * shade, 80 + 60 * shade, 190 + 55 * variation);
  }
  if (node.kernel) return rgb(200 + 40 * shade, 185 + 45 * shade, 40 + 40 * variation);
  return rgb(205 + 50 * variation, 150 * shade, 55 * variation);
}

/**
 * Two numbers in [0, 1) from a name (FNV-1a): the same function gets the same
 * shade in every graph. C++/Rust signatures and offsets after the name would
 * shift the shade without meaning anything, so only the part before `(` or `+0x` counts.
 */
function nameHash(name: string): [number, number] {
  let end = name.length;
  const parenthesis = name.indexOf('(');
  if (parenthesis > 0) end = parenthesis;
  const offset = name.indexOf('+0x');
  if (offset > 0 && offset < end) end = offset;
  let hash = 0x811c9dc5;
  for (let index = 0; index < end; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash >>>= 0;
  return [(hash & 0xffff) / 0x10000, (hash >>> 16) / 0x10000];
}

function rgb(red: number, green: number, blue: number): string {
  return `rgb(${Math.round(red)}, ${Math.round(green)}, ${Math.round(blue)})`;
}

/**
 * Red for growth, blue for shrinkage, stronger the larger the change against the
 * largest in the graph; grey when unchanged (flamegraph.pl's differential colours).
 */
export function deltaColor(delta: number, maxAbsDelta: number): string {
  if (delta === 0 || !(maxAbsDelta > 0)) return NEUTRAL_COLOR;
  // A floor so that any change shows against the grey of no change.
  const strength = 0.15 + 0.85 * Math.min(1, Math.abs(delta) / maxAbsDelta);
  const fade = Math.round(210 * (1 - strength));
  return delta > 0 ? `rgb(255, ${fade}, ${fade})` : `rgb(${fade}, ${fade}, 255)`;
}

/** A value in the profile's unit: samples counted, off-CPU time in ms. */
export function formatFrameValue(value: number, unit: StackUnit): string {
  if (unit === 'samples') return `${formatInteger(value)} ${Math.round(value) === 1 ? 'sample' : 'samples'}`;
  const milliseconds = value / 1e6;
  const digits = Math.abs(milliseconds) >= 100 ? 0 : Math.abs(milliseconds) >= 1 ? 2 : 3;
  return `${formatFixed(milliseconds, digits)} ms`;
}

/** A share of the total as a percentage, with enough digits for small frames. */
export function formatPercent(part: number, total: number): string {
  if (!(total > 0)) return '0%';
  const percent = (100 * part) / total;
  return `${percent.toFixed(Math.abs(percent) >= 10 ? 1 : 2)}%`;
}

/** One line describing a frame, as flamegraph.pl's tooltips: `name (12 samples, 3.4%)`. */
export function frameSummary(node: FlameNode, total: number, unit: StackUnit): string {
  const kind = node.kernel ? ' [kernel]' : '';
  return `${node.name}${kind} (${formatFrameValue(node.value, unit)}, ${formatPercent(node.value, total)})`;
}
