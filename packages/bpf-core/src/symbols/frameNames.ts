// Names of frames the symbolizer could not resolve. Frame (stacks/types.ts) has
// no "resolved" flag, so the names themselves carry it: `[unknown]`, or
// `module+0xoffset` when at least the mapping is known (perf's and bcc's style).
import type { Frame } from '../stacks/types.js';

export const UNKNOWN_FRAME_NAME = '[unknown]';

const OFFSET_NAME = /\+0x[0-9a-f]+$/;

/** `libc.so.6+0x2a1b0`: the base name of the module (a path or `[vdso]`) and an offset in it. */
export function offsetFrameName(module: string, offset: number | bigint): string {
  const baseName = module.slice(module.lastIndexOf('/') + 1) || module;
  return `${baseName}+0x${offset.toString(16)}`;
}

/** True for frames named `[unknown]` or `module+0xoffset`. */
export function isUnknownFrame(frame: Pick<Frame, 'name'>): boolean {
  return frame.name === UNKNOWN_FRAME_NAME || OFFSET_NAME.test(frame.name);
}
