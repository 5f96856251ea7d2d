// What SessionManager throws; services/errors.ts maps them to tRPC codes.
export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  readonly code = 'SESSION_NOT_FOUND';
  constructor() {
    // No id in the message: ids are capabilities and messages end up in logs.
    super('no such session; it was stopped, or released after its grace period without a stream');
  }
}

export class SessionLimitError extends Error {
  override readonly name = 'SessionLimitError';
  readonly code = 'SESSION_LIMIT';
  constructor(readonly maxSessions: number) {
    super(`at most ${maxSessions} tools can be attached at once; stop a session or wait for an idle one to detach`);
  }
}

/** start() after closeAll(): the agent is shutting down and must not attach anything new. */
export class SessionManagerClosedError extends Error {
  override readonly name = 'SessionManagerClosedError';
  readonly code = 'SHUTTING_DOWN';
  constructor() {
    super('the agent is shutting down; no new sessions');
  }
}

export class CustomProbeRecordingError extends Error {
  override readonly name = 'CustomProbeRecordingError';
  constructor(tool: string) {
    super(`${tool} is a custom probe: the flight recorder keeps only fixed tools attached`);
  }
}
