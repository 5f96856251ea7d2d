import { BpfError, ToolError } from '@bpfscope/bpf-core';
import { TRPCError } from '@trpc/server';
import { LookupNotFoundError } from '../probes/probeLookups.js';
import { CostUnavailableError } from '../sessions/bpfCost.js';
import { CustomProbeRecordingError, SessionLimitError, SessionManagerClosedError, SessionNotFoundError } from '../sessions/sessionErrors.js';
import { SnapshotStoreFullError, SnapshotTooLargeError } from '../snapshots/snapshotStore.js';
import { NotAStackToolError, ProfileLimitError, ProfileNotFoundError } from '../sessions/profileManager.js';
import { PromqlProxyError } from '../prometheus/promqlProxy.js';
import type { PromqlErrorKind } from '../prometheus/promqlProxy.js';

const PROMQL_CODES: Readonly<Record<PromqlErrorKind, TRPCError['code']>> = {
  'not-configured': 'PRECONDITION_FAILED',
  'bad-query': 'BAD_REQUEST',
  timeout: 'GATEWAY_TIMEOUT',
  'too-large': 'PAYLOAD_TOO_LARGE',
  unreachable: 'BAD_GATEWAY',
  upstream: 'BAD_GATEWAY',
};

/** Maps what the session and kernel layers throw to a TRPCError a client can act on. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof ToolError) {
    switch (error.code) {
      case 'UNKNOWN_TOOL':
        return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
      case 'INVALID_PARAMS':
        return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
      case 'UNAVAILABLE':
        return new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message, cause: error });
      case 'OBJECT_MISSING':
      case 'ATTACH_FAILED':
      case 'CLOSED':
        return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: error.message, cause: error });
      default: {
        const unreachable: never = error.code;
        return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `unexpected tool error ${String(unreachable)}` });
      }
    }
  }
  if (error instanceof SessionNotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  if (error instanceof SessionManagerClosedError) {
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
  }
  if (error instanceof NotAStackToolError) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof ProfileLimitError) return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message, cause: error });
  if (error instanceof ProfileNotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  if (error instanceof SnapshotTooLargeError) return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: error.message, cause: error });
  if (error instanceof SnapshotStoreFullError) return new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message, cause: error });
  // A custom probe whose CPU budget this kernel cannot measure is not attached.
  if (error instanceof CostUnavailableError) return new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message, cause: error });
  if (error instanceof CustomProbeRecordingError) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof LookupNotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  if (error instanceof SessionLimitError) return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message, cause: error });
  if (error instanceof PromqlProxyError) return new TRPCError({ code: PROMQL_CODES[error.kind], message: error.message, cause: error });
  if (error instanceof BpfError) {
    return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `kernel refused: ${error.message.split('\n')[0]}`, cause: error });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error', cause: error });
}
