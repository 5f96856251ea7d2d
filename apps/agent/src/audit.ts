// One JSON line per session and capture start and stop: who (by token name, never
// the token), what, when. They always go to <data-dir>/audit.log; under systemd to
// stdout, which is the journal, as well. From a terminal they stay out of it, so they
// do not bury the sign-in link (`--audit both` shows them there too).
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { TokenDescription, TokenSet } from './auth/tokens.js';
import type { AgentConfig } from './env.js';
import type { ProfileAuditEvent } from './sessions/profileManager.js';
import type { AuditEvent as SessionAuditEvent } from './sessions/sessionTypes.js';

/** At start-up: every token the agent accepts, by name, with its roles (never the token). */
export interface TokensAuditEvent {
  action: 'tokens';
  file: string;
  tokens: TokenDescription[];
}

export type AuditEvent = SessionAuditEvent | ProfileAuditEvent | TokensAuditEvent;
export type AuditLog = (event: AuditEvent) => void;

/** Adds `roles` to every event whose `who` is a token's name, so each line says what that caller was allowed. */
export function withCallerRoles(log: AuditLog, tokens: TokenSet): AuditLog {
  return (event) => {
    const roles = 'who' in event ? tokens.rolesOf(event.who) : undefined;
    log(roles ? Object.assign({}, event, { roles }) : event);
  };
}

export function createAuditLog(write: (line: string) => void = (line) => process.stdout.write(line)): AuditLog {
  return (event) => write(`${JSON.stringify({ audit: true, time: new Date().toISOString(), ...event })}\n`);
}

export interface AuditSinks {
  /** Appended to, mode 0600. */
  file?: string;
  stdout: boolean;
}

/** `auto`: the file in the data dir, and the journal too when stdout is the journal. */
export function auditSinks(mode: AgentConfig['audit'], options: { dataDir: string; stdoutIsJournal: boolean }): AuditSinks {
  const file = path.join(options.dataDir, 'audit.log');
  switch (mode) {
    case 'auto':
      return { file, stdout: options.stdoutIsJournal };
    case 'file':
      return { file, stdout: false };
    case 'stdout':
      return { stdout: true };
    case 'both':
      return { file, stdout: true };
    default:
      return mode satisfies never;
  }
}

/**
 * systemd sets JOURNAL_STREAM to the device and inode of the journal stream it gave
 * the service; children inherit the variable, so it counts only if stdout is still that stream.
 */
export function isJournalStream(journalStream: string | undefined, stdout: { dev: bigint; ino: bigint } | undefined): boolean {
  const match = /^(\d+):(\d+)$/.exec(journalStream ?? '');
  if (!match || !stdout) return false;
  return BigInt(match[1] as string) === stdout.dev && BigInt(match[2] as string) === stdout.ino;
}

export function stdoutIsJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  let stdout: { dev: bigint; ino: bigint } | undefined;
  try {
    stdout = fstatSync(1, { bigint: true });
  } catch {
    stdout = undefined;
  }
  return isJournalStream(env.JOURNAL_STREAM, stdout);
}

export interface OpenAuditLog {
  log: AuditLog;
  sinks: AuditSinks;
  close(): void;
}

/** Opens the file sink (creating the data dir and the file, mode 0600) and returns one writer for every sink. */
export function openAuditLog(sinks: AuditSinks, writeStdout: (line: string) => void = (line) => process.stdout.write(line)): OpenAuditLog {
  let fd: number | undefined;
  if (sinks.file) {
    mkdirSync(path.dirname(sinks.file), { recursive: true, mode: 0o700 });
    fd = openSync(sinks.file, 'a', 0o600);
    fchmodSync(fd, 0o600);
  }
  let failureReported = false;
  const log = createAuditLog((line) => {
    if (fd !== undefined) {
      try {
        writeSync(fd, line);
      } catch (error) {
        // A full disk must not stop sessions; say so once, on stderr.
        if (!failureReported) process.stderr.write(`bpfscope agent: cannot write ${sinks.file}: ${error instanceof Error ? error.message : String(error)}\n`);
        failureReported = true;
      }
    }
    if (sinks.stdout) writeStdout(line);
  });
  return {
    log,
    sinks,
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
