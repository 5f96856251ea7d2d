import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface AgentToken {
  token: string;
  /** True when this start created the token (the only time it is printed). */
  created: boolean;
}

/**
 * The agent's bearer token: read from the token file, or generated into it on first
 * start (256 random bits, file mode 0600). A token file others can read is refused.
 */
export function loadOrCreateToken(tokenFile: string): AgentToken {
  if (existsSync(tokenFile)) {
    const mode = statSync(tokenFile).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new Error(`token file ${tokenFile} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
    const token = readFileSync(tokenFile, 'utf8').trim();
    if (token.length < 32) throw new Error(`token file ${tokenFile} holds a token shorter than 32 characters`);
    return { token, created: false };
  }
  mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tokenFile, 0o600);
  return { token, created: true };
}

/** Constant-time comparison: hashing first makes the lengths equal and hides them. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A short, non-secret name for a token in audit lines: never the token itself. */
export function tokenName(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})$/.exec(header ?? '');
  return match?.[1];
}
