/** Thrown by the native addon: a libbpf or kernel failure with an errno-style code. */
export class BpfError extends Error {
  override readonly name = 'BpfError';
  constructor(
    message: string,
    readonly code: string,
    readonly errno: number,
  ) {
    super(message);
  }
}

export type ToolErrorCode = 'UNKNOWN_TOOL' | 'INVALID_PARAMS' | 'OBJECT_MISSING' | 'UNAVAILABLE' | 'ATTACH_FAILED' | 'CLOSED';

/** Thrown by the TypeScript layer before anything touches the kernel (or after it failed). */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: ToolErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
