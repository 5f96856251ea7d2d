export { KERNEL_FRAME_SUFFIX, SHORT_USER_STACK_FRAMES, WAKER_SEPARATOR } from './foldedStacks.js';
export type { FoldedProfile, FoldedStack, StackUnit } from './foldedStacks.js';
export { parseFoldedText, toFoldedText } from './foldedText.js';
export type { ParseFoldedTextOptions } from './foldedText.js';
export { formatClockTime } from './clock.js';
export { formatArguments, formatCell, kilobytes, NOT_COUNTED, shownColumns } from './cells.js';
export type { CellColumn, ColumnDisplay } from './cells.js';
