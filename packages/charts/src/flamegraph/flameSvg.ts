// A flame graph as one standalone SVG document, laid out as flamegraph.pl lays
// it out (rectangles, clipped labels, a <title> tooltip per frame), for
// downloads and bug reports: no DOM, no script, opens in any browser.
import type { StackUnit } from '@bpfscope/formats';
import { formatFrameValue, formatPercent, frameColor, frameSummary, HIGHLIGHT_COLOR } from './flameColors.js';
import { frameMatcher } from './flameSearch.js';
import type { DiffNode, FlameNode, FlamePalette } from './types.js';

export interface SvgOptions {
  unit: StackUnit;
  palette: FlamePalette;
  /** Heading; by default one naming the kind of graph. */
  title?: string;
  /** Image width, px (flamegraph.pl's default 1200). */
  width?: number;
  frameHeight?: number;
  fontSize?: number;
  fontFamily?: string;
  /** Frames narrower than this (px) are left out, as flamegraph.pl's --minwidth. */
  minFrameWidth?: number;
  /** Icicle graph: the root on top, stacks growing down. */
  inverted?: boolean;
  /** Frames matching this search (frameMatcher's syntax) are drawn in the highlight colour. */
  search?: string;
}

/** flamegraph.pl's estimate of a glyph's width, as a share of the font size, for clipping labels without measuring. */
const GLYPH_WIDTH = 0.59;
const SIDE_PADDING = 10;

export function toSvg(tree: FlameNode, options: SvgOptions): string {
  const width = options.width ?? 1200;
  const frameHeight = options.frameHeight ?? 16;
  const fontSize = options.fontSize ?? 12;
  const fontFamily = options.fontFamily ?? 'Verdana, sans-serif';
  const minFrameWidth = options.minFrameWidth ?? 0.1;
  const topPadding = fontSize * 3;
  const bottomPadding = fontSize * 2 + 10;
  const total = tree.value;
  const plotWidth = width - 2 * SIDE_PADDING;
  const scale = total > 0 ? plotWidth / total : 0;
  const matches = options.search ? frameMatcher(options.search) : undefined;
  const title =
    options.title ?? (options.palette === 'diff' ? 'Differential Flame Graph' : options.palette === 'offcpu' ? 'Off-CPU Time Flame Graph' : 'Flame Graph');

  // Lay out first: the image's height depends on the deepest frame wide enough to draw.
  const frames: Array<{ node: FlameNode; x: number; width: number; depth: number }> = [];
  let maxDepth = 0;
  const place = (node: FlameNode, x: number, depth: number): void => {
    const frameWidth = node.value * scale;
    if (frameWidth < minFrameWidth) return;
    frames.push({ node, x, width: frameWidth, depth });
    if (depth > maxDepth) maxDepth = depth;
    let childX = x;
    for (const child of node.children) {
      place(child, childX, depth + 1);
      childX += child.value * scale;
    }
  };
  if (total > 0) place(tree, SIDE_PADDING, 0);
  const height = topPadding + bottomPadding + (maxDepth + 1) * frameHeight;

  const background = options.palette === 'offcpu' ? ['#f8f8f8', '#e8e8f8'] : options.palette === 'diff' ? ['#f8f8f8', '#e8e8e8'] : ['#eeeeee', '#eeeeb0'];
  const parts: string[] = [
    '<?xml version="1.0" standalone="no"?>',
    `<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(fontFamily)}" font-size="${fontSize}">`,
    `<defs><linearGradient id="background" y1="0" y2="1" x1="0" x2="0"><stop stop-color="${background[0]}" offset="5%"/><stop stop-color="${background[1]}" offset="95%"/></linearGradient></defs>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="url(#background)"/>`,
    `<text x="${width / 2}" y="${fontSize * 2}" text-anchor="middle" font-size="${fontSize + 5}">${escapeXml(title)}</text>`,
    `<text x="${SIDE_PADDING}" y="${height - fontSize / 2 - 4}" font-size="${fontSize}" fill="#555">${escapeXml(`Total: ${formatFrameValue(total, options.unit)}`)}</text>`,
  ];
  for (const { node, x, width: frameWidth, depth } of frames) {
    const y = options.inverted ? topPadding + depth * frameHeight : height - bottomPadding - (depth + 1) * frameHeight;
    const fill = matches?.(node) ? HIGHLIGHT_COLOR : frameColor(node, options.palette);
    const label = fitLabel(node.name, frameWidth - 6, fontSize);
    parts.push(
      `<g><title>${escapeXml(tooltip(node, total, options.unit))}</title>` +
        `<rect x="${round(x)}" y="${round(y)}" width="${round(frameWidth)}" height="${frameHeight - 1}" fill="${fill}" rx="2" ry="2"/>` +
        (label ? `<text x="${round(x + 3)}" y="${round(y + frameHeight / 2 + fontSize / 2 - 2)}">${escapeXml(label)}</text>` : '') +
        '</g>',
    );
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}

function tooltip(node: FlameNode, total: number, unit: StackUnit): string {
  const summary = frameSummary(node, total, unit);
  if (!isDiffNode(node)) return summary;
  const points = 100 * (node.afterShare - node.beforeShare);
  return `${summary}; before ${formatPercent(node.beforeShare, 1)}, after ${formatPercent(node.afterShare, 1)}, ${points >= 0 ? '+' : ''}${points.toFixed(2)} points`;
}

function isDiffNode(node: FlameNode): node is DiffNode {
  return 'delta' in node && 'beforeShare' in node;
}

/** The name cut to what fits (with `..`, as flamegraph.pl), or nothing under three glyphs. */
function fitLabel(name: string, room: number, fontSize: number): string {
  const glyphs = Math.floor(room / (fontSize * GLYPH_WIDTH));
  if (glyphs < 3) return '';
  return name.length <= glyphs ? name : `${name.slice(0, glyphs - 2)}..`;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Text safe inside XML: markup characters escaped, control characters (not allowed in XML 1.0) dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/[&<>"']/g, (character) =>
        character === '&' ? '&amp;' : character === '<' ? '&lt;' : character === '>' ? '&gt;' : character === '"' ? '&quot;' : '&apos;',
      )
  );
}
