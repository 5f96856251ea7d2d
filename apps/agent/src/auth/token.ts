import { createHash, timingSafeEqual } from 'node:crypto';

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
