// One JSON line per session and capture start and stop: who (by token name, never
// the token), what, when. Written to stdout, where systemd's journal or a log shipper takes it.
import type { ProfileAuditEvent } from './sessions/profileManager.js';
import type { AuditEvent as SessionAuditEvent } from './sessions/sessionManager.js';

export type AuditEvent = SessionAuditEvent | ProfileAuditEvent;
export type AuditLog = (event: AuditEvent) => void;

export function createAuditLog(write: (line: string) => void = (line) => process.stdout.write(line)): AuditLog {
  return (event) => write(`${JSON.stringify({ audit: true, time: new Date().toISOString(), ...event })}\n`);
}
